"""Reads of the assessment: the overview of a period, a cadre's history, the long-term-failure
list and the trends — each a fixed number of queries, whatever the number of cadres."""

from django.db.models import Avg, Count, Q

from villages.jurisdiction import Action, jurisdiction_for

from . import scoring
from .models import Entry, Line, Period, Scheme, Score

SCORE_RELATIONS = ("cadre", "village", "grid", "period__scheme", "period__version")


def schemes(user):
    return Scheme.objects.for_user(user).select_related("township")


def periods(user):
    """Periods of the schemes the user sees (the township of one of their posts)."""
    return Period.objects.filter(scheme__in=schemes(user)).select_related("scheme", "version")


def scores(user):
    return Score.objects.for_user(user).select_related(*SCORE_RELATIONS)


def overview(period, user):
    """The period's scores the user sees, best first, each with `points` {item id: points}: two queries."""
    rows = list(scores(user).filter(period=period).order_by("rank_township", "cadre__name_pinyin"))
    points = {}
    for score_id, item_id, value in Line.objects.filter(score__in=[row.pk for row in rows]).values_list(
        "score_id", "item_id", "points"
    ):
        points.setdefault(score_id, {})[item_id] = value
    for row in rows:
        row.points = points.get(row.pk, {})
    return rows


def history(score, user):
    """The same cadre's scores under the same scheme, oldest first (for the trend)."""
    return list(
        scores(user)
        .filter(cadre_id=score.cadre_id, period__scheme_id=score.period.scheme_id)
        .order_by("period__starts_on")
    )


def my_scores(user):
    return scores(user).filter(cadre__user=user).order_by("-period__starts_on", "period__scheme__name")


def latest_scores(user):
    """The user's latest score in each scheme they are assessed by (the home page): one query."""
    latest = {}
    for score in my_scores(user)[:12]:
        latest.setdefault(score.period.scheme_id, score)
    return list(latest.values())


def unanswered_about(user):
    """Manual items about the user in open periods, not refused, that they have not answered yet
    (the home page)."""
    return Entry.objects.filter(score__cadre__user=user, score__period__status=Period.Status.OPEN, answer="").exclude(
        status=Entry.Status.REJECTED
    )


def long_term_failures(scheme, user, periods=scoring.DEFAULT_FAILING_PERIODS):
    """[(cadre, streak, their closed scores newest first)] for cadres of `scheme` the user sees
    who were under the pass mark in the latest `periods` or more closed periods in a row:
    two queries."""
    rows = list(
        scores(user).filter(period__scheme=scheme, period__status=Period.Status.CLOSED).order_by("-period__starts_on")
    )
    by_cadre = {}
    for row in rows:
        by_cadre.setdefault(row.cadre_id, []).append(row)
    # The streak runs over the scheme's closed periods in a row, from the latest: a period a cadre
    # was not scored in (they left, or came later) breaks it, as a pass does.
    closed = list(scheme.periods.closed().values_list("starts_on", flat=True))
    histories = {}
    for cadre_id, cadre_rows in by_cadre.items():
        passed = {row.period.starts_on: row.passed for row in cadre_rows}
        histories[cadre_id] = [(start, passed.get(start, True)) for start in closed]
    failing = scoring.long_term_failures(histories, periods)
    listed = [(by_cadre[cadre_id][0].cadre, streak, by_cadre[cadre_id]) for cadre_id, streak in failing.items()]
    return sorted(listed, key=lambda entry: (-entry[1], entry[0].name_pinyin))


def trend(scheme, user):
    """Per period of `scheme` (oldest first): the average total and how many passed, of the scores
    the user sees: one query."""
    return list(
        Score.objects.for_user(user)
        .filter(period__scheme=scheme)
        .values("period_id", "period__starts_on", "period__status")
        .annotate(average=Avg("total"), count=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("period__starts_on")
    )


def pending_entries(user):
    """Manual items waiting for the township's decision, in the townships the user manages."""
    jurisdiction = jurisdiction_for(user)
    managed = (
        Score.objects.filter(jurisdiction.q(Score, Action.MANAGE, reach=False))
        if not jurisdiction.everything
        else Score.objects.all()
    )
    return (
        Entry.objects.filter(
            status=Entry.Status.PENDING, score__in=managed.values("pk"), score__period__status=Period.Status.OPEN
        )
        .select_related(
            "score__cadre",
            "score__period__scheme",
            "score__township",
            "score__village",
            "score__grid",
            "item",
            "entered_by",
        )
        .order_by("entered_at", "pk")
    )


def entries_of(score, user):
    return (
        Entry.objects.for_user(user)
        .filter(score=score)
        .select_related("item", "entered_by", "decided_by", "case", "visit")
        .order_by("entered_at", "pk")
    )
