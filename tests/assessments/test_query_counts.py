"""Every assessment page costs the same number of queries with a few rows as with many: the period
overview (and its export), a score card, my score, the scheme page, the index, the items to
approve, the long-term-failure list and the evidence pages, each at two data sizes."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Entry, Scheme, Score
from tests import factories
from villages.models import Household, Post
from visits.models import Meeting, Patrol, Visit, WorkLog
from visits.rules import Kind

DAY = datetime.timedelta(days=1)
SMALL, LARGE = 3, 30
ITEMS = (
    {"metric": "visit_coverage", "effect": "earn", "max_points": 40, "zero_at": 50, "full_at": 95},
    {"metric": "patrol_days", "effect": "earn", "max_points": 20, "zero_at": 50, "full_at": 100},
    {"metric": "work_logs", "effect": "earn", "max_points": 20, "zero_at": 50, "full_at": 100},
    {"metric": "meeting_attendance", "effect": "earn", "max_points": 20, "zero_at": 50, "full_at": 100},
    {"name": "监督检查扣分", "effect": "deduct", "max_points": 20},
    {"name": "表彰奖励", "effect": "reward", "max_points": 5},
)


def month_start(months_back):
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - DAY).replace(day=1)
    return day


class Grower:
    """An assessment of t1's grid leaders and village secretaries (a pass mark nobody reaches
    without the records), grown `n` at a time along one kind of row."""

    def __init__(self, world):
        self.world = world
        u, p = world.users, world.places
        self.township, self.village = u["township"], u["village"]
        self.scheme = services.save_scheme(
            actor=self.township,
            scheme=Scheme(township=p["t1"], name="网格长月度考核", roles=["grid_leader", "village_secretary"]),
            total=100,
            pass_mark=Decimal(80),
            excellent_at=Decimal(90),
            items=[{"name": "", "metric": "", **item} for item in ITEMS],
        )
        items = {item.name or item.metric: item for item in self.scheme.versions.get().items.all()}
        self.deduct, self.reward = items["监督检查扣分"], items["表彰奖励"]
        self.period = services.open_period(actor=self.township, scheme=self.scheme, day=timezone.localdate())
        self.months_back = itertools.count(2)  # past months closed so far, going back (last month is left open)
        self.days_back = itertools.count(0)  # distinct days back from the end of last month
        self.cadres = 0

    def compute(self, period=None):
        services.compute(period or self.period, actor=self.township)

    def score(self, key="leader", period=None):
        return Score.objects.get(period=period or self.period, cadre=self.world.cadres[key])

    def cadres_(self, n, compute=True):
        """`n` more grid leaders, each of a new grid of v1 (the village and the township see them)."""
        made = []
        for _ in range(n):
            self.cadres += 1
            grid = factories.GridFactory(village=self.world.places["v1"], number=100 + self.cadres)
            cadre = factories.CadreFactory(township=self.world.places["t1"], name=f"网格长{self.cadres:03d}")
            factories.post(cadre, Post.Role.GRID_LEADER, grid=grid)
            made.append(cadre)
        if compute:
            self.compute()
        return made

    def entries(self, n):
        """`n` more items about the grid-1 leader: waiting, approved, refused, answered; some with a case."""
        score = self.score()
        case = None
        for i in range(n):
            entry = services.enter(
                actor=self.village,
                score=score,
                item=self.deduct if i % 2 else self.reward,
                points=Decimal("0.5"),
                reason=f"第{i}条",
                source="superiors",
                case=case,
            )
            if i % 3 == 1:
                services.decide(actor=self.township, entry=entry, approve=True)
            elif i % 3 == 2:
                services.decide(actor=self.township, entry=entry, approve=False, note="不予采纳")
            else:
                services.answer(actor=self.world.users["leader"], entry=entry, text="已整改")

    def waiting(self, n):
        """`n` more cadres, each with an item waiting for the township's approval."""
        for cadre in self.cadres_(n):
            services.enter(
                actor=self.village,
                score=Score.objects.get(period=self.period, cadre=cadre),
                item=self.deduct,
                points=Decimal(1),
                reason="巡查不到位",
                source="masses",
            )

    def periods(self, n):
        """`n` more closed months, going back."""
        for _ in range(n):
            period = services.open_period(
                actor=self.township, scheme=self.scheme, day=month_start(next(self.months_back))
            )
            services.close(period, actor=self.township)

    def failing(self, n):
        """`n` more cadres, then three more closed months (the most recent ones yet): all under the mark."""
        self.cadres_(n, compute=False)
        # the months are closed from the oldest: the first growth takes months 6 to 4 back, the next 3 to 1
        first = 6 if self.cadres == n else 3
        for back in range(first, first - 3, -1):
            period = services.open_period(actor=self.township, scheme=self.scheme, day=month_start(back))
            services.close(period, actor=self.township)

    def last_month(self):
        return services.open_period(actor=self.township, scheme=self.scheme, day=month_start(1))

    def records(self, n):
        """`n` more of each record behind last month's automatic items: households of grid 1 (every
        other one visited), patrols, daily work logs of the grid-1 leader, village meetings."""
        w = self.world
        leader, secretary = w.cadres["leader"], w.cadres["village"]
        end = month_start(0) - DAY
        registered = timezone.make_aware(datetime.datetime.combine(month_start(1) - 40 * DAY, datetime.time(9)))
        for i in range(n):
            day = end - next(self.days_back) * DAY
            while day.weekday() >= 5:  # daily logs are required on working days only
                day = end - next(self.days_back) * DAY
            household = factories.HouseholdFactory(group=w.places["g1b" if i % 2 else "g1a"], responsible_cadre=leader)
            Household.objects.filter(pk=household.pk).update(created_at=registered)
            if i % 2:
                visit = Visit(
                    household=household, visitor=leader, visited_on=day, kind=Kind.ROUTINE, recorded_by=leader.user
                )
                visit.place_in_group(household.group)
                visit.save()
            Patrol.objects.create(
                township=w.places["t1"],
                village=w.places["v1"],
                grid=w.places["G1"],
                patroller=leader,
                patrolled_on=day,
                started_at=datetime.time(8),
                ended_at=datetime.time(9),
                area=f"第{i}段",
                recorded_by=leader.user,
            )
            WorkLog.objects.create(
                township=w.places["t1"],
                village=w.places["v1"],
                grid=w.places["G1"],
                author=leader,
                period=WorkLog.Period.DAY,
                starts_on=day,
                text="日志",
                # submitted that evening (a log written later is not the day's work)
                submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(20))) if i % 3 else None,
                recorded_by=leader.user,
            )
            meeting = Meeting.objects.create(  # a week earlier: inside the month's whole weeks
                township=w.places["t1"],
                village=w.places["v1"],
                held_on=day - 7 * DAY,
                agenda="例会",
                recorded_by=secretary.user,
            )
            meeting.attendees.set([secretary, leader] if i % 2 else [leader])
        self.compute(self.last_month())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    return len(captured)


def evidence_url(grower, metric, key="leader"):
    score = grower.score(key, grower.last_month())
    item = score.period.version.items.get(metric=metric)
    return reverse("assessments:evidence", args=[score.pk, item.pk])


# page: (who, how the data grows, the URL once grown)
PAGES = {
    "overview": ("township", "cadres_", lambda g: g.period.get_absolute_url()),
    "overview_village": ("village", "cadres_", lambda g: g.period.get_absolute_url()),
    "overview_sorted": ("township", "cadres_", lambda g: g.period.get_absolute_url() + f"?sort=-item_{g.deduct.pk}"),
    "overview_xlsx": ("township", "cadres_", lambda g: g.period.get_absolute_url() + "?_export=xlsx"),
    "score_card": ("leader", "entries", lambda g: g.score().get_absolute_url()),
    "score_card_township": ("township", "entries", lambda g: g.score().get_absolute_url()),
    "score_card_village": ("village", "entries", lambda g: g.score().get_absolute_url()),
    "score_card_history": ("leader", "periods", lambda g: g.score().get_absolute_url()),
    "mine": ("leader", "periods", lambda g: reverse("assessments:mine")),
    "scheme": ("township", "periods", lambda g: g.scheme.get_absolute_url()),
    "scheme_cadres": ("township", "cadres_", lambda g: g.scheme.get_absolute_url()),
    "index": ("township", "periods", lambda g: reverse("assessments:index")),
    "pending": ("township", "waiting", lambda g: reverse("assessments:pending")),
    "failing": ("township", "failing", lambda g: reverse("assessments:failing", args=[g.scheme.pk])),
    "evidence_households": ("township", "records", lambda g: evidence_url(g, "visit_coverage")),
    "evidence_patrols": ("township", "records", lambda g: evidence_url(g, "patrol_days")),
    "evidence_work_logs": ("leader", "records", lambda g: evidence_url(g, "work_logs")),
    "evidence_meetings": ("village", "records", lambda g: evidence_url(g, "meeting_attendance", "village")),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_with_few_and_many_rows(world, login, page):
    user, grow, url_of = PAGES[page]
    grower = Grower(world)
    client = login(world.users[user])
    getattr(grower, grow)(SMALL)
    url = url_of(grower)
    client.get(url)  # warm the per-process caches (content types, translations)
    small = count_queries(client, url)

    getattr(grower, grow)(LARGE - SMALL)
    url = url_of(grower)
    large = count_queries(client, url)

    assert large == small, f"{page}: {small} queries with {SMALL} rows, {large} with {LARGE}"


def test_the_pages_show_the_rows_they_are_counted_on(world, login):
    """The counts above are taken on pages that list the rows, not on empty ones."""
    grower = Grower(world)
    for grow in ("cadres_", "entries", "periods", "waiting", "records"):
        getattr(grower, grow)(SMALL)
    township = login(world.users["township"])

    overview = township.get(grower.period.get_absolute_url())
    assert len(overview.context["table"].rows) == Score.objects.filter(period=grower.period).count() > 2 * SMALL
    card = township.get(grower.score().get_absolute_url())
    assert len(card.context["entries"]) == Entry.objects.filter(score=grower.score()).count() == SMALL
    assert len(card.context["history"]) == SMALL + 2  # this month, last month and the closed ones
    assert len(township.get(reverse("assessments:pending")).context["entries"]) == SMALL + sum(
        1 for entry in card.context["entries"] if entry.status == "pending"
    )
    for metric in ("visit_coverage", "patrol_days", "work_logs"):
        rows = township.get(evidence_url(grower, metric)).context["rows"]
        assert sum(1 for row in rows if row["ok"]) >= SMALL // 2, metric
    rows = township.get(evidence_url(grower, "meeting_attendance", "village")).context["rows"]
    assert any(row["ok"] for row in rows)
    # the same test client, signed in as the leader now
    assert len(login(world.users["leader"]).get(reverse("assessments:mine")).context["scores"]) == SMALL + 2


def test_the_failing_list_is_counted_on_the_cadres_failing(world, login):
    grower = Grower(world)
    grower.failing(SMALL)
    response = login(world.users["township"]).get(reverse("assessments:failing", args=[grower.scheme.pk]))
    failing = response.context["failing"]
    assert len(failing) >= SMALL
    assert all(streak == 3 for _cadre, streak, _history in failing)
