"""Assessment of cadres: point schemes scored from the work itself (visits, patrols, cases, logs,
meetings), manual rewards and deductions with a reason, periods, and the long-term-failure list.

Built on villages, cases and visits. scoring.py holds the rules as pure functions (groundwork);
the models, ledger and pages arrive with the assessment issue.
"""
