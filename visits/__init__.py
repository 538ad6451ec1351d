"""Visits, patrols, work logs and meetings, and the rules that say who is due.

Built on villages and cases; its models and pages arrive with the visits issue.
"""
