"""The evidence behind an automatic item: the visits, patrols, logs, meetings and cases that its
metric counted, listed for one cadre with the same rules `metrics.py` applies to all at once.

Each row: {"on": a date, "text": what, "url": its page (None when the viewer may not open it),
"ok": counted for (True) or against (False)}. Rows are what the records say now; the points of a
closed period are those frozen at its close. A household or case the viewer may not see is
counted, not named (the points stay the cadre's; their sensitive matters stay hidden)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from villages.jurisdiction import Action
from villages.models import Household
from visits import rules
from visits.models import Meeting, Patrol, Visit, WorkLog

from . import metrics
from .scoring import Metric

DAY = datetime.timedelta(days=1)


def area_of(score):
    """The Area the score was computed for, found again (three queries), or None."""
    period = score.period
    for area in metrics.assessed_areas(period.scheme, period.starts_on, period.ends_on):
        if area.cadre_id == score.cadre_id:
            return area
    return None


def evidence(score, item, user, today=None):
    """(rows, hidden): the evidence rows of `item` for `score` the user may see, and how many
    more were counted but are not shown to them."""
    area = area_of(score)
    if area is None or not item.metric:
        return [], 0
    period = score.period
    today = today or (period.ends_on + DAY if not period.is_open else timezone.localdate())
    window = metrics.Window(period.starts_on, period.ends_on, today)
    return BUILDERS[item.metric](area, area.cut(window), window, user)


def _row(on, text, url=None, ok=None, note=""):
    return {"on": on, "text": text, "url": url, "ok": ok, "note": note}


def _households(area, window, full, user):
    day = window.last
    facts = metrics.area_households(area, metrics.households_as_of(area.township_id, day)).values_list(
        "pk", "head_name", "address", "due_on", "last_visit"
    )
    visible = set(metrics.area_households(area, Household.objects.for_user(user)).values_list("pk", flat=True))
    rows, hidden = [], 0
    for pk, head, address, due_on, last_visit in facts:
        if pk not in visible:
            hidden += 1
            continue
        within = metrics.in_time(due_on, last_visit, day)
        note = _("last visit %(date)s") % {"date": last_visit} if last_visit else _("never visited")
        note += " · " + _("due %(date)s") % {"date": due_on}
        rows.append(_row(last_visit, f"{head} · {address}", reverse("villages:household", args=[pk]), within, note))
    rows.sort(key=lambda row: (row["ok"], row["on"] or datetime.date.min))
    return rows, hidden


def _must_visits(area, window, full, user):
    day = window.last
    facts = (
        metrics.area_households(area, metrics.households_as_of(area.township_id, day))
        .filter(must=True)
        .values_list("pk", "head_name")
    )
    # Being a must-visit household may say a sensitive category: listed only to those who may see it.
    visible = set(
        metrics.area_households(area, Household.objects.for_user(user, Action.SENSITIVE)).values_list("pk", flat=True)
    )
    facts = list(facts)
    seen = {}
    for pk, visited_on in Visit.objects.filter(
        household_id__in=[pk for pk, _head in facts], kind__in=rules.CADRE_KINDS, visited_on__range=(window.start, day)
    ).values_list("household_id", "visited_on"):
        seen.setdefault(pk, set()).add(visited_on.replace(day=1))
    months = window.months()
    if not months:
        return [], 0
    rows, hidden = [], 0
    for pk, head in facts:
        if pk not in visible:
            hidden += 1
            continue
        visited = seen.get(pk, set())
        missing = [f"{month:%Y-%m}" for month in months if month not in visited]
        note = _("not visited in %(months)s") % {"months": ", ".join(missing)} if missing else ""
        rows.append(
            _row(
                None,
                head,
                reverse("villages:household", args=[pk]),
                not missing,
                note or _("visited in %(count)s of %(months)s months") % {"count": len(visited), "months": len(months)},
            )
        )
    rows.sort(key=lambda row: row["ok"])
    return rows, hidden


def _patrols(area, window, full, user):
    if area.grid_id is None:
        return [], 0
    by_day = {}
    for patrol in Patrol.objects.filter(grid_id=area.grid_id, patrolled_on__range=(window.start, window.over)).order_by(
        "patrolled_on", "started_at"
    ):
        by_day.setdefault(patrol.patrolled_on, []).append(patrol)
    rows = []
    for day in metrics._days(window.start, window.over):
        patrols = by_day.get(day, [])
        if patrols:
            first = patrols[0]
            rows.append(
                _row(day, first.area, reverse("visits:patrol", args=[first.pk]), True, f"{first.started_at:%H:%M}")
            )
        else:
            rows.append(_row(day, _("No patrol"), None, False))
    return rows, 0


def _work_logs(area, window, full, user):
    if area.grid_id is None:
        return [], 0
    days, weeks = metrics.required_logs(window)
    logs = {
        (log.period, log.starts_on): log
        for log in WorkLog.objects.filter(
            author_id=area.cadre_id, starts_on__range=(window.start - 6 * DAY, window.over)
        ).select_related("author")
    }
    rows = []
    for period, starts in [(WorkLog.Period.DAY, day) for day in days] + [(WorkLog.Period.WEEK, m) for m in weeks]:
        log = logs.get((period, starts))
        label = WorkLog.Period(period).label
        if log is None:
            rows.append(_row(starts, label, None, False, _("missing")))
        else:
            counted = metrics.log_in_time(period, starts, log.submitted_at)
            if log.submitted_at is None:
                note = _("draft, not submitted")
            elif not counted:
                at = timezone.localtime(log.submitted_at)
                note = _("submitted late, on %(date)s") % {"date": f"{at:%Y-%m-%d}"}
            else:
                note = ""
            url = reverse("visits:log", args=[log.pk]) if log.author.user_id == user.pk else None
            rows.append(_row(starts, label, url, counted, note))
    rows.sort(key=lambda row: row["on"])
    return rows, 0


def _meetings(area, window, full, user):
    if area.grid_id is not None:
        return [], 0
    weeks = window.weeks()
    if not weeks:
        return [], 0
    meetings = Meeting.objects.filter(
        village_id=area.village_id, held_on__range=(weeks[0], weeks[-1] + 6 * DAY)
    ).prefetch_related("attendees")
    by_week = {}
    for meeting in meetings:
        by_week.setdefault(meeting.held_on - meeting.held_on.weekday() * DAY, []).append(meeting)
    rows = []
    for monday in weeks:
        held = by_week.get(monday, [])
        attended = [m for m in held if any(c.pk == area.cadre_id for c in m.attendees.all())]
        if attended:
            meeting = attended[0]
            rows.append(_row(meeting.held_on, _("Attended"), meeting.get_absolute_url(), True))
        elif held:
            rows.append(_row(held[0].held_on, _("Held without them"), held[0].get_absolute_url(), False))
        else:
            rows.append(_row(monday, _("No meeting that week"), None, False))
    return rows, 0


def _case_rows(steps, user, ok):
    visible = set(Case.objects.for_user(user).filter(pk__in=[s.case_id for s in steps]).values_list("pk", flat=True))
    rows, hidden = [], 0
    for step in steps:
        if step.case_id not in visible:
            hidden += 1
            continue
        rows.append(
            _row(
                timezone.localtime(step.at).date(),
                str(step.case),
                step.case.get_absolute_url(),
                ok(step),
                step.get_kind_display(),
            )
        )
    return rows, hidden


def _steps(area, window):
    steps = metrics.case_steps(area.township_id, window).select_related("case").order_by("at", "pk")
    return [
        s
        for s in steps
        if area.holds(s.case.village_id, s.case.grid_id, s.case.group_id)
        and window.start <= timezone.localtime(s.at).date() <= window.last
    ]


def _cases_on_time(area, window, full, user):
    steps = [s for s in _steps(area, window) if s.kind in metrics.FINISHING and s.from_level == area.level]
    return _case_rows(steps, user, lambda step: not step.late)


def _escalations(area, window, full, user):
    steps = [s for s in _steps(area, window) if s.kind == metrics.Kind.AUTO_ESCALATE and s.from_level == area.level]
    return _case_rows(steps, user, lambda step: False)


def _satisfaction(area, window, full, user):
    steps = [s for s in _steps(area, window) if s.kind in metrics.VERDICTS]
    return _case_rows(steps, user, lambda step: step.kind == metrics.Kind.CONFIRM_SATISFIED)


def _emergencies(area, window, full, user):
    found = [
        a
        for a in metrics.acceptances(area.township_id, full)
        if a.level == area.level
        and area.holds(a.village_id, a.grid_id, a.group_id)
        and window.start <= timezone.localtime(a.arrived).date() <= window.last
    ]
    cases = {case.pk: case for case in Case.objects.for_user(user).filter(pk__in=[a.case_id for a in found])}
    rows, hidden = [], 0
    for acceptance in found:
        case = cases.get(acceptance.case_id)
        if case is None:
            hidden += 1
            continue
        minutes = round(acceptance.minutes)
        if acceptance.accepted is None:
            note = _("not accepted: waited %(minutes)s min by the end of the period") % {"minutes": minutes}
        else:
            note = _("accepted after %(minutes)s min") % {"minutes": minutes}
        on = timezone.localtime(acceptance.arrived).date()
        rows.append(_row(on, str(case), case.get_absolute_url(), acceptance.accepted is not None, note))
    return rows, hidden


BUILDERS = {
    Metric.VISIT_COVERAGE: _households,
    Metric.MUST_VISIT_COVERAGE: _must_visits,
    Metric.PATROL_DAYS: _patrols,
    Metric.WORK_LOGS: _work_logs,
    Metric.MEETING_ATTENDANCE: _meetings,
    Metric.CASES_ON_TIME: _cases_on_time,
    Metric.OVERDUE_ESCALATIONS: _escalations,
    Metric.SATISFACTION: _satisfaction,
    Metric.EMERGENCY_ACKNOWLEDGEMENT: _emergencies,
}
