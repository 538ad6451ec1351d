"""Cases (事件): intake, the four procedures, escalation up the chain and deadlines.

Built on villages (the registry and its jurisdiction); its models and pages arrive with the
cases issue.
"""
