"""Drafts written from the records, for a person to edit: a work log from the day's or week's
visits, patrols and cases (日清周结), a meeting's agenda from the village's open and overdue cases
and its households overdue a visit. In the language of the person who will edit them.

A saved log or agenda is read by everyone on its grid or in its village, not all of whom may see
sensitive matters: cases about an unstable factor (Case.sensitive_rows) are counted, not named."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseEvent

from . import selectors
from .models import Patrol, Visit, WorkLog, period_end


def work_log(grid, period, starts_on, user):
    """The day's or the week's field work in the grid, by this user and by the grid, as lines."""
    ends_on = period_end(period, starts_on)
    span = (starts_on, ends_on)
    visits = list(
        Visit.objects.filter(grid=grid, visited_on__range=span, recorded_by=user)
        .select_related("household", "representative")
        .order_by("visited_on", "recorded_at")
    )
    patrols = list(
        Patrol.objects.filter(grid=grid, patrolled_on__range=span).select_related("patroller").order_by("patrolled_on")
    )
    start = timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time.min))
    cases = Case.objects.for_user(user).filter(grid=grid)
    opened = list(cases.filter(created_at__gte=start, created_at__lt=end).order_by("created_at"))
    acted = list(
        CaseEvent.objects.filter(case__in=cases, actor=user, at__gte=start, at__lt=end)
        .exclude(kind=CaseEvent.Kind.CREATED)
        .select_related("case")
        .order_by("at")
    )
    sensitive = sum(1 for case in opened if is_sensitive(case))
    opened = [case for case in opened if not is_sensitive(case)]
    acted = [event for event in acted if not is_sensitive(event.case)]
    lines = []
    lines.append(_("Visits (%(count)s):") % {"count": len(visits)})
    for visit in visits:
        found = "; ".join(text for _label, text in visit.findings)
        lines.append(
            f"- {visit.visited_on:%m-%d} {visit.subject} · {visit.get_kind_display()}" + (f": {found}" if found else "")
        )
    lines.append(_("Patrols (%(count)s):") % {"count": len(patrols)})
    for patrol in patrols:
        lines.append(
            f"- {patrol.patrolled_on:%m-%d} {patrol.started_at:%H:%M}–{patrol.ended_at:%H:%M} "
            f"{patrol.patroller.name} · {patrol.area}" + (f": {patrol.findings}" if patrol.findings else "")
        )
    lines.append(_("Cases registered in the grid (%(count)s):") % {"count": len(opened)})
    for case in opened:
        lines.append(f"- {case.reference} {case.summary} · {case.get_status_display()}")
    if sensitive:
        lines.append(f"- {unnamed(sensitive)}")
    if acted:
        lines.append(_("Steps I took on cases (%(count)s):") % {"count": len(acted)})
        for event in acted:
            lines.append(f"- {event.case.reference} {event.get_kind_display()}")
    lines.append("")
    lines.append(
        _("Problems and next steps:") if period == WorkLog.Period.DAY else _("Summary and plans for next week:")
    )
    return "\n".join(lines)


def unnamed(count):
    return ngettext(
        "and %(count)s sensitive case, not named here", "and %(count)s sensitive cases, not named here", count
    ) % {"count": count}


def is_sensitive(case):
    path, value = Case.sensitive_rows
    return getattr(case, path) == value


def meeting_agenda(village, cases, user, today=None):
    """The agenda: the village's overdue cases, its other open cases, and visits overdue by grid."""
    today = today or timezone.localdate()
    now = timezone.now()
    sensitive = sum(1 for case in cases if is_sensitive(case))
    cases = [case for case in cases if not is_sensitive(case)]
    overdue = [case for case in cases if case.due_at <= now]
    other = [case for case in cases if case.due_at > now]
    households = selectors.overdue_households(village, today)
    by_grid = {}
    for household in households:
        by_grid.setdefault(household.grid, []).append(household)
    lines = [_("1. Overdue cases (%(count)s):") % {"count": len(overdue)}]
    lines += [
        f"   - {case.reference} {case.summary} · {case.grid.name} · {case.get_status_display()}" for case in overdue
    ]
    lines.append(_("2. Other open cases (%(count)s):") % {"count": len(other)})
    lines += [f"   - {case.reference} {case.summary} · {case.grid.name}" for case in other]
    if sensitive:
        lines.append(f"   - {unnamed(sensitive)}")
    lines.append(_("3. Households overdue a visit (%(count)s):") % {"count": len(households)})
    for grid, rows in sorted(by_grid.items(), key=lambda item: item[0].number):
        names = "、".join(h.head_name for h in rows[:10]) + ("…" if len(rows) > 10 else "")
        lines.append(f"   - {grid.name} ({len(rows)}): {names}")
    lines.append(_("4. Other business:"))
    return "\n".join(lines)
