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

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case, CaseEvent
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

    @property
    def last(self):
        return min(self.end, self.today)

    @property
    def over(self):
        return min(self.end, self.today - DAY)

    def moments(self):
        """The window's [start, end of `last`) in aware datetimes, for timestamps."""
        zone = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        return begin, datetime.datetime.combine(self.last + DAY, datetime.time.min, tzinfo=zone)

    def working_days(self):
        return [day for day in _days(self.start, self.over) if day.weekday() < 5]

    def weeks(self):
        """The Mondays of the whole weeks (Monday to Sunday) inside the window."""
        first = self.start + datetime.timedelta(days=-self.start.weekday() % 7)
        return [day for day in _days(first, self.over - 6 * DAY) if day.weekday() == 0]

    def months(self):
        return sorted({day.replace(day=1) for day in _days(self.start, self.last)})


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
        base = {"cadre_id": cadre_id, "post_id": post.pk, "role": post.role, "township_id": post.township_id}
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


def registered_by(day):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day + DAY, datetime.time.min, tzinfo=zone)


def households_as_of(township_id, day):
    """The township's households registered by the end of `day`, with their due dates as of it
    (the cadres' rules) and whether they are must-visit households."""
    households = Household.objects.filter(township_id=township_id, created_at__lt=registered_by(day)).order_by()
    return with_due(households, cadre_only=True, as_of=day).annotate(must=carries(rules.MUST_VISIT))


def in_time(due_on, last_visit, day):
    """Visited within its interval on `day`: seen at least once, and not yet due again."""
    return last_visit is not None and due_on >= day


def _households(areas, window):
    """Visit coverage (in time on the period's last day) and must-visit coverage (a visit in each
    month of the period): two queries."""
    day = window.last
    if not areas or day < window.start:
        return {}
    rows = households_as_of(areas[0].township_id, day).values_list(
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
    months = window.months()
    seen = set(
        Visit.objects.filter(
            household_id__in=must_ids,
            kind__in=rules.CADRE_KINDS,
            visited_on__range=(window.start, day),
        )
        .annotate(month=TruncMonth("visited_on"))
        .values_list("household_id", "month")
        .distinct()
    )
    seen = {(pk, month if isinstance(month, datetime.date) else month.date()) for pk, month in seen}
    results = {}
    for area in areas:
        if area.responsible:
            facts = index["carer"].get(area.cadre_id, [])
        elif area.grid_id is not None:
            facts = index["grid"].get(area.grid_id, [])
        elif area.groups is not None:
            facts = [fact for group_id in area.groups for fact in index["group"].get(group_id, [])]
        else:
            facts = index["village"].get(area.village_id, [])
        must = [pk for pk, _within, is_must in facts if is_must]
        results[area.cadre_id] = {
            Metric.VISIT_COVERAGE: share(sum(within for _pk, within, _must in facts), len(facts)),
            Metric.MUST_VISIT_COVERAGE: share(
                sum((pk, month) in seen for pk in must for month in months), len(must) * len(months)
            ),
        }
    return results


def _patrols(areas, window):
    """Days with a patrol of the grid, of the whole days of the period: one query."""
    grids = {area.grid_id for area in areas if area.grid_id is not None}
    days = _days(window.start, window.over)
    walked = patrol_days(grids, window.start, window.over) if grids and days else {}
    return {
        area.cadre_id: {
            Metric.PATROL_DAYS: share(len(walked.get(area.grid_id, ())), len(days))
            if area.grid_id is not None
            else Measure(None)
        }
        for area in areas
    }


def required_logs(window):
    """(working days, Mondays of whole weeks): a daily log each working day, a weekly summary each week."""
    return window.working_days(), window.weeks()


def _work_logs(areas, window):
    """A grid cadre's submitted daily logs on working days and weekly summaries, of those required:
    one query."""
    days, weeks = required_logs(window)
    grid_cadres = [area.cadre_id for area in areas if area.grid_id is not None]
    submitted = set()
    if grid_cadres and (days or weeks):
        submitted = set(
            WorkLog.objects.filter(
                author_id__in=grid_cadres,
                submitted_at__isnull=False,
                starts_on__range=(window.start, window.over),
            ).values_list("author_id", "period", "starts_on")
        )
    results = {}
    for area in areas:
        if area.grid_id is None:
            results[area.cadre_id] = {Metric.WORK_LOGS: Measure(None)}
            continue
        counted = sum((area.cadre_id, WorkLog.Period.DAY, day) in submitted for day in days)
        counted += sum((area.cadre_id, WorkLog.Period.WEEK, monday) in submitted for monday in weeks)
        results[area.cadre_id] = {Metric.WORK_LOGS: share(counted, len(days) + len(weeks))}
    return results


def _meetings(areas, window):
    """A village cadre's weeks with a village committee meeting they attended, of the whole
    weeks of the period (one meeting a week): one query."""
    weeks = window.weeks()
    village_cadres = [area.cadre_id for area in areas if area.grid_id is None]
    attended = set()
    if village_cadres and weeks:
        rows = Meeting.objects.filter(
            attendees__in=village_cadres, held_on__range=(weeks[0], weeks[-1] + 6 * DAY)
        ).values_list("attendees", "held_on")
        attended = {(cadre_id, held_on - held_on.weekday() * DAY) for cadre_id, held_on in rows}
    return {
        area.cadre_id: {
            Metric.MEETING_ATTENDANCE: share(sum((area.cadre_id, m) in attended for m in weeks), len(weeks))
            if area.grid_id is None
            else Measure(None)
        }
        for area in areas
    }


def _by_place(areas):
    """Areas by grid id and by ("village", id): a record looks only at the areas of its place."""
    places = {}
    for area in areas:
        key = area.grid_id if area.grid_id is not None else ("village", area.village_id)
        places.setdefault(key, []).append(area)
    return places


def case_steps(township_id, window):
    """The steps of the window that ended a level's handling, and the residents' verdicts."""
    begin, finish = window.moments()
    return CaseEvent.objects.filter(case__township_id=township_id, at__gte=begin, at__lt=finish).filter(
        Q(kind__in=FINISHING, late__isnull=False, from_level__in=[Level.GRID, Level.VILLAGE]) | Q(kind__in=VERDICTS)
    )


def _cases(areas, window):
    """Cases handled within their deadlines at the cadre's level (steps that ended their handling
    there), those that climbed by themselves for being overdue, and residents' verdicts: one query."""
    if not areas:
        return {}
    rows = case_steps(areas[0].township_id, window).values_list(
        "case__village_id", "case__grid_id", "case__group_id", "from_level", "kind", "late"
    )
    places = _by_place(areas)
    tallies = {area.cadre_id: [0, 0, 0, 0, 0] for area in areas}  # on time, finished, escalated, satisfied, verdicts
    for village_id, grid_id, group_id, from_level, kind, late in rows:
        for area in places.get(grid_id, []) + places.get(("village", village_id), []):
            if not area.holds(village_id, grid_id, group_id):
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


def emergencies(township_id, window):
    """The emergencies reported in the window, with when they were first accepted."""
    begin, finish = window.moments()
    accepted = CaseEvent.objects.filter(case=OuterRef("pk"), kind=Kind.ACCEPT).order_by("at").values("at")[:1]
    return Case.objects.filter(
        township_id=township_id, procedure=Procedure.EMERGENCY, created_at__gte=begin, created_at__lt=finish
    ).annotate(accepted_at=Subquery(accepted))


def _emergencies(areas, window):
    """The median minutes from an emergency's report to its acceptance, in the cadre's place: one query."""
    if not areas:
        return {}
    rows = list(
        emergencies(areas[0].township_id, window).values_list(
            "village_id", "grid_id", "group_id", "created_at", "accepted_at"
        )
    )
    results = {}
    for area in areas:
        minutes = [
            (accepted_at - created_at).total_seconds() / 60
            for village_id, grid_id, group_id, created_at, accepted_at in rows
            if accepted_at is not None and area.holds(village_id, grid_id, group_id)
        ]
        value = Decimal(str(round(statistics.median(minutes), 1))) if minutes else None
        results[area.cadre_id] = {Metric.EMERGENCY_ACKNOWLEDGEMENT: Measure(value, len(minutes), len(minutes))}
    return results
