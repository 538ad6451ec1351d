"""What every page frame shows of cases: the emergency banner for the township centre, and the
number of unread notifications (one query, kept for the request: a page may render several
templates with the request's context)."""

from villages.jurisdiction import Action, jurisdiction_for

from . import selectors


def alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_case_alerts"):
        jurisdiction = jurisdiction_for(user)
        counts = selectors.alerts(user)
        request._case_alerts = {
            "emergencies_waiting": counts["emergencies"],
            "unread_notifications": counts["unread"],
            "sees_township_cases": jurisdiction.has_any(Action.HANDLE, ("township",)),
            "sees_department_cases": jurisdiction.has_any(Action.HANDLE, ("department",)),
        }
    return request._case_alerts
