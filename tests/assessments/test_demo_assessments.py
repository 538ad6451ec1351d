"""The demo township's assessment (assessments/demo.py, built by `manage.py seed_demo`): the seed's
two schemes, three months closed and the current one open, scored from the demo's own field work
and cases — and the issue's check that a cadre seeded to fail three months running is on the
long-term-failure list, with nobody else on it."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Entry, Line, Period, Scheme, Score
from villages import demo
from villages.models import Post, Township

pytestmark = pytest.mark.django_db

SMALL = 400
Role = Post.Role


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True  # the command refuses to run with DEBUG off


@pytest.fixture
def township():
    call_command("seed_demo", households=SMALL, stdout=io.StringIO())
    return Township.objects.get(name=demo.TOWNSHIP["name"])


def user(username):
    return get_user_model().objects.get(username=username)


def ledger(period):
    return sorted(
        Line.objects.filter(score__period=period).values_list(
            "score__cadre__name", "item__position", "value", "counted", "out_of", "points", "assessed"
        )
    )


def test_two_schemes_three_closed_months_the_current_one_open_and_the_failing_cadre_listed(township):
    today = timezone.localdate()
    month = today.replace(day=1)
    for scheme in Scheme.objects.filter(township=township):
        periods = list(scheme.periods.order_by("starts_on"))
        assert [p.status for p in periods] == ["closed"] * 3 + ["open"]
        assert periods[-1].starts_on == month
        assert periods[0].starts_on == (month - datetime.timedelta(days=80)).replace(day=1)
        assert all(p.scores.exists() for p in periods)
    grid_scheme = Scheme.objects.get(township=township, roles=[Role.GRID_LEADER])
    assert grid_scheme.versions.first().total == 100
    village_scheme = Scheme.objects.exclude(pk=grid_scheme.pk).get(township=township)
    assert village_scheme.versions.first().total == 1000
    # every grid leader of the township is scored, once a period
    leaders = Post.objects.current().filter(township=township, role=Role.GRID_LEADER).count()
    assert all(p.scores.count() == leaders for p in grid_scheme.periods.all())

    # The cadre seeded to fail three months running is on the long-term-failure list, alone.
    scheme = grid_scheme
    failing = selectors.long_term_failures(scheme, user("huangzhiqiang"))
    assert [(cadre.name, streak) for cadre, streak, _history in failing] == [(demo.ZHENG_RONG.grids[1].leader, 3)]
    _cadre, _streak, history = failing[0]
    assert all(not score.passed for score in history)
    # the page says it, to the township
    client_page = selectors.long_term_failures(scheme, user("zhengzhangmu"))
    assert client_page == []  # a grid leader sees only their own history, and he passes


def test_the_open_month_waits_on_a_complaint_computes_the_same_twice_and_is_not_seeded_twice(township):
    open_period = Period.objects.get(scheme__township=township, scheme__roles=[Role.GRID_LEADER], status="open")
    pending = Entry.objects.get(score__period=open_period, status=Entry.Status.PENDING)
    assert pending.score.cadre.name == demo.ZHENG_RONG.grids[1].leader
    assert pending.answer
    assert services.may_decide(user("linyaqin"), pending)
    assert not services.may_decide(user("zhengwenhua"), pending)  # he entered it

    period = open_period
    before = (
        ledger(period),
        sorted(Score.objects.filter(period=period).values_list("cadre_id", "total", "rank_township")),
    )
    services.compute(period)
    after = (
        ledger(period),
        sorted(Score.objects.filter(period=period).values_list("cadre_id", "total", "rank_township")),
    )
    assert after == before

    counts = Scheme.objects.count(), Period.objects.count(), Score.objects.count(), Entry.objects.count()
    call_command("seed_demo", households=SMALL, stdout=io.StringIO())
    assert (Scheme.objects.count(), Period.objects.count(), Score.objects.count(), Entry.objects.count()) == counts
