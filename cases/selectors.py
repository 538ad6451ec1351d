"""Reads of cases: the lists' querysets and the dashboard's figures, each a few set-based queries."""

import datetime
import statistics

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from villages.jurisdiction import Action, jurisdiction_for

from .models import Case, Notification
from .workflow import IN_HAND, Level, Procedure, Status

# What a case row shows: its places, household and the person responsible.
ROW_RELATIONS = ("village", "grid__village", "household", "assignee", "reported_by")


def case_rows(user):
    return Case.objects.for_user(user).select_related(*ROW_RELATIONS)


# The level each kind of post holds (a post acts there and below; its queue is its own level).
OWN_LEVEL = {
    "contact": Level.REPRESENTATIVE,
    "grid": Level.GRID,
    "group": Level.VILLAGE,
    "village": Level.VILLAGE,
    "township": Level.TOWNSHIP,
    "department": Level.DEPARTMENT,
}
WAITING = Q(status__in=IN_HAND) | Q(status__in=[Status.DECIDED, Status.IN_NOTICE])


def queue(user, now=None):
    """My queue: what waits for me, most urgent first — cases held at my own level in my places
    and cases I am responsible for; for the grid and the representative, results come back for
    the resident's verdict; extension requests from the level below; for the township centre,
    cases overdue at a department (to chase or take back)."""
    jurisdiction = jurisdiction_for(user)
    rows = case_rows(user)
    if jurisdiction.everything:
        return rows.filter(WAITING).by_urgency()
    now = now or timezone.now()
    mine = Q(assignee=user) & WAITING
    for kind, here in jurisdiction.node_filters(Case, Action.HANDLE):
        level = OWN_LEVEL.get(kind)
        if level is None:
            continue
        mine |= here & Q(level=level) & WAITING
        below = [level - 1] if Level.REPRESENTATIVE < level < Level.TOWNSHIP else []
        if level == Level.TOWNSHIP:
            below = [Level.VILLAGE, Level.TOWNSHIP, Level.DEPARTMENT]
            mine |= here & Q(level=Level.DEPARTMENT, status__in=IN_HAND, due_at__lte=now)
        if below:
            mine |= here & Q(level__in=below, extension_requested__isnull=False)
        if level in (Level.REPRESENTATIVE, Level.GRID):
            mine |= here & Q(status=Status.RESOLVED)
    return rows.filter(mine).by_urgency()


def notifications(user):
    """The user's notifications about cases they can still see."""
    return Notification.objects.filter(recipient=user, event__case__in=Case.objects.for_user(user).values("pk"))


def department_inbox(user):
    """Everything ever dispatched to the user's departments, those still at the department first."""
    jurisdiction = jurisdiction_for(user)
    if jurisdiction.everything:
        return case_rows(user).exclude(department="").by_urgency()
    mine = [here for kind, here in jurisdiction.node_filters(Case, Action.HANDLE) if kind == "department"]
    return case_rows(user).filter(*mine).by_urgency() if mine else Case.objects.none()


def emergencies(user):
    """The township's emergencies: those not yet closed, and those of the last week."""
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return (
        case_rows(user)
        .filter(procedure=Procedure.EMERGENCY)
        .filter(~Q(status=Status.CLOSED) | Q(closed_at__gte=week_ago))
        .by_urgency()
    )


def alerts(user):
    """What the page frame shows, in one query: unread notifications, and for the township centre
    the emergencies waiting for it to acknowledge them."""
    visible = Case.objects.for_user(user).values("pk")
    counts = {
        "unread": Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True, event__case__in=visible)
    }
    if jurisdiction_for(user).has_any(Action.HANDLE, ("township",)):
        counts["emergencies"] = Case.objects.for_user(user, Action.HANDLE).unacknowledged_emergencies()
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(**{name: Coalesce(Subquery(count_of(query)), 0) for name, query in counts.items()})
        .first()
    )
    return {"unread": 0, "emergencies": 0, **(row or {})}


def count_of(queryset):
    """`SELECT COUNT(*)` of a queryset, as a subquery (no GROUP BY: Func is not an aggregate to Django)."""
    return queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")


def dashboard(user, now=None):
    """Open cases by level and procedure, overdue and due soon, median handling time and
    satisfaction over the last 90 days, and the same per village."""
    now = now or timezone.now()
    cases = Case.objects.for_user(user)
    in_hand = Q(status__in=IN_HAND)
    overdue = in_hand & Q(due_at__lte=now)
    since = now - datetime.timedelta(days=90)
    grid = {
        (row["level"], row["procedure"]): row["n"]
        for row in cases.filter(in_hand).values("level", "procedure").annotate(n=Count("pk")).order_by()
    }
    by_level = [
        (
            Level(level),
            [grid.get((level, procedure), 0) for procedure in Procedure],
            sum(grid.get((level, procedure), 0) for procedure in Procedure),
        )
        for level in Level
    ]
    totals = cases.aggregate(
        open=Count("pk", filter=in_hand),
        overdue=Count("pk", filter=overdue),
        due_soon=Count("pk", filter=in_hand & Q(warn_at__lte=now, due_at__gt=now)),
        closed=Count("pk", filter=Q(closed_at__gte=since)),
        pleased=Count("pk", filter=Q(closed_at__gte=since, satisfied=True)),
        rated=Count("pk", filter=Q(closed_at__gte=since, satisfied__isnull=False)),
        reopened_cases=Count("pk", filter=Q(created_at__gte=since, reopened__gt=0)),
    )
    durations = [
        (closed - created).total_seconds() / 3600
        for created, closed in cases.filter(closed_at__gte=since)
        .exclude(procedure=Procedure.GENERAL)
        .values_list("created_at", "closed_at")
    ]
    villages = (
        cases.values("village", "village__name")
        .annotate(
            open=Count("pk", filter=in_hand),
            overdue=Count("pk", filter=overdue),
            closed=Count("pk", filter=Q(closed_at__gte=since)),
            pleased=Count("pk", filter=Q(closed_at__gte=since, satisfied=True)),
            rated=Count("pk", filter=Q(closed_at__gte=since, satisfied__isnull=False)),
        )
        .order_by("village__name")
    )
    return {
        "procedures": list(Procedure),
        "by_level": by_level,
        "median": datetime.timedelta(hours=statistics.median(durations)) if durations else None,
        "satisfaction": percent(totals["pleased"], totals["rated"]),
        "villages": [{**row, "satisfaction": percent(row["pleased"], row["rated"])} for row in villages],
        **totals,
    }


def percent(part, whole):
    return round(100 * part / whole) if whole else None
