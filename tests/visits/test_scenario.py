"""The issue's own check, on the demo township, as its users act: the grid leader of 郑荣村 grid 1
sees exactly grid 1's overdue households; logging a visit to one takes it off the list; the
coverage figures equal a recount from the rows; the village meeting's agenda lists the village's
overdue cases."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.forms import label
from cases.models import Case
from villages import demo
from villages.models import Grid, Household, Post
from visits import selectors
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_township(settings):
    settings.DEBUG = True  # the command refuses to run with DEBUG off
    call_command("seed_demo", households=400, stdout=io.StringIO())


def signed_in(username):
    client = Client()
    client.force_login(Post.objects.filter(cadre__user__username=username).first().cadre.user)
    return client


def listed(response):
    assert response.status_code == 200
    return {household.pk for household in response.context["table"].data.data}


def test_the_grid_leader_of_zheng_rong_grid_1_works_through_the_overdue(demo_township):
    grid = Grid.objects.get(village__name=demo.ZHENG_RONG.name, number=1)
    leader = signed_in("zhengzhangmu")
    today = timezone.localdate()

    shown = listed(leader.get(reverse("visits:due"), {"standing": "overdue"}))

    # a recount: every household of grid 1 whose last cadre visit (or registration) is older
    # than its strictest cadre interval
    tables = selectors.interval_tables()
    recount = set()
    for household in selectors.with_due(Household.objects.filter(grid=grid), cadre_only=True):
        due, _standing = selectors.explain(household, tables, today, cadre_only=True)
        if due.on < today:
            recount.add(household.pk)
    assert shown == recount and shown
    assert not Household.objects.filter(pk__in=shown).exclude(grid=grid).exists()

    first = Household.objects.get(pk=min(shown))
    response = leader.post(
        reverse("visits:create"),
        {"household": label(first), "visited_on": today.isoformat(), "kind": "routine", "met": "户主"},
    )
    assert response.status_code == 302
    assert Visit.objects.filter(household=first, visited_on=today).count() == 1
    assert listed(leader.get(reverse("visits:due"), {"standing": "overdue"})) == shown - {first.pk}


def test_the_coverage_of_grid_1_equals_a_recount(demo_township):
    grid = Grid.objects.get(village__name=demo.ZHENG_RONG.name, number=1)
    figures = signed_in("zhengzhangmu").get(reverse("visits:coverage", args=["grid", grid.pk])).context["figures"]
    today = timezone.localdate()
    tables = selectors.interval_tables()
    rows = list(selectors.with_due(Household.objects.filter(grid=grid), cadre_only=True))
    visited = set(Visit.objects.filter(household__grid=grid).values_list("household", flat=True))
    within = overdue = 0
    for household in rows:
        due, _standing = selectors.explain(household, tables, today, cadre_only=True)
        within += household.last_visit is not None and due.on >= today
        overdue += due.on < today
    assert figures["all"]["total"] == len(rows) == Household.objects.filter(grid=grid).count()
    assert figures["all"]["within"] == within
    assert figures["all"]["overdue"] == overdue
    assert figures["all"]["never"] == len(rows) - len(visited)


def test_the_meeting_agenda_lists_the_villages_overdue_cases(demo_township):
    village = Grid.objects.get(village__name=demo.ZHENG_RONG.name, number=1).village
    secretary = signed_in("zhengwenhua")
    overdue = Case.objects.filter(village=village).overdue().exclude(category="unstable")
    assert overdue.exists()
    agenda = secretary.get(reverse("visits:meeting_create", args=[village.pk])).context["form"].initial["agenda"]
    for case in overdue:
        assert case.reference in agenda.split("2.")[0]  # under "1. Overdue cases"
