"""The automatic items' metrics, for every cadre of a period at once, from the records of the work.

A handful of set-based queries per period, whatever the number of cadres: the households with
their due dates as of the period's last day, the must-visit months, the patrol days, the work
logs, the meetings attended, the case steps and the emergencies; Python then adds them up per
cadre (`measure`). What each counts is what the score card's evidence lists (`evidence.py`).

Who answers for what (an `Area`):
    a grid leader or member      their grid: its households, patrols, logs and the cases at the grid
    a village cadre              the households they are responsible for (包户) — their village's,
                                 or their groups', if they have none —, the village's meetings and
                                 the cases at the village level in their village (or groups)
Nothing here counts logins, clicks or time online: only what was done in the villages.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import CaseEvent
from cases.workflow import Level, Procedure
from villages.models import Household, Post, VillagerGroup
from visits import rules
from visits.models import Meeting, Visit, WorkLog
from visits.selectors import carries, patrol_days, with_due

from .scoring import Metric

DAY = datetime.timedelta(days=1)
Kind = CaseEvent.Kind
# The steps that end a level's handling of a case: solved, passed on, sent back or closed.
FINISHING = frozenset(
    {
        Kind.RESOLVE,
        Kind.ESCALATE,
        Kind.AUTO_ESCALATE,
        Kind.DISPATCH,
        Kind.RETURN,
        Kind.SEND_BACK,
        Kind.SUBMIT_FOR_VERIFICATION,
        Kind.VERIFY_AND_SUBMIT,
        Kind.WITHDRAW,
        Kind.DECIDE,
    }
)
VERDICTS = (Kind.CONFIRM_SATISFIED, Kind.CLOSE_DISSATISFIED)


@dataclass(frozen=True)
class Area:
    """What one assessed cadre answers for in a period."""

    cadre_id: int
    post_id: int
    role: str
    level: int  # Level.GRID or Level.VILLAGE
    township_id: int
    village_id: int
    grid_id: int | None = None
    groups: frozenset | None = None  # a village post over some groups only
    responsible: bool = False  # their households are those they are responsible for
    since: datetime.date | None = None  # the first day in the post, if inside the period
    until: datetime.date | None = None  # the last day in the post, if inside the period

    def cut(self, window):
        """The part of `window` the cadre held the post: a newcomer is not measured on the days
        before they came, nor one who left on the days after."""
        start = max(window.start, self.since) if self.since else window.start
        end = min(window.end, self.until) if self.until else window.end
        weeks_from = self.since if self.since and self.since > window.start else window.weeks_from
        return Window(start, end, window.today, weeks_from)

    def holds(self, village_id, grid_id, group_id):
        """Whether a record at this place is theirs."""
        if self.grid_id is not None:
            return grid_id == self.grid_id
        if self.groups is not None:
            return group_id in self.groups
        return village_id == self.village_id


@dataclass(frozen=True)
class Measure:
    value: Decimal | None  # None: nothing to measure
    counted: int | None = None
    out_of: int | None = None


@dataclass(frozen=True)
class Window:
    """The days a period is measured over: up to today while it is open. `last` is the day
    households are judged on; whole days (patrols, logs, meetings) end with yesterday."""

    start: datetime.date
    end: datetime.date
    today: datetime.date
    weeks_from: datetime.date | None = None  # the earliest Monday a week of the window may start on

    @property
    def last(self):
        return min(self.end, self.today)

    @property
    def over(self):
        return min(self.end, self.today - DAY)

    def moments(self):
        """The window's [start, end of `last`) in aware datetimes, for timestamps."""
        return midnight(self.start), midnight(self.last + DAY)

    def working_days(self):
        return [day for day in _days(self.start, self.over) if day.weekday() < 5]

    def weeks(self):
        """The Mondays of the weeks (Monday to Sunday) that end inside the window and are over: a
        week across two periods belongs to the one holding its Sunday (for a cadre who came in the
        period, only weeks from their first day)."""
        first = self.weeks_from or self.start - 6 * DAY
        return [day for day in _days(first, self.over - 6 * DAY) if day.weekday() == 0 and day + 6 * DAY >= self.start]

    def months(self):
        """The calendar months wholly inside the window and over (a visit each month is due by its
        last day: the current month is not required until it ends)."""
        months = sorted({day.replace(day=1) for day in _days(self.start, self.over)})
        return [month for month in months if month >= self.start and _month_end(month) <= self.over]


def midnight(day):
    """The first moment of `day` in the portal's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _month_end(month):
    return (month.replace(day=28) + 4 * DAY).replace(day=1) - DAY


def _days(start, end):
    return [start + n * DAY for n in range((end - start).days + 1)] if end >= start else []


def share(counted, out_of):
    """Per cent to a tenth, None when there is nothing to count."""
    if not out_of:
        return Measure(None, counted, out_of)
    value = (Decimal(100) * min(counted, out_of) / out_of).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Measure(value, counted, out_of)


# --- who is assessed ----------------------------------------------------------------------------


def assessed_areas(scheme, start, end):
    """The Area of each cadre holding one of the scheme's posts in its township at some time
    between `start` and `end` (the latest such post, if several): three queries."""
    posts = (
        Post.objects.filter(township_id=scheme.township_id, role__in=scheme.roles, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .filter(Q(village__isnull=False) | Q(grid__isnull=False))
        .select_related("grid")
        .order_by("cadre_id", "-started_on", "-pk")
    )
    latest = {}
    for post in posts:
        latest.setdefault(post.cadre_id, post)
    ranged = [post for post in latest.values() if post.first_group and post.grid_id is None]
    groups = {}
    if ranged:
        rows = VillagerGroup.objects.filter(village_id__in={p.village_id for p in ranged}).values_list(
            "village_id", "number", "pk"
        )
        for village_id, number, pk in rows:
            groups.setdefault(village_id, []).append((number, pk))
    carers = set(
        Household.objects.filter(
            township_id=scheme.township_id,
            responsible_cadre_id__in=[p.cadre_id for p in latest.values() if p.grid_id is None],
        )
        .values_list("responsible_cadre_id", flat=True)
        .distinct()
    )
    areas = []
    for cadre_id, post in sorted(latest.items()):
        base = {
            "cadre_id": cadre_id,
            "post_id": post.pk,
            "role": post.role,
            "township_id": post.township_id,
            "since": post.started_on if post.started_on > start else None,
            "until": post.ended_on - DAY if post.ended_on and post.ended_on - DAY < end else None,
        }
        if post.grid_id is not None:
            areas.append(Area(**base, level=Level.GRID, village_id=post.grid.village_id, grid_id=post.grid_id))
            continue
        in_range = None
        if post.first_group:
            in_range = frozenset(
                pk for number, pk in groups.get(post.village_id, ()) if post.first_group <= number <= post.last_group
            )
        areas.append(
            Area(
                **base,
                level=Level.VILLAGE,
                village_id=post.village_id,
                groups=in_range,
                responsible=cadre_id in carers,
            )
        )
    return areas


# --- the metrics --------------------------------------------------------------------------------


def measure(areas, window):
    """{cadre id: {metric: Measure}} for every area, with a fixed number of queries."""
    results = {area.cadre_id: {} for area in areas}
    for metric_of in (_households, _patrols, _work_logs, _meetings, _cases, _emergencies):
        for cadre_id, measures in metric_of(areas, window).items():
            results[cadre_id].update(measures)
    return results


def area_households(area, households=None):
    """The households an area answers for (a queryset), as of now."""
    households = Household.objects.all() if households is None else households
    if area.responsible:
        return households.filter(responsible_cadre_id=area.cadre_id)
    if area.grid_id is not None:
        return households.filter(grid_id=area.grid_id)
    if area.groups is not None:
        return households.filter(group_id__in=area.groups)
    return households.filter(village_id=area.village_id)


def households_as_of(township_id, day):
    """The township's households registered by the end of `day`, with their due dates as of it
    (the cadres' rules) and whether they are must-visit households."""
    households = Household.objects.filter(township_id=township_id, created_at__lt=midnight(day + DAY)).order_by()
    return with_due(households, cadre_only=True, as_of=day).annotate(must=carries(rules.MUST_VISIT))


def in_time(due_on, last_visit, day):
    """Visited within its interval on `day`: seen at least once, and not yet due again."""
    return last_visit is not None and due_on >= day


def _households(areas, window):
    """Visit coverage (in time on the last day in post) and must-visit coverage (a visit in each
    whole month): two queries, and one more for each other last day (a cadre who left)."""
    results = {}
    by_day = {}
    for area in areas:
        cut = area.cut(window)
        if cut.last >= cut.start:
            by_day.setdefault(cut.last, []).append((area, cut))
        else:
            results[area.cadre_id] = {Metric.VISIT_COVERAGE: Measure(None), Metric.MUST_VISIT_COVERAGE: Measure(None)}
    for day, group in by_day.items():
        results.update(_households_on(day, group, window))
    return results


def _households_on(day, group, window):
    rows = households_as_of(group[0][0].township_id, day).values_list(
        "pk", "village_id", "grid_id", "group_id", "responsible_cadre_id", "due_on", "last_visit", "must"
    )
    must_ids = set()
    index = {"grid": {}, "group": {}, "village": {}, "carer": {}}
    for pk, village_id, grid_id, group_id, carer, due_on, last_visit, must in rows:
        fact = (pk, in_time(due_on, last_visit, day), must)
        index["grid"].setdefault(grid_id, []).append(fact)
        index["group"].setdefault(group_id, []).append(fact)
        index["village"].setdefault(village_id, []).append(fact)
        index["carer"].setdefault(carer, []).append(fact)
        if must:
            must_ids.add(pk)
    seen = set(
        Visit.objects.filter(
            household_id__in=must_ids,
            kind__in=rules.CADRE_KINDS,
            visited_on__range=(window.start, window.last),
        )
        .annotate(month=TruncMonth("visited_on"))
        .values_list("household_id", "month")
        .distinct()
    )
    seen = {(pk, month.date() if isinstance(month, datetime.datetime) else month) for pk, month in seen}
    results = {}
    for area, cut in group:
        if area.responsible:
            facts = index["carer"].get(area.cadre_id, [])
        elif area.grid_id is not None:
            facts = index["grid"].get(area.grid_id, [])
        elif area.groups is not None:
            facts = [fact for group_id in area.groups for fact in index["group"].get(group_id, [])]
        else:
            facts = index["village"].get(area.village_id, [])
        must = [pk for pk, _within, is_must in facts if is_must]
        months = cut.months()
        results[area.cadre_id] = {
            Metric.VISIT_COVERAGE: share(sum(within for _pk, within, _must in facts), len(facts)),
            Metric.MUST_VISIT_COVERAGE: share(
                sum((pk, month) in seen for pk in must for month in months), len(must) * len(months)
            ),
        }
    return results


def _patrols(areas, window):
    """Days with a patrol of the grid, of the whole days in post: one query."""
    grids = {area.grid_id for area in areas if area.grid_id is not None}
    walked = patrol_days(grids, window.start, window.over) if grids and window.over >= window.start else {}
    results = {}
    for area in areas:
        if area.grid_id is None:
            results[area.cadre_id] = {Metric.PATROL_DAYS: Measure(None)}
            continue
        cut = area.cut(window)
        days = _days(cut.start, cut.over)
        patrolled = walked.get(area.grid_id, set())
        results[area.cadre_id] = {Metric.PATROL_DAYS: share(sum(day in patrolled for day in days), len(days))}
    return results


def required_logs(window):
    """(working days, Mondays of the weeks): a daily log each working day, a weekly summary each week."""
    return window.working_days(), window.weeks()


def log_in_time(period, starts_on, submitted_at):
    """A daily log counts if submitted by the end of the next day, a weekly summary by the end of
    the Monday after its week: a log written weeks later to fill the gap is not the day's work."""
    grace = DAY if period == WorkLog.Period.DAY else 7 * DAY
    return submitted_at is not None and timezone.localtime(submitted_at).date() <= starts_on + grace


def _work_logs(areas, window):
    """A grid cadre's daily logs on working days and weekly summaries submitted in time, of those
    required while in post: one query."""
    grid_cadres = [area.cadre_id for area in areas if area.grid_id is not None]
    submitted = set()
    if grid_cadres and window.over >= window.start - 6 * DAY:
        rows = WorkLog.objects.filter(
            author_id__in=grid_cadres,
            submitted_at__isnull=False,
            starts_on__range=(window.start - 6 * DAY, window.over),
        ).values_list("author_id", "period", "starts_on", "submitted_at")
        submitted = {
            (author, period, starts_on) for author, period, starts_on, at in rows if log_in_time(period, starts_on, at)
        }
    results = {}
    for area in areas:
        if area.grid_id is None:
            results[area.cadre_id] = {Metric.WORK_LOGS: Measure(None)}
            continue
        days, weeks = required_logs(area.cut(window))
        counted = sum((area.cadre_id, WorkLog.Period.DAY, day) in submitted for day in days)
        counted += sum((area.cadre_id, WorkLog.Period.WEEK, monday) in submitted for monday in weeks)
        results[area.cadre_id] = {Metric.WORK_LOGS: share(counted, len(days) + len(weeks))}
    return results


def _meetings(areas, window):
    """A village cadre's weeks with a committee meeting of their village they attended, of the
    weeks in post (one meeting a week): one query."""
    village_cadres = [area.cadre_id for area in areas if area.grid_id is None]
    attended = set()
    if village_cadres:
        rows = Meeting.objects.filter(
            attendees__in=village_cadres, held_on__range=(window.start - 6 * DAY, window.over)
        ).values_list("attendees", "village_id", "held_on")
        attended = {(cadre_id, village_id, held_on - held_on.weekday() * DAY) for cadre_id, village_id, held_on in rows}
    results = {}
    for area in areas:
        if area.grid_id is not None:
            results[area.cadre_id] = {Metric.MEETING_ATTENDANCE: Measure(None)}
            continue
        weeks = area.cut(window).weeks()
        met = sum((area.cadre_id, area.village_id, monday) in attended for monday in weeks)
        results[area.cadre_id] = {Metric.MEETING_ATTENDANCE: share(met, len(weeks))}
    return results


def _by_place(areas):
    """Areas by grid id and by ("village", id): a record looks only at the areas of its place."""
    places = {}
    for area in areas:
        key = area.grid_id if area.grid_id is not None else ("village", area.village_id)
        places.setdefault(key, []).append(area)
    return places


def _in(area, window, moment):
    """Whether an aware `moment` falls on a day the cadre held the post in the window."""
    cut = area.cut(window)
    return cut.start <= timezone.localtime(moment).date() <= cut.last


def case_steps(township_id, window):
    """The steps of the window that ended a level's handling, and the residents' verdicts."""
    begin, finish = window.moments()
    return CaseEvent.objects.filter(case__township_id=township_id, at__gte=begin, at__lt=finish).filter(
        Q(kind__in=FINISHING, late__isnull=False, from_level__in=[Level.GRID, Level.VILLAGE]) | Q(kind__in=VERDICTS)
    )


def _cases(areas, window):
    """Cases handled within their deadlines at the cadre's level (steps that ended their handling
    there), those that climbed by themselves for being overdue, and residents' verdicts, while in
    post: one query."""
    if not areas:
        return {}
    rows = case_steps(areas[0].township_id, window).values_list(
        "case__village_id", "case__grid_id", "case__group_id", "from_level", "kind", "late", "at"
    )
    places = _by_place(areas)
    tallies = {area.cadre_id: [0, 0, 0, 0, 0] for area in areas}  # on time, finished, escalated, satisfied, verdicts
    for village_id, grid_id, group_id, from_level, kind, late, at in rows:
        for area in places.get(grid_id, []) + places.get(("village", village_id), []):
            if not area.holds(village_id, grid_id, group_id) or not _in(area, window, at):
                continue
            tally = tallies[area.cadre_id]
            if kind in VERDICTS:
                tally[3] += kind == Kind.CONFIRM_SATISFIED
                tally[4] += 1
            elif from_level == area.level:
                tally[0] += not late
                tally[1] += 1
                tally[2] += kind == Kind.AUTO_ESCALATE
    return {
        cadre_id: {
            Metric.CASES_ON_TIME: share(on_time, finished),
            Metric.OVERDUE_ESCALATIONS: Measure(Decimal(escalated), escalated, finished),
            Metric.SATISFACTION: share(satisfied, verdicts),
        }
        for cadre_id, (on_time, finished, escalated, satisfied, verdicts) in tallies.items()
    }


@dataclass(frozen=True)
class Acceptance:
    """An emergency arriving at a level of a place, and when that level accepted it (None: not
    by the end of the window, which counts its minutes up to then)."""

    case_id: int
    village_id: int
    grid_id: int
    group_id: int | None
    level: int
    arrived: datetime.datetime
    accepted: datetime.datetime | None
    minutes: float


def acceptances(township_id, window):
    """Each time an emergency arrived at the grid or the village in the window and how long that
    level took to accept it: one query. (An emergency is reported to the township centre at once;
    what a grid or village accepts is what was sent or returned to it.)"""
    begin, finish = window.moments()
    steps = (
        CaseEvent.objects.filter(
            case__township_id=township_id, case__procedure=Procedure.EMERGENCY, at__gte=begin, at__lt=finish
        )
        .order_by("case_id", "at", "pk")
        .values_list(
            "case_id", "case__village_id", "case__grid_id", "case__group_id", "kind", "from_level", "to_level", "at"
        )
    )
    waiting, found, places = {}, [], {}
    for case_id, village_id, grid_id, group_id, kind, from_level, to_level, at in steps:
        place = places[case_id] = (case_id, village_id, grid_id, group_id)
        arrived = to_level in (Level.GRID, Level.VILLAGE) and (kind == Kind.CREATED or from_level != to_level)
        if kind == Kind.ACCEPT and (case_id, from_level) in waiting:
            since = waiting.pop((case_id, from_level))
            found.append(Acceptance(*place, from_level, since, at, (at - since).total_seconds() / 60))
        elif from_level != to_level:
            waiting.pop((case_id, from_level), None)  # moved on before it was accepted there
        if arrived:
            waiting[(case_id, to_level)] = at
    end = min(finish, timezone.now())
    for (case_id, level), since in waiting.items():
        found.append(
            Acceptance(case_id, *_place_of(steps, case_id), level, since, None, (end - since).total_seconds() / 60)
        )
    return found


def _place_of(steps, case_id):
    for row in steps:
        if row[0] == case_id:
            return row[1], row[2], row[3]
    return None, None, None


def _emergencies(areas, window):
    """The median minutes the cadre's level took to accept an emergency sent to it, in their place
    and while in post (one not accepted counts its wait up to the window's end): one query."""
    if not areas:
        return {}
    found = acceptances(areas[0].township_id, window)
    results = {}
    for area in areas:
        minutes = [
            a.minutes
            for a in found
            if a.level == area.level
            and area.holds(a.village_id, a.grid_id, a.group_id)
            and _in(area, window, a.arrived)
        ]
        value = Decimal(str(round(statistics.median(minutes), 1))) if minutes else None
        results[area.cadre_id] = {Metric.EMERGENCY_ACKNOWLEDGEMENT: Measure(value, len(minutes), len(minutes))}
    return results
