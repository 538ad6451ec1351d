"""assessments/scoring.py: how a metric becomes points, grades, ranks and the long-term-failure
list, without a database."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    GRID_LEADER_100,
    VILLAGE_CADRE_1000,
    Grade,
    Linear,
    PerUnit,
    failing_streak,
    grade,
    long_term_failures,
    ranks,
    score,
)

D = Decimal
shares = st.decimals(min_value=0, max_value=1, places=3)


def test_linear_items_give_nothing_below_the_low_threshold_and_everything_above_the_high():
    scale = Linear(D("0.5"), D("0.95"))
    assert score(D("0.4"), scale, 25).points == 0
    assert score(D("0.5"), scale, 25).points == 0
    assert score(D("0.95"), scale, 25).points == 25
    assert score(D("1"), scale, 25).points == 25


def test_between_the_thresholds_the_points_follow_a_straight_line_to_a_tenth():
    # the hand calculation: (0.8 - 0.5) / (0.95 - 0.5) * 25 = 16.666… → 16.7
    assert score(D("0.8"), Linear(D("0.5"), D("0.95")), 25).points == D("16.7")
    # 1000-point scheme: (0.75 - 0.5) / 0.4 * 200 = 125
    assert score(D("0.75"), Linear(D("0.5"), D("0.9")), 200).points == 125


def test_a_smaller_value_can_be_the_better_one():
    minutes = Linear(D("60"), D("15"))  # an emergency accepted within 15 minutes earns it all
    assert score(10, minutes, 100).points == 100
    assert score(D("37.5"), minutes, 100).points == 50
    assert score(90, minutes, 100).points == 0


def test_nothing_to_measure_is_not_a_fault():
    result = score(None, Linear(D("0.5"), D("0.95")), 15)
    assert result.points == 15 and not result.assessed


def test_a_deduction_takes_so_many_points_a_unit_up_to_its_cap():
    scale = PerUnit(D("-2"), D("10"))
    assert score(0, scale, 0).points == 0
    assert score(3, scale, 0).points == -6
    assert score(9, scale, 0).points == -10
    assert score(None, scale, 0) == score(None, scale, 0)
    assert not score(None, scale, 0).assessed and score(None, scale, 0).points == 0


@given(shares, shares, st.integers(min_value=1, max_value=1000))
def test_linear_points_stay_within_the_item_and_never_fall_as_the_metric_rises(a, b, max_points):
    scale = Linear(D("0.3"), D("0.9"))
    low, high = sorted((a, b))
    points_low, points_high = score(low, scale, max_points).points, score(high, scale, max_points).points
    assert 0 <= points_low <= points_high <= max_points


@given(st.integers(min_value=0, max_value=1000))
def test_a_deduction_never_passes_its_cap(count):
    assert score(count, PerUnit(D("-20"), D("100")), 0).points >= -100


def test_the_starting_schemes_add_up_to_their_totals():
    assert sum(item.max_points for item in GRID_LEADER_100) == 100
    assert sum(item.max_points for item in VILLAGE_CADRE_1000) == 1000
    assert all(
        item.max_points == 0 for item in (*GRID_LEADER_100, *VILLAGE_CADRE_1000) if isinstance(item.scale, PerUnit)
    )


def test_no_item_scores_usage():
    """Score the work, not the clicks: every metric is a fact of the work."""
    names = {item.metric for item in (*GRID_LEADER_100, *VILLAGE_CADRE_1000)}
    assert not any(word in name for name in names for word in ("login", "online", "click", "session"))


def test_grades():
    assert grade(D("92"), pass_mark=60, out_of=100) == Grade.EXCELLENT
    assert grade(D("90"), pass_mark=60, out_of=100) == Grade.EXCELLENT
    assert grade(D("89.9"), pass_mark=60, out_of=100) == Grade.QUALIFIED
    assert grade(D("60"), pass_mark=60, out_of=100) == Grade.QUALIFIED
    assert grade(D("59.9"), pass_mark=60, out_of=100) == Grade.UNQUALIFIED
    assert grade(D("850"), pass_mark=600, out_of=1000, excellent_at=850) == Grade.EXCELLENT


def test_equal_totals_share_a_rank_and_the_next_one_is_skipped():
    assert ranks({"a": D("90"), "b": D("95"), "c": D("90"), "d": D("70")}) == {"b": 1, "a": 2, "c": 2, "d": 4}


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=100), max_size=20))
def test_ranks_do_not_depend_on_the_order_rows_were_read_in(totals):
    reordered = dict(reversed(list(totals.items())))
    assert ranks(totals) == ranks(reordered)
    if totals:
        assert min(ranks(totals).values()) == 1


def month(n):
    return datetime.date(2026, n, 1)


def test_the_failing_streak_counts_back_from_the_latest_closed_period():
    assert failing_streak([(month(9), False), (month(10), False), (month(11), False)]) == 3
    assert failing_streak([(month(11), False), (month(9), False), (month(10), True)]) == 1  # any order
    assert failing_streak([(month(11), True), (month(10), False)]) == 0
    assert failing_streak([]) == 0


def test_the_long_term_failure_list_takes_three_periods_running_by_default():
    histories = {
        "郑一": [(month(8), False), (month(9), False), (month(10), False), (month(11), False)],
        "郑二": [(month(9), False), (month(10), False), (month(11), True)],
        "郑三": [(month(9), True), (month(10), False), (month(11), False)],
    }
    assert long_term_failures(histories) == {"郑一": 4}
    assert long_term_failures(histories, periods=2) == {"郑一": 4, "郑三": 2}
