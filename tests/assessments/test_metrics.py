"""assessments/metrics.py on a small village built by hand: every figure below is a hand count of
the records the fixture writes, and the points are the scoring of those figures worked out on paper.

places:  青山乡 ─ 郑荣村 ─ 第一网格 (leader_a) ─ group 1: eight households, two of them must-visit
                       └ 第二网格 (leader_b) ─ group 2: two households
         the village secretary answers for the whole village; the township centre sends emergencies down.

Dates are March 2025 (1 March is a Saturday): 21 working days, whole weeks from the Mondays
3, 10, 17 and 24 March (the week of 31 March ends in April).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import metrics, scoring
from assessments.metrics import Measure, Window
from assessments.models import Scheme
from assessments.scoring import GRID_LEADER_100, VILLAGE_CADRE_1000, Metric
from cases import services as case_services
from cases.models import Case, Category
from cases.workflow import Level, Procedure
from tests import factories
from villages.models import CareCategory, Household, Post
from visits import services as visit_services
from visits.models import WorkLog
from visits.rules import Kind

D = Decimal
DAY = datetime.timedelta(days=1)
Role = Post.Role
Day = WorkLog.Period.DAY
Week = WorkLog.Period.WEEK

MARCH = Window(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), datetime.date(2025, 4, 10))
LAST = MARCH.end


def on(month, day, hour=10, minute=0):
    """An aware moment of 2025 in the portal's time zone."""
    return timezone.make_aware(datetime.datetime(2025, month, day, hour, minute))


@dataclass
class Place:
    township: object = None
    village: object = None
    grids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    cadres: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)

    def measures(self, window, roles=(Role.GRID_LEADER, Role.VILLAGE_SECRETARY)):
        """{persona: {metric: Measure}} for the cadres holding `roles`."""
        scheme = Scheme(township=self.township, roles=list(roles))
        areas = metrics.assessed_areas(scheme, window.start, window.end)
        measured = metrics.measure(areas, window)
        return {key: measured[cadre.pk] for key, cadre in self.cadres.items() if cadre.pk in measured}


def step(place, persona, case, name, when, note=""):
    case.refresh_from_db()
    return case_services.transition(
        actor=place.users[persona], case=case, name=name, version=case.version, note=note, now=when
    )


def open_case(place, persona, household, when, procedure=Procedure.COORDINATION):
    case = Case(
        household=place.households[household],
        procedure=procedure,
        category=Category.HAZARD if procedure == Procedure.EMERGENCY else Category.DISPUTE,
        summary="院墙开裂",
    )
    return case_services.open_case(actor=place.users[persona], case=case, now=when)


@pytest.fixture
def place(db):
    p = Place()
    p.township = factories.TownshipFactory(name="青山乡")
    p.village = factories.VillageFactory(township=p.township, name="郑荣村")
    groups = {}
    for number, key in ((1, "A"), (2, "B")):
        p.grids[key] = factories.GridFactory(village=p.village, number=number)
        groups[key] = factories.VillagerGroupFactory(grid=p.grids[key], village=p.village, number=number)

    def person(key, role, **node):
        cadre = factories.CadreFactory(township=p.township, user__username=f"m_{key}")
        factories.post(cadre, role, **node)
        p.cadres[key], p.users[key] = cadre, cadre.user

    person("centre", Role.TOWNSHIP_STAFF, township=p.township)
    person("secretary", Role.VILLAGE_SECRETARY, village=p.village)
    person("leader_a", Role.GRID_LEADER, grid=p.grids["A"])
    person("leader_b", Role.GRID_LEADER, grid=p.grids["B"])

    elderly = CareCategory.objects.get(code=CareCategory.Code.ELDERLY_ALONE)
    for key, grid, registered in (
        ("a_january", "A", 2023),
        ("a_march", "A", 2023),
        ("a_mid", "A", 2023),
        ("a_stale", "A", 2023),
        ("a_never", "A", 2023),
        ("a_elderly", "A", 2023),
        ("a_elderly_resident", "A", 2023),
        ("a_new", "A", None),  # registered on 5 April 2025, after March's last day
        ("b_visited", "B", 2023),
        ("b_never", "B", 2023),
    ):
        household = factories.HouseholdFactory(group=groups[grid])
        created = on(4, 5) if registered is None else timezone.make_aware(datetime.datetime(registered, 1, 1, 9))
        Household.objects.filter(pk=household.pk).update(created_at=created)
        p.households[key] = household
    p.households["a_elderly"].categories.add(elderly)  # the household's own category
    resident = factories.ResidentFactory(household=p.households["a_elderly_resident"], relation="head")
    resident.categories.add(elderly)  # a resident's category makes the household must-visit too

    # --- visits ----------------------------------------------------------------------------------
    def visit(persona, household, day, kind=Kind.ROUTINE):
        visit_services.record_visit(
            actor=p.users[persona],
            household=p.households[household],
            visited_on=day,
            kind=kind,
            now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(18))),
        )

    visit("leader_a", "a_january", datetime.date(2025, 1, 15))
    visit("leader_a", "a_march", datetime.date(2025, 3, 5))
    visit("leader_a", "a_mid", datetime.date(2025, 3, 15))
    visit("leader_a", "a_stale", LAST - 400 * DAY)
    visit("leader_a", "a_elderly", datetime.date(2025, 2, 10), Kind.MUST_VISIT)
    visit("leader_a", "a_elderly", datetime.date(2025, 3, 12), Kind.MUST_VISIT)
    visit("leader_a", "a_elderly_resident", datetime.date(2025, 2, 20), Kind.MUST_VISIT)
    visit("leader_b", "b_visited", datetime.date(2025, 3, 20))

    # --- patrols: grid A every day but Sundays (and twice on 5 March), grid B on 3 and 4 March ----
    def patrol(persona, grid, day, start=8):
        visit_services.record_patrol(
            actor=p.users[persona],
            grid=p.grids[grid],
            patrolled_on=day,
            started_at=datetime.time(start),
            ended_at=datetime.time(start + 1),
            area="沿河一线",
            now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(20))),
        )

    for n in range(31):
        day = datetime.date(2025, 3, 1) + n * DAY
        if day.weekday() != 6:
            patrol("leader_a", "A", day)
    patrol("leader_a", "A", datetime.date(2025, 3, 5), start=15)
    patrol("leader_a", "A", datetime.date(2025, 2, 28))
    patrol("leader_a", "A", datetime.date(2025, 4, 1))
    patrol("leader_b", "B", datetime.date(2025, 3, 3))
    patrol("leader_b", "B", datetime.date(2025, 3, 4))

    # --- work logs of leader_a --------------------------------------------------------------------
    def work_log(period, day, submit=True):
        visit_services.save_work_log(
            actor=p.users["leader_a"],
            grid=p.grids["A"],
            period=period,
            starts_on=day,
            text="入户走访，巡查沿河",
            submit=submit,
            now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(21))),
        )

    skipped = {datetime.date(2025, 3, 6), datetime.date(2025, 3, 13), datetime.date(2025, 3, 14)}
    for day in MARCH.working_days():
        if day not in skipped:
            work_log(Day, day)
    work_log(Day, datetime.date(2025, 3, 6), submit=False)  # a draft
    work_log(Day, datetime.date(2025, 3, 8))  # a Saturday: not a working day
    work_log(Day, datetime.date(2025, 2, 28))  # before the window
    for monday in (3, 10, 17):
        work_log(Week, datetime.date(2025, 3, monday))
    work_log(Week, datetime.date(2025, 3, 24), submit=False)  # a draft
    work_log(Week, datetime.date(2025, 3, 31))  # a week that ends in April

    # --- village committee meetings ---------------------------------------------------------------
    def meeting(month, day, attended=True):
        visit_services.record_meeting(
            actor=p.users["secretary"],
            village=p.village,
            held_on=datetime.date(2025, month, day),
            agenda="周例会",
            attendees=[p.cadres["secretary"]] if attended else [p.cadres["leader_a"]],
            now=on(month, day, 20),
        )

    meeting(2, 27)  # before the window
    meeting(3, 4)
    meeting(3, 6)  # the same week again
    meeting(3, 12, attended=False)
    meeting(3, 19)
    meeting(3, 26)
    meeting(3, 31)  # a week that ends in April

    # --- cases in grid A: a coordination case has 3 days at the grid, 7 at the village -------------
    c0 = open_case(p, "leader_a", "a_march", on(2, 20))  # February: outside the window
    step(p, "leader_a", c0, "resolve", on(2, 25), "已调解")
    c1 = open_case(p, "leader_a", "a_march", on(3, 2))
    step(p, "leader_a", c1, "resolve", on(3, 6), "已调解")  # late: due 5 March 10:00
    step(p, "leader_a", c1, "close_dissatisfied", on(3, 7), "群众仍不满意")
    c2 = open_case(p, "leader_a", "a_mid", on(3, 10))
    step(p, "leader_a", c2, "resolve", on(3, 11), "已调解")  # on time
    step(p, "leader_a", c2, "confirm_satisfied", on(3, 12))
    c3 = open_case(p, "leader_a", "a_never", on(3, 15))
    assert case_services.escalate_overdue(now=on(3, 19)) == 1  # climbs by itself, late
    step(p, "secretary", c3, "accept", on(3, 20))
    step(p, "secretary", c3, "resolve", on(3, 27), "村里协调解决")  # late at the village: due 26 March
    c4 = open_case(p, "leader_a", "a_stale", on(3, 21))
    step(p, "leader_a", c4, "escalate", on(3, 22), "需村里协调")  # on time
    step(p, "secretary", c4, "accept", on(3, 23))
    step(p, "secretary", c4, "resolve", on(3, 25), "村里协调解决")  # on time: due 29 March
    c5 = open_case(p, "leader_a", "a_january", on(3, 26))
    step(p, "leader_a", c5, "resolve", on(3, 27), "已调解")  # on time
    step(p, "leader_a", c5, "confirm_satisfied", on(3, 28))
    p.cases.update(c0=c0, c1=c1, c2=c2, c3=c3, c4=c4, c5=c5)

    # --- emergencies: reported to the township centre, which sends them down to be handled --------
    # The village (and then the grid) is measured on how fast it accepts what arrives at its level.
    minute = datetime.timedelta(minutes=1)
    for key, persona, household, (month, day), village_minutes, grid_minutes in (
        ("e_feb", "leader_a", "a_march", (2, 27), 100, None),  # before the window
        ("e1", "leader_a", "a_march", (3, 8), 12, 20),
        ("e2", "leader_a", "a_mid", (3, 9), 30, None),
        ("e3", "leader_a", "a_january", (3, 20), None, None),  # never accepted by the village
        ("e5", "leader_b", "b_visited", (3, 10), 6, 10),
    ):
        reported = on(month, day)
        case = open_case(p, persona, household, reported, Procedure.EMERGENCY)
        assert case.level == Level.TOWNSHIP
        case = step(p, "centre", case, "return", reported + 5 * minute, "请村两委到场处置")
        if village_minutes is not None:
            case = step(p, "secretary", case, "accept", reported + (5 + village_minutes) * minute)
        if grid_minutes is not None:
            case = step(p, "secretary", case, "return", reported + 60 * minute, "请网格长现场跟踪")
            leader = "leader_a" if household.startswith("a_") else "leader_b"
            case = step(p, leader, case, "accept", reported + (60 + grid_minutes) * minute)
        p.cases[key] = case
    return p


# --- who is assessed ------------------------------------------------------------------------------


def test_the_areas_are_the_grid_leaders_grids_and_the_secretarys_village(place):
    scheme = Scheme(township=place.township, roles=[Role.GRID_LEADER, Role.VILLAGE_SECRETARY])

    areas = {area.cadre_id: area for area in metrics.assessed_areas(scheme, MARCH.start, MARCH.end)}

    assert set(areas) == {place.cadres[key].pk for key in ("leader_a", "leader_b", "secretary")}
    leader = areas[place.cadres["leader_a"].pk]
    assert (leader.level, leader.village_id, leader.grid_id) == (Level.GRID, place.village.pk, place.grids["A"].pk)
    secretary = areas[place.cadres["secretary"].pk]
    assert (secretary.level, secretary.village_id, secretary.grid_id, secretary.groups, secretary.responsible) == (
        Level.VILLAGE,
        place.village.pk,
        None,
        None,
        False,
    )


# --- households -----------------------------------------------------------------------------------


def test_visit_coverage_is_the_share_of_households_visited_within_their_interval_on_the_last_day(place):
    measures = place.measures(MARCH)

    # grid A on 31 March, seven households registered by then:
    #   in time   a_january (15 Jan, due a year on), a_march (5 Mar), a_mid (15 Mar),
    #             a_elderly (must-visit, 12 Mar: due 12 Apr)
    #   not       a_stale (400 days ago), a_never, a_elderly_resident (must-visit, 20 Feb: due 23 Mar)
    assert measures["leader_a"][Metric.VISIT_COVERAGE] == Measure(D("57.1"), 4, 7)
    # grid B: b_visited (20 Mar) in time, b_never not
    assert measures["leader_b"][Metric.VISIT_COVERAGE] == Measure(D("50.0"), 1, 2)
    # the secretary answers for the whole village: 5 of 9
    assert measures["secretary"][Metric.VISIT_COVERAGE] == Measure(D("55.6"), 5, 9)


def test_a_household_overdue_for_a_year_is_in_time_again_once_visited_in_the_window(place):
    # a_stale, visited 400 days before 31 March, has been due since 365 days after that visit
    assert place.measures(MARCH)["leader_a"][Metric.VISIT_COVERAGE].counted == 4
    visit_services.record_visit(
        actor=place.users["leader_a"],
        household=place.households["a_stale"],
        visited_on=datetime.date(2025, 3, 30),
        kind=Kind.ROUTINE,
        now=on(3, 30, 18),
    )
    assert place.measures(MARCH)["leader_a"][Metric.VISIT_COVERAGE] == Measure(D("71.4"), 5, 7)


def test_households_registered_after_the_last_day_are_left_out(place):
    april = Window(datetime.date(2025, 4, 1), datetime.date(2025, 4, 30), datetime.date(2025, 5, 10))

    assert place.measures(MARCH)["leader_a"][Metric.VISIT_COVERAGE].out_of == 7
    # on 30 April a_new (registered 5 April, never visited) counts; a_elderly's month has run out
    # (due 12 April): in time are a_january, a_march and a_mid
    assert place.measures(april)["leader_a"][Metric.VISIT_COVERAGE] == Measure(D("37.5"), 3, 8)


def test_a_visit_after_the_last_day_does_not_count_for_it(place):
    visit_services.record_visit(
        actor=place.users["leader_b"],
        household=place.households["b_never"],
        visited_on=datetime.date(2025, 4, 2),
        kind=Kind.ROUTINE,
        now=on(4, 2, 18),
    )

    assert place.measures(MARCH)["leader_b"][Metric.VISIT_COVERAGE] == Measure(D("50.0"), 1, 2)


def test_must_visit_coverage_over_two_months_counts_household_month_pairs(place):
    february_and_march = Window(datetime.date(2025, 2, 1), datetime.date(2025, 3, 31), datetime.date(2025, 4, 10))

    measures = place.measures(february_and_march)

    # a_elderly seen in February (10th) and March (12th), a_elderly_resident in February (20th)
    # only: 3 of the 2 households × 2 months
    assert measures["leader_a"][Metric.MUST_VISIT_COVERAGE] == Measure(D("75.0"), 3, 4)
    assert measures["secretary"][Metric.MUST_VISIT_COVERAGE] == Measure(D("75.0"), 3, 4)
    # grid B has no must-visit household: nothing to measure
    assert measures["leader_b"][Metric.MUST_VISIT_COVERAGE] == Measure(None, 0, 0)
    # March alone: a_elderly only
    assert place.measures(MARCH)["leader_a"][Metric.MUST_VISIT_COVERAGE] == Measure(D("50.0"), 1, 2)


# --- patrols, work logs, meetings -------------------------------------------------------------------


def test_patrol_days_are_the_whole_days_with_a_patrol_of_the_grid(place):
    measures = place.measures(MARCH)

    # grid A: 31 days less the five Sundays (2, 9, 16, 23, 30 March); the second walk on 5 March
    # and the walks on 28 February and 1 April change nothing
    assert measures["leader_a"][Metric.PATROL_DAYS] == Measure(D("83.9"), 26, 31)
    assert measures["leader_b"][Metric.PATROL_DAYS] == Measure(D("6.5"), 2, 31)


def test_today_is_not_counted_for_patrols_while_the_period_is_open(place):
    open_march = Window(MARCH.start, MARCH.end, datetime.date(2025, 3, 11))

    measures = place.measures(open_march)

    # 1–10 March are over: grid A walked all but Sundays 2 and 9; today's walk (11 March) waits
    assert measures["leader_a"][Metric.PATROL_DAYS] == Measure(D("80.0"), 8, 10)
    assert measures["leader_b"][Metric.PATROL_DAYS] == Measure(D("20.0"), 2, 10)


def test_work_logs_are_submitted_daily_logs_on_working_days_and_weekly_summaries_of_whole_weeks(place):
    measures = place.measures(MARCH)

    # required: 21 working days + the 5 weeks whose Sunday falls in March (those of 24 February
    # and 3, 10, 17, 24 March) = 26; submitted in time: 21 - 3 daily logs (6 March a draft, 13
    # and 14 March none) + 3 weekly summaries (24 February none, 24 March a draft; the week of 31
    # March ends in April); the Saturday's log and February's do not count
    assert measures["leader_a"][Metric.WORK_LOGS] == Measure(D("80.8"), 21, 26)
    assert measures["leader_b"][Metric.WORK_LOGS] == Measure(D("0.0"), 0, 26)


def test_meeting_attendance_is_the_whole_weeks_with_a_meeting_the_village_cadre_attended(place):
    measures = place.measures(MARCH)

    # the 5 weeks whose Sunday falls in March: 24 February (27 February's meeting), 3 March (two
    # meetings, counted once), 17 and 24 March attended; 10 March's meeting was without the
    # secretary; the week of 31 March ends in April
    assert measures["secretary"][Metric.MEETING_ATTENDANCE] == Measure(D("80.0"), 4, 5)


def test_grid_cadres_have_no_meetings_to_measure_and_village_cadres_no_patrols_or_logs(place):
    measures = place.measures(MARCH)

    for persona in ("leader_a", "leader_b"):
        assert measures[persona][Metric.MEETING_ATTENDANCE] == Measure(None)
    assert measures["secretary"][Metric.PATROL_DAYS] == Measure(None)
    assert measures["secretary"][Metric.WORK_LOGS] == Measure(None)


# --- cases ----------------------------------------------------------------------------------------


def test_cases_are_judged_by_the_steps_that_ended_their_handling_at_the_areas_level(place):
    measures = place.measures(MARCH)

    # grid A's steps from the grid in March: c1 resolved late, c2 resolved on time, c3 climbed by
    # itself (late), c4 escalated on time, c5 resolved on time; c0's February step is outside
    leader = measures["leader_a"]
    assert leader[Metric.CASES_ON_TIME] == Measure(D("60.0"), 3, 5)
    assert leader[Metric.OVERDUE_ESCALATIONS] == Measure(D(1), 1, 5)
    # verdicts: c1 dissatisfied, c2 and c5 satisfied
    assert leader[Metric.SATISFACTION] == Measure(D("66.7"), 2, 3)
    # the village's steps: c3 resolved late, c4 on time, and the emergencies e1 and e5 sent on to
    # the grid within their limit; the residents' verdicts are the village's too
    secretary = measures["secretary"]
    assert secretary[Metric.CASES_ON_TIME] == Measure(D("75.0"), 3, 4)
    assert secretary[Metric.OVERDUE_ESCALATIONS] == Measure(D(0), 0, 4)
    assert secretary[Metric.SATISFACTION] == Measure(D("66.7"), 2, 3)
    # no case in grid B: nothing to assess, and nothing to deduct
    other = measures["leader_b"]
    assert other[Metric.CASES_ON_TIME] == Measure(None, 0, 0)
    assert other[Metric.OVERDUE_ESCALATIONS] == Measure(D(0), 0, 0)
    assert other[Metric.SATISFACTION] == Measure(None, 0, 0)


def test_the_steps_are_the_ones_the_case_services_recorded(place):
    events = place.cases["c3"].events.values_list("kind", "from_level", "late")

    assert ("auto_escalate", Level.GRID, True) in events
    assert ("resolve", Level.VILLAGE, True) in events
    assert ("resolve", Level.GRID, True) in place.cases["c1"].events.values_list("kind", "from_level", "late")


def test_emergency_acknowledgement_is_the_median_minutes_to_acceptance_in_the_place(place):
    measures = place.measures(MARCH)

    # each level is measured on what arrived at it: grid A accepted e1 after 20 minutes, grid B e5
    # after 10 (the township centre's own speed is not theirs)
    assert measures["leader_a"][Metric.EMERGENCY_ACKNOWLEDGEMENT] == Measure(D("20.0"), 1, 1)
    assert measures["leader_b"][Metric.EMERGENCY_ACKNOWLEDGEMENT] == Measure(D("10.0"), 1, 1)
    # the village: 6, 12, 30, and e3 never accepted (its wait up to the end of March counts, the
    # longest) → (12 + 30) / 2 = 21; February's 100 is outside
    assert measures["secretary"][Metric.EMERGENCY_ACKNOWLEDGEMENT] == Measure(D("21.0"), 4, 4)


# --- the points -----------------------------------------------------------------------------------


def points(items, measures):
    return {item.metric: scoring.score(measures[item.metric].value, item.scale, item.max_points) for item in items}


def test_the_grid_leaders_points_are_the_hand_calculation(place):
    results = points(GRID_LEADER_100, place.measures(MARCH)["leader_a"])

    # visit coverage      57.1 on Linear(50, 95) of 25:  7.1 / 45 × 25 =  3.944 →  3.9
    # must-visit          50.0 on Linear(60, 100) of 15: below the threshold     →  0
    # patrol days         83.9 on Linear(60, 95) of 20: 23.9 / 35 × 20 = 13.657 → 13.7
    # cases on time       60.0 on Linear(50, 95) of 15: 10 / 45 × 15   =  3.333 →  3.3
    # satisfaction        66.7 on Linear(60, 95) of 10:  6.7 / 35 × 10 =  1.914 →  1.9
    # work logs           80.8 on Linear(50, 90) of 15: 30.8 / 40 × 15 = 11.55  → 11.6 (half up)
    # overdue escalations 1 × -2, capped at 10                                 → -2
    # total: 3.9 + 0 + 13.7 + 3.3 + 1.9 + 11.6 - 2 = 32.4
    assert {metric: result.points for metric, result in results.items()} == {
        Metric.VISIT_COVERAGE: D("3.9"),
        Metric.MUST_VISIT_COVERAGE: D("0.0"),
        Metric.PATROL_DAYS: D("13.7"),
        Metric.CASES_ON_TIME: D("3.3"),
        Metric.SATISFACTION: D("1.9"),
        Metric.WORK_LOGS: D("11.6"),
        Metric.OVERDUE_ESCALATIONS: D("-2.0"),
    }
    assert all(result.assessed for result in results.values())
    assert sum(result.points for result in results.values()) == D("32.4")


def test_the_village_secretarys_points_are_the_hand_calculation(place):
    results = points(VILLAGE_CADRE_1000, place.measures(MARCH)["secretary"])

    # visit coverage      55.6 on Linear(50, 95) of 200:  5.6 / 45 × 200 =  24.889 →  24.9
    # must-visit          50.0 on Linear(60, 100) of 150: below the threshold      →   0
    # cases on time       75.0 on Linear(50, 95) of 200: 25 / 45 × 200 = 111.111 → 111.1
    # emergencies         21 min on Linear(60, 15) of 100: 39 / 45 × 100 = 86.667 →  86.7
    # satisfaction        66.7 on Linear(60, 95) of 150:  6.7 / 35 × 150 =  28.714 →  28.7
    # meetings            80.0 on Linear(50, 90) of 200: 30 / 40 × 200   = 150      → 150
    # overdue escalations 0                                                        →   0
    # total: 24.9 + 111.1 + 86.7 + 28.7 + 150 = 401.4
    assert {metric: result.points for metric, result in results.items()} == {
        Metric.VISIT_COVERAGE: D("24.9"),
        Metric.MUST_VISIT_COVERAGE: D("0.0"),
        Metric.CASES_ON_TIME: D("111.1"),
        Metric.EMERGENCY_ACKNOWLEDGEMENT: D("86.7"),
        Metric.SATISFACTION: D("28.7"),
        Metric.MEETING_ATTENDANCE: D("150.0"),
        Metric.OVERDUE_ESCALATIONS: D("0.0"),
    }
    assert sum(result.points for result in results.values()) == D("401.4")


def test_with_nothing_to_measure_the_items_give_full_points_and_say_so(place):
    results = points(GRID_LEADER_100, place.measures(MARCH)["leader_b"])

    # grid B: no must-visit household, no case, no verdict
    for metric, max_points in (
        (Metric.MUST_VISIT_COVERAGE, 15),
        (Metric.CASES_ON_TIME, 15),
        (Metric.SATISFACTION, 10),
    ):
        assert (results[metric].points, results[metric].assessed) == (max_points, False)
    # no overdue escalation: a deduction of nothing, assessed
    assert (results[Metric.OVERDUE_ESCALATIONS].points, results[Metric.OVERDUE_ESCALATIONS].assessed) == (0, True)
