"""How work becomes points: the assessment's rules as pure functions, without a database.

The seed puts grid leaders on a 100-point scheme and village cadres on a "thousand-point" scheme
whose items are "formulated separately", and says that those who fail the requirements "for a long
time" are transferred or dismissed. The portal scores the work itself — visits in time, patrol
days, cases handled within their deadlines, residents' satisfaction, logs kept, meetings attended —
never logins, time online or clicks ("formalism at the fingertips" is what scoring app usage
breeds). Groundwork for the assessment issue: its models, ledger and pages come with it.

    a metric        a measured fact of one cadre's period (a share, a count, a duration)
    a scale         how the metric becomes points: linear between two thresholds and capped, or
                    so many points per unit up to a cap (a deduction when negative)
    no evidence     a share with nothing to measure (no case came to them) is not a fault: full
                    points, and the score card says "nothing to assess"
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

TENTH = Decimal("0.1")


class Metric(models.TextChoices):
    """What an automatic item measures; each is computed from the records of the work."""

    VISIT_COVERAGE = "visit_coverage", _("Households visited within their interval (share)")
    MUST_VISIT_COVERAGE = "must_visit_coverage", _("Must-visit households seen monthly (share)")
    PATROL_DAYS = "patrol_days", _("Days with a patrol (share of the required days)")
    CASES_ON_TIME = "cases_on_time", _("Cases handled within their deadlines (share)")
    OVERDUE_ESCALATIONS = "overdue_escalations", _("Cases that climbed a level for being overdue (count)")
    EMERGENCY_ACKNOWLEDGEMENT = "emergency_acknowledgement", _("Median time to accept an emergency (minutes)")
    SATISFACTION = "satisfaction", _("Residents satisfied with the result (share)")
    WORK_LOGS = "work_logs", _("Work logs submitted (share of the required logs)")
    MEETING_ATTENDANCE = "meeting_attendance", _("Village committee meetings attended (share)")


SHORT_LABELS = {
    Metric.VISIT_COVERAGE: _("Visits in time"),
    Metric.MUST_VISIT_COVERAGE: _("Must-visit monthly"),
    Metric.PATROL_DAYS: _("Patrol days"),
    Metric.CASES_ON_TIME: _("Cases on time"),
    Metric.OVERDUE_ESCALATIONS: _("Overdue escalations"),
    Metric.EMERGENCY_ACKNOWLEDGEMENT: _("Emergency response"),
    Metric.SATISFACTION: _("Satisfaction"),
    Metric.WORK_LOGS: _("Work logs"),
    Metric.MEETING_ATTENDANCE: _("Meetings attended"),
}


@dataclass(frozen=True)
class Linear:
    """Points rise (or fall) in a straight line from `zero_at` to `full_at`, capped at both ends.
    With `zero_at` above `full_at` a smaller value is better (minutes to accept an emergency)."""

    zero_at: Decimal
    full_at: Decimal

    def fraction(self, value):
        span = self.full_at - self.zero_at
        if span == 0:
            return Decimal(1) if value >= self.full_at else Decimal(0)
        return min(Decimal(1), max(Decimal(0), (Decimal(value) - self.zero_at) / span))


@dataclass(frozen=True)
class PerUnit:
    """So many points for each unit counted (negative: a deduction), up to `cap` points either way."""

    points_each: Decimal
    cap: Decimal


@dataclass(frozen=True)
class Result:
    points: Decimal
    assessed: bool  # False: nothing to measure this period (full points, said so on the card)


def score(value, scale, max_points):
    """The points an item gives for a metric's `value` (None: nothing to measure), to a tenth.

    A Linear item earns between 0 and `max_points`; a PerUnit item earns `points_each` per unit
    capped at `scale.cap` (a deduction item's `max_points` is 0: it only takes away)."""
    if isinstance(scale, PerUnit):
        if value is None:
            return Result(Decimal(0), False)
        raw = Decimal(value) * scale.points_each
        capped = max(-scale.cap, min(scale.cap, raw))
        return Result(_tenth(capped), True)
    if value is None:
        return Result(_tenth(Decimal(max_points)), False)
    return Result(_tenth(scale.fraction(value) * Decimal(max_points)), True)


def _tenth(points):
    return points.quantize(TENTH, rounding=ROUND_HALF_UP)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


EXCELLENT_SHARE = Decimal("0.9")  # of the scheme's total, unless a scheme sets its own


def grade(total, *, pass_mark, out_of, excellent_at=None):
    """Excellent from 90% of the total (or the scheme's own mark), qualified from the pass mark."""
    excellent_at = excellent_at if excellent_at is not None else Decimal(out_of) * EXCELLENT_SHARE
    if total >= excellent_at:
        return Grade.EXCELLENT
    return Grade.QUALIFIED if total >= pass_mark else Grade.UNQUALIFIED


def ranks(totals):
    """{key: rank} by total, highest first; equal totals share a rank and the next is skipped
    (competition ranking, "1224"), so a rank never depends on the order rows were read in."""
    ordered = sorted(totals.values(), reverse=True)
    first = {}
    for position, total in enumerate(ordered, start=1):
        first.setdefault(total, position)
    return {key: first[total] for key, total in totals.items()}


DEFAULT_FAILING_PERIODS = 3


def failing_streak(history):
    """How many of the latest closed periods in a row a cadre scored under the pass mark.
    `history`: (period start, passed) pairs in any order; only closed periods belong in it."""
    streak = 0
    for _start, passed in sorted(history, reverse=True):
        if passed:
            break
        streak += 1
    return streak


def long_term_failures(histories, periods=DEFAULT_FAILING_PERIODS):
    """{cadre: streak} for those under the pass mark in at least `periods` consecutive closed
    periods, most recent first. A list for the township to decide on; nothing happens by itself."""
    return {cadre: streak for cadre, history in histories.items() if (streak := failing_streak(history)) >= periods}


@dataclass(frozen=True)
class Item:
    metric: str
    max_points: int
    scale: Linear | PerUnit


# Starting schemes a township may adopt and change: the seed's 100-point scheme for grid leaders
# and its "thousand-point" scheme for village cadres. Shares are in per cent. The item maxima of
# each add up to its total; deductions (max 0) only take away.
D = Decimal
GRID_LEADER_100 = (
    Item(Metric.VISIT_COVERAGE, 25, Linear(D("50"), D("95"))),
    Item(Metric.MUST_VISIT_COVERAGE, 15, Linear(D("60"), D("100"))),
    Item(Metric.PATROL_DAYS, 20, Linear(D("60"), D("95"))),
    Item(Metric.CASES_ON_TIME, 15, Linear(D("50"), D("95"))),
    Item(Metric.SATISFACTION, 10, Linear(D("60"), D("95"))),
    Item(Metric.WORK_LOGS, 15, Linear(D("50"), D("90"))),
    Item(Metric.OVERDUE_ESCALATIONS, 0, PerUnit(D("-2"), D("10"))),
)
VILLAGE_CADRE_1000 = (
    Item(Metric.VISIT_COVERAGE, 200, Linear(D("50"), D("95"))),
    Item(Metric.MUST_VISIT_COVERAGE, 150, Linear(D("60"), D("100"))),
    Item(Metric.CASES_ON_TIME, 200, Linear(D("50"), D("95"))),
    Item(Metric.EMERGENCY_ACKNOWLEDGEMENT, 100, Linear(D("60"), D("15"))),
    Item(Metric.SATISFACTION, 150, Linear(D("60"), D("95"))),
    Item(Metric.MEETING_ATTENDANCE, 200, Linear(D("50"), D("90"))),
    Item(Metric.OVERDUE_ESCALATIONS, 0, PerUnit(D("-20"), D("100"))),
)
