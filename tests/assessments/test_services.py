"""assessments/services.py called as the pages call them: schemes and their versions, periods
computed and closed, the ledger, ranks and grades, the manual items and who may enter, decide and
answer them, and the long-term-failure list. Every call is dated (`today=`, `now=`): the months are
those of early 2025, whatever the clock says.

The test scheme (grid leaders, 100 points, pass 60, excellent from 70):
    visit coverage 40 · patrol days 30 · cases on time 30 · overdue escalations −2 each (up to 10)
    a reward (表彰奖励) up to 5 · a deduction (监督检查扣分) up to 20
With the world's households all visited in time and nothing else, a grid leader has 40 + 0 + 30 =
70; with nothing done, 0 + 0 + 30 = 30 (no case came to them: full points for cases).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import scoring, selectors, services
from assessments.models import Cycle, Entry, Item, Line, Period, Scheme, Score, Source
from assessments.scoring import Grade, Metric
from tests import factories
from villages.models import Household, Post
from visits import services as visit_services
from visits.rules import Kind

D = Decimal
Role = Post.Role
Effect = Item.Effect
JAN, FEB, MAR = (datetime.date(2025, month, 1) for month in (1, 2, 3))
TODAY = datetime.date(2025, 4, 10)  # January to March are over
REWARD, DEDUCTION = "表彰奖励", "监督检查扣分"

ITEMS = (
    {"metric": Metric.VISIT_COVERAGE, "effect": Effect.EARN, "max_points": 40, "zero_at": D(50), "full_at": D(95)},
    {"metric": Metric.PATROL_DAYS, "effect": Effect.EARN, "max_points": 30, "zero_at": D(60), "full_at": D(95)},
    {"metric": Metric.CASES_ON_TIME, "effect": Effect.EARN, "max_points": 30, "zero_at": D(50), "full_at": D(95)},
    {"metric": Metric.OVERDUE_ESCALATIONS, "effect": Effect.DEDUCT, "max_points": 10, "points_each": D(2)},
    {"name": REWARD, "effect": Effect.REWARD, "max_points": 5},
    {"name": DEDUCTION, "effect": Effect.DEDUCT, "max_points": 20},
)
VILLAGE_ITEMS = (
    {"metric": Metric.VISIT_COVERAGE, "effect": Effect.EARN, "max_points": 60, "zero_at": D(50), "full_at": D(95)},
    {"metric": Metric.MEETING_ATTENDANCE, "effect": Effect.EARN, "max_points": 40, "zero_at": D(50), "full_at": D(90)},
    {"name": REWARD, "effect": Effect.REWARD, "max_points": 50},
    {"name": DEDUCTION, "effect": Effect.DEDUCT, "max_points": 200},
)


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def items(*changes, base=ITEMS):
    """Copies of `base` with `changes` ({position: {field: value}}) applied."""
    rows = [dict(item) for item in base]
    for change in changes:
        for position, fields in change.items():
            rows[position].update(fields)
    return rows


def save(world, scheme=None, *, actor="township", total=100, pass_mark=60, excellent_at=70, rows=None, **fields):
    scheme = scheme or Scheme(
        township=world.places["t1"],
        name=fields.pop("name", "网格长月度考核"),
        cycle=Cycle.MONTH,
        roles=fields.pop("roles", [Role.GRID_LEADER]),
    )
    return services.save_scheme(
        actor=world.users[actor],
        scheme=scheme,
        total=total,
        pass_mark=D(pass_mark),
        excellent_at=D(excellent_at),
        items=items() if rows is None else rows,
        today=TODAY,
    )


def village_scheme(world):
    return save(
        world,
        name="村两委考核",
        roles=[Role.VILLAGE_SECRETARY, Role.RESIDENT_CADRE],
        pass_mark=60,
        excellent_at=90,
        rows=items(base=VILLAGE_ITEMS),
    )


def open_month(world, scheme, day, today=TODAY):
    return services.open_period(actor=world.users["township"], scheme=scheme, day=day, today=today)


def close(world, period, today=TODAY):
    return services.close(period, actor=world.users["township"], today=today)


def visit(world, persona, household, day, now=None, **kwargs):
    return visit_services.record_visit(
        actor=world.users[persona],
        household=world.households[household],
        visited_on=day,
        kind=Kind.ROUTINE,
        now=now or moment(day, 18),
        **kwargs,
    )


def score_of(world, period, persona):
    return Score.objects.select_related("period", "cadre").get(period=period, cadre=world.cadres[persona])


def manual(period, name):
    return period.version.items.get(name=name)


def enter(world, persona, period, about, name=REWARD, points=3, reason="及时发现隐患"):
    return services.enter(
        actor=world.users[persona],
        score=score_of(world, period, about),
        item=manual(period, name),
        points=D(points),
        reason=reason,
        source=Source.LEVEL_ABOVE,
    )


def decide(world, persona, entry, approve=True):
    return services.decide(actor=world.users[persona], entry=entry, approve=approve, today=TODAY)


def ledger(period):
    """The period's lines as comparable tuples, in a fixed order."""
    lines = Line.objects.filter(score__period=period).select_related("item", "score")
    return sorted(
        (line.score.cadre_id, str(line.item.label), line.value, line.counted, line.out_of, line.points, line.assessed)
        for line in lines
    )


def results(period):
    return sorted(
        Score.objects.filter(period=period).values_list(
            "pk", "cadre_id", "total", "grade", "passed", "rank_township", "rank_village"
        )
    )


def item_rows(version):
    return list(
        version.items.values_list(
            "pk", "position", "metric", "name", "effect", "max_points", "zero_at", "full_at", "points_each"
        )
    )


def totals(period):
    return dict(Score.objects.filter(period=period).values_list("cadre__user__username", "total"))


@pytest.fixture
def world(world):
    """The personas, with the households registered before 2024 and a second member of staff at
    the township centre (one enters an item, another decides it); the grid leader (G1) visited
    all of G1's households on 20 December 2024 (in time for a year), the neighbour (G2) none."""
    Household.objects.update(created_at=moment(datetime.date(2023, 12, 1)))
    cadre = factories.CadreFactory(township=world.places["t1"], name="林雅琴", user__username="township2")
    factories.post(cadre, Role.TOWNSHIP_STAFF, township=world.places["t1"])
    world.cadres["township2"], world.users["township2"] = cadre, cadre.user
    for household in ("g1a", "g1b", "g1a_other"):
        visit(world, "leader", household, datetime.date(2024, 12, 20))
    return world


@pytest.fixture
def scheme(world):
    return save(world)


# --- save_scheme ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (items({0: {"max_points": 30}}), "add up to 90"),  # earning items: 30 + 30 + 30 ≠ 100
        (items({4: {"effect": Effect.EARN}}), "add up to 105"),  # a manual earning item counts too
        (items({3: {"effect": Effect.EARN}}), "counts cases"),  # a counted metric earns nothing
        (items({3: {"points_each": None}}), "counts cases"),
        (items({3: {"points_each": D(0)}}), "counts cases"),
        (items({0: {"effect": Effect.DEDUCT}}), "earns points"),  # a share cannot be a deduction
        (items({0: {"full_at": None}}), "earns full points"),
        (items({4: {"name": ""}}), "Name every manual item"),
        (items({1: {"metric": Metric.VISIT_COVERAGE}}), "one item only"),
        ([], "at least one item"),
    ],
)
def test_a_scheme_whose_items_do_not_make_its_total_is_refused(world, rows, message):
    with pytest.raises(ValidationError) as error:
        save(world, rows=rows)

    assert message in " ".join(error.value.messages)
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    ("pass_mark", "excellent_at"),
    [(110, 110), (60, 101), (80, 70), (-1, 70)],
)
def test_the_pass_mark_must_be_within_the_total_and_at_most_the_mark_for_excellent(world, pass_mark, excellent_at):
    with pytest.raises(ValidationError) as error:
        save(world, pass_mark=pass_mark, excellent_at=excellent_at)

    assert "pass mark" in " ".join(error.value.messages)
    assert not Scheme.objects.exists()


def test_a_scheme_assesses_some_posts(world):
    with pytest.raises(ValidationError):
        save(world, roles=[])
    assert not Scheme.objects.exists()


@pytest.mark.parametrize("persona", ["village", "leader", "department", "other_township"])
def test_only_the_township_centre_saves_a_scheme(world, persona):
    with pytest.raises(PermissionDenied):
        save(world, actor=persona)
    assert not Scheme.objects.exists()


def test_a_version_no_period_was_scored_by_is_changed_in_place(world, scheme):
    save(world, scheme, pass_mark=50, excellent_at=80, rows=items({0: {"max_points": 50}, 1: {"max_points": 20}}))

    version = scheme.versions.get()
    assert (version.number, version.pass_mark, version.excellent_at) == (1, 50, 80)
    assert list(version.items.values_list("max_points", flat=True)) == [50, 20, 30, 10, 5, 20]


def test_a_new_version_leaves_the_closed_period_with_its_old_version_and_items(world, scheme):
    february = open_month(world, scheme, FEB)
    close(world, february)
    old = scheme.versions.get()
    old_items, february_ledger, february_results = item_rows(old), ledger(february), results(february)

    save(world, scheme, pass_mark=50, excellent_at=80, rows=items({0: {"max_points": 50}, 1: {"max_points": 20}}))

    assert list(scheme.versions.values_list("number", flat=True)) == [2, 1]
    new = scheme.versions.first()
    assert (new.number, new.pass_mark, new.excellent_at, new.created_by) == (2, 50, 80, world.users["township"])
    assert list(new.items.values_list("max_points", flat=True)) == [50, 20, 30, 10, 5, 20]
    february.refresh_from_db()
    old.refresh_from_db()
    assert february.version == old
    assert (old.number, old.pass_mark, old.excellent_at) == (1, 60, 70)
    assert item_rows(old) == old_items
    assert (ledger(february), results(february)) == (february_ledger, february_results)
    # a period opened now is scored by the new version
    assert open_month(world, scheme, MAR).version == new


def test_open_periods_move_to_the_new_version_and_their_manual_items_with_them(world, scheme):
    february = open_month(world, scheme, FEB)
    close(world, february)
    march = open_month(world, scheme, MAR)
    reward = enter(world, "village", march, "leader", points=4)
    decide(world, "township", reward)
    deduction = enter(world, "village", march, "leader", name=DEDUCTION, points=6, reason="走访记录不全")
    assert totals(march)["leader"] == 74  # 70 + 4; the deduction waits for approval

    renamed = items({4: {"name": "表彰"}, 5: {"name": "扣分"}})
    save(world, scheme, rows=renamed)

    new = scheme.versions.first()
    march.refresh_from_db()
    assert (new.number, march.version) == (2, new)
    reward.refresh_from_db()
    deduction.refresh_from_db()
    assert (reward.item.version, reward.item.name, reward.item.effect) == (new, "表彰", Effect.REWARD)
    assert (deduction.item.version, deduction.item.name, deduction.status) == (new, "扣分", Entry.Status.PENDING)
    # computed again on the new version at once: every line is one of its items
    assert set(Line.objects.filter(score__period=march).values_list("item__version", flat=True)) == {new.pk}
    assert totals(march)["leader"] == 74
    # the closed month's scores still point at the old version's items
    assert set(Line.objects.filter(score__period=february).values_list("item__version", flat=True)) == {
        february.version_id
    }
    assert february.version_id != new.pk


def test_a_new_version_without_a_manual_item_of_the_kind_entered_is_refused(world, scheme):
    march = open_month(world, scheme, MAR)
    enter(world, "village", march, "leader", points=4)
    no_reward = [item for item in items() if item["effect"] != Effect.REWARD]

    with pytest.raises(ValidationError):
        save(world, scheme, rows=no_reward)

    march.refresh_from_db()
    assert scheme.versions.count() == 1
    assert march.version == scheme.versions.get()


# --- compute --------------------------------------------------------------------------------------


def test_computing_twice_on_the_same_records_writes_the_same_ledger(world, scheme):
    for day in (3, 4, 5, 6):
        visit_services.record_patrol(
            actor=world.users["leader"],
            grid=world.places["G1"],
            patrolled_on=datetime.date(2025, 3, day),
            started_at=datetime.time(8),
            ended_at=datetime.time(9),
            area="沿河",
            now=moment(datetime.date(2025, 3, day), 20),
        )
    march = open_month(world, scheme, MAR, today=datetime.date(2025, 3, 20))
    first_ledger, first_results = ledger(march), results(march)
    assert len(first_ledger) == 2 * len(ITEMS)  # the leader and the neighbour

    services.compute(march, actor=world.users["township"], today=datetime.date(2025, 3, 20))
    assert (ledger(march), results(march)) == (first_ledger, first_results)  # Score pks included
    services.compute(march, today=datetime.date(2025, 3, 20))  # the scheduled job: no actor
    assert (ledger(march), results(march)) == (first_ledger, first_results)
    # the patrols do count: 4 of the 19 whole days
    leader, label = world.cadres["leader"].pk, str(Metric.PATROL_DAYS.label)
    assert [row[2:5] for row in first_ledger if row[:2] == (leader, label)] == [(D("21.1"), 4, 19)]


def test_only_the_township_centre_computes(world, scheme):
    march = open_month(world, scheme, MAR)

    with pytest.raises(PermissionDenied):
        services.compute(march, actor=world.users["village"], today=TODAY)


# --- closed periods -------------------------------------------------------------------------------


def test_a_closed_period_is_not_computed_again(world, scheme):
    february = close(world, open_month(world, scheme, FEB))

    with pytest.raises(ValidationError):
        services.compute(february, actor=world.users["township"], today=TODAY)
    with pytest.raises(ValidationError):
        services.compute(february, today=TODAY)
    with pytest.raises(ValidationError):
        close(world, february)
    february.refresh_from_db()
    assert (february.status, february.closed_by) == (Period.Status.CLOSED, world.users["township"])


def test_no_manual_item_is_entered_decided_or_answered_once_the_period_is_closed(world, scheme):
    february = open_month(world, scheme, FEB)
    entry = enter(world, "village", february, "leader")
    decide(world, "township", entry)
    close(world, february)
    february_ledger = ledger(february)

    with pytest.raises(ValidationError):
        enter(world, "village", february, "leader")
    with pytest.raises(ValidationError):
        enter(world, "township", february, "neighbour", name=DEDUCTION)
    with pytest.raises(ValidationError):
        services.answer(actor=world.users["leader"], entry=entry, text="情况属实")
    # even an item somehow still waiting is not decided any more
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.PENDING)
    with pytest.raises(ValidationError) as error:
        decide(world, "township2", entry)
    assert "closed" in " ".join(error.value.messages)

    assert Entry.objects.filter(score__period=february).count() == 1
    entry.refresh_from_db()
    assert (entry.answer, entry.decided_by) == ("", world.users["township"])
    assert ledger(february) == february_ledger


def test_a_closed_periods_lines_stay_as_they_were_after_new_visits(world, scheme):
    february = close(world, open_month(world, scheme, FEB))
    march = open_month(world, scheme, MAR)
    before = ledger(february)
    assert totals(february)["neighbour"] == totals(march)["neighbour"] == 30

    # the neighbour logs a February visit late, in April
    visit(world, "neighbour", "g2", datetime.date(2025, 2, 20), now=moment(TODAY), late_reason="补录")
    services.compute(march, actor=world.users["township"], today=TODAY)

    assert totals(march)["neighbour"] == 70  # the open month sees the visit
    assert ledger(february) == before
    assert totals(february)["neighbour"] == 30
    with pytest.raises(ValidationError):
        services.compute(february, actor=world.users["township"], today=TODAY)
    assert ledger(february) == before


def test_closing_is_refused_while_a_manual_item_waits_for_a_decision(world, scheme):
    february = open_month(world, scheme, FEB)
    entry = enter(world, "village", february, "leader")

    with pytest.raises(ValidationError) as error:
        close(world, february)
    assert "waits for a decision" in " ".join(error.value.messages)
    february.refresh_from_db()
    assert february.is_open

    decide(world, "township", entry, approve=False)
    close(world, february)
    february.refresh_from_db()
    assert not february.is_open


@pytest.mark.parametrize("today", [datetime.date(2025, 3, 20), datetime.date(2025, 3, 31)])
def test_closing_is_refused_before_the_period_has_ended(world, scheme, today):
    march = open_month(world, scheme, MAR, today=datetime.date(2025, 3, 20))

    with pytest.raises(ValidationError):
        close(world, march, today=today)
    march.refresh_from_db()
    assert march.is_open

    close(world, march, today=datetime.date(2025, 4, 1))
    march.refresh_from_db()
    assert march.status == Period.Status.CLOSED


@pytest.mark.parametrize(
    ("cycle", "day", "bounds"),
    [
        (Cycle.MONTH, datetime.date(2024, 2, 10), (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))),
        (Cycle.MONTH, datetime.date(2024, 12, 31), (datetime.date(2024, 12, 1), datetime.date(2024, 12, 31))),
        (Cycle.QUARTER, datetime.date(2024, 11, 5), (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))),
        (Cycle.YEAR, datetime.date(2024, 6, 30), (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))),
    ],
)
def test_a_period_is_the_month_quarter_or_year_holding_its_day(cycle, day, bounds):
    assert services.period_bounds(cycle, day) == bounds


def test_a_period_cannot_start_in_the_future(world, scheme):
    with pytest.raises(ValidationError):
        open_month(world, scheme, datetime.date(2025, 5, 1))
    assert not Period.objects.exists()


# --- ranks and grades -----------------------------------------------------------------------------


@pytest.fixture
def third_leader(world):
    """A grid leader in the other village (G3 of v2), who has visited its household in time."""
    cadre = factories.CadreFactory(township=world.places["t1"], name="郑三", user__username="g3_leader")
    factories.post(cadre, Role.GRID_LEADER, grid=world.places["G3"])
    world.cadres["g3_leader"], world.users["g3_leader"] = cadre, cadre.user
    visit(world, "g3_leader", "g3", datetime.date(2024, 12, 20))
    return cadre


def ranks(period):
    return {
        username: (total, township, village)
        for username, total, township, village in Score.objects.filter(period=period).values_list(
            "cadre__user__username", "total", "rank_township", "rank_village"
        )
    }


def test_ranks_are_competition_ranks_within_the_township_and_within_each_village(world, scheme, third_leader):
    march = open_month(world, scheme, MAR)

    # 70, 70, 30: the two at 70 share the first place and the next is third ("1 1 3")
    assert ranks(march) == {
        "leader": (70, 1, 1),
        "g3_leader": (70, 1, 1),  # alone in v2
        "neighbour": (30, 3, 2),
    }

    decide(world, "township2", enter(world, "township", march, "g3_leader", name=DEDUCTION, points=5))
    assert ranks(march) == {"leader": (70, 1, 1), "g3_leader": (65, 2, 1), "neighbour": (30, 3, 2)}


def test_grades_follow_the_pass_mark_and_the_mark_for_excellent(world, scheme, third_leader):
    march = open_month(world, scheme, MAR)
    decide(world, "township2", enter(world, "township", march, "g3_leader", name=DEDUCTION, points=5))

    grades = {
        username: (total, grade, passed)
        for username, total, grade, passed in Score.objects.filter(period=march).values_list(
            "cadre__user__username", "total", "grade", "passed"
        )
    }
    assert grades == {
        "leader": (70, Grade.EXCELLENT, True),  # at the mark for excellent
        "g3_leader": (65, Grade.QUALIFIED, True),
        "neighbour": (30, Grade.UNQUALIFIED, False),
    }


# --- manual items ---------------------------------------------------------------------------------


def test_the_village_secretary_enters_an_item_about_a_grid_leader_of_their_village(world, scheme):
    march = open_month(world, scheme, MAR)

    entry = enter(world, "village", march, "leader", points=3)

    assert (entry.score, entry.status, entry.entered_by, entry.points) == (
        score_of(world, march, "leader"),
        Entry.Status.PENDING,
        world.users["village"],
        3,
    )
    assert services.may_enter(world.users["village"], score_of(world, march, "neighbour"))


@pytest.mark.parametrize(
    ("persona", "about"),
    [
        ("village", "village"),  # about oneself
        ("village", "resident_cadre"),  # a village cadre: the township enters theirs
        ("resident_cadre", "village"),
        ("other_township", "village"),
    ],
)
def test_village_cadres_have_items_entered_only_by_their_township(world, persona, about):
    march = open_month(world, village_scheme(world), MAR)

    with pytest.raises(PermissionDenied):
        enter(world, persona, march, about)
    assert not services.may_enter(world.users[persona], score_of(world, march, about))
    assert not Entry.objects.exists()


def test_the_township_enters_items_about_village_cadres(world):
    march = open_month(world, village_scheme(world), MAR)

    entry = enter(world, "township", march, "village", points=30)

    assert entry.score.cadre == world.cadres["village"]


@pytest.mark.parametrize(
    ("persona", "about"),
    [
        ("leader", "neighbour"),  # a grid leader enters nothing
        ("member", "leader"),
        ("village", "g3_leader"),  # v1's secretary is not above the grid leader of v2
        ("other_township", "leader"),
    ],
)
def test_grid_leaders_have_items_entered_only_by_their_village_or_township(world, scheme, third_leader, persona, about):
    march = open_month(world, scheme, MAR)

    with pytest.raises(PermissionDenied):
        enter(world, persona, march, about)
    assert not services.may_enter(world.users[persona], score_of(world, march, about))
    assert not Entry.objects.exists()


def test_an_item_is_decided_by_township_staff_other_than_the_one_who_entered_it(world):
    march = open_month(world, village_scheme(world), MAR)
    entry = enter(world, "township", march, "village", points=30)

    for persona in ("township", "village", "leader", "other_township"):
        with pytest.raises(PermissionDenied):
            decide(world, persona, entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PENDING

    decide(world, "township2", entry)
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (Entry.Status.APPROVED, world.users["township2"])
    with pytest.raises(ValidationError):
        decide(world, "township2", entry, approve=False)  # decided once


def test_approved_points_count_up_to_the_items_maximum_and_deductions_take_away(world, scheme):
    march = open_month(world, scheme, MAR)
    for points in (4, 3):
        decide(world, "township", enter(world, "village", march, "leader", points=points))
    decide(world, "township", enter(world, "village", march, "leader", points=1), approve=False)
    enter(world, "village", march, "leader", points=2)  # waits
    decide(world, "township", enter(world, "village", march, "leader", name=DEDUCTION, points=6))

    lines = {
        line.item.name: (line.points, line.assessed)
        for line in Line.objects.filter(score=score_of(world, march, "leader"), item__metric="").select_related("item")
    }
    # rewards 4 + 3 = 7 approved, capped at the item's 5; the refused and the waiting ones do not count
    assert lines == {REWARD: (5, True), DEDUCTION: (-6, True)}
    assert totals(march)["leader"] == 70 + 5 - 6
    # nothing entered about the neighbour: their manual lines count nothing
    neighbour = Line.objects.filter(score=score_of(world, march, "neighbour"), item__metric="")
    assert set(neighbour.values_list("points", "assessed")) == {(0, False)}


def test_an_entry_is_within_its_items_points(world, scheme):
    march = open_month(world, scheme, MAR)

    for points in (0, 6):
        with pytest.raises(ValidationError):
            enter(world, "village", march, "leader", points=points)
    with pytest.raises(ValidationError):
        enter(world, "village", march, "leader", reason="  ")
    assert not Entry.objects.exists()


def test_only_the_cadre_answers_an_item_about_them_while_the_period_is_open(world, scheme):
    march = open_month(world, scheme, MAR)
    entry = enter(world, "village", march, "leader", name=DEDUCTION, points=6)

    for persona in ("village", "neighbour", "township", "member"):
        with pytest.raises(PermissionDenied):
            services.answer(actor=world.users[persona], entry=entry, text="不是这样")
        assert not services.may_answer(world.users[persona], entry)

    assert services.may_answer(world.users["leader"], entry)
    services.answer(actor=world.users["leader"], entry=entry, text=" 本月两户老人住院，已补走访 ")
    entry.refresh_from_db()
    assert entry.answer == "本月两户老人住院，已补走访"
    assert entry.answered_at is not None


# --- long-term failure ----------------------------------------------------------------------------


def test_a_grid_leader_without_field_work_fails_three_closed_months_running(world, scheme):
    periods = [close(world, open_month(world, scheme, month)) for month in (JAN, FEB, MAR)]

    neighbour = Score.objects.filter(cadre=world.cadres["neighbour"], period__in=periods)
    assert list(neighbour.order_by("period__starts_on").values_list("total", "passed")) == [(30, False)] * 3
    leader = Score.objects.filter(cadre=world.cadres["leader"], period__in=periods)
    assert set(leader.values_list("passed", flat=True)) == {True}

    histories = {}
    for cadre_id, starts_on, passed in Score.objects.filter(period__scheme=scheme).values_list(
        "cadre_id", "period__starts_on", "passed"
    ):
        histories.setdefault(cadre_id, []).append((starts_on, passed))
    assert scoring.long_term_failures(histories) == {world.cadres["neighbour"].pk: 3}
    assert scoring.long_term_failures(histories, periods=4) == {}


def test_the_long_term_failure_list_names_the_cadre_to_those_who_see_their_scores(world, scheme):
    periods = [close(world, open_month(world, scheme, month)) for month in (JAN, FEB, MAR)]
    open_month(world, scheme, datetime.date(2025, 4, 1))  # an open month changes nothing

    def listed(persona, **kwargs):
        return [
            (cadre, streak, [score.period for score in scores])
            for cadre, streak, scores in selectors.long_term_failures(scheme, world.users[persona], **kwargs)
        ]

    failing = [(world.cadres["neighbour"], 3, periods[::-1])]  # their closed scores, newest first
    assert listed("township") == listed("village") == listed("neighbour") == failing
    assert listed("township", periods=4) == []
    assert listed("leader") == listed("other_township") == []
