"""Visits, patrols, work logs and meetings, and the rules that say who is due.

Built on villages and cases: rules.py (the seed's visit rules, pure), models, selectors (the
set-based due dates), services, drafts, pages.
"""
