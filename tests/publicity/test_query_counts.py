"""The prints' pages cost the same number of queries with few households as with many: the township's
list of bulletins (with more grids too), a grid's contact cards and its letters, and the bulletin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publicity import content, services
from tests import factories
from villages.models import Post

SMALL, LARGE = 10, 40


def count_queries(client, url):
    """The queries of a request, after one that warms up (the session, the wording made on first use)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def grow(world, n):
    """`n` more households in G1, each with a resident, a responsible cadre and (half) a representative."""
    rep = world.cadres["representative"]
    for i in range(n):
        household = factories.HouseholdFactory(
            group=world.places["g1a" if i % 2 else "g1b"],
            responsible_cadre=world.cadres["member"],
            contact_representative=rep if i % 2 else None,
        )
        factories.ResidentFactory(household=household)


def grids(world, n, start):
    """`n` more grids of v1, each with a leader, a member, a group and a printed bulletin."""
    for number in range(start, start + n):
        grid = factories.GridFactory(village=world.places["v1"], number=number)
        factories.VillagerGroupFactory(grid=grid, village=grid.village, number=number)
        for role in (Post.Role.GRID_LEADER, Post.Role.GRID_MEMBER):
            factories.post(factories.CadreFactory(township=world.places["t1"]), role, grid=grid)
        services.record_print(content.board(grid), "A3", world.users["township"])


URLS = {
    "cards": lambda w: reverse("publicity:cards", args=["grids", w.places["G1"].pk]),
    "letters": lambda w: reverse("publicity:letters", args=["grids", w.places["G1"].pk]),
    "village cards": lambda w: reverse("publicity:cards", args=["villages", w.places["v1"].pk]),
    "bulletin": lambda w: reverse("publicity:bulletin", args=[w.places["G1"].pk]),
    "boards": lambda w: reverse("publicity:boards", args=[w.places["t1"].pk]),
}


@pytest.mark.parametrize("persona", ["township", "representative"])
@pytest.mark.parametrize("page", list(URLS))
def test_a_page_costs_the_same_for_more_households(world, login, page, persona):
    client = login(world.users[persona])
    url = URLS[page](world)
    grow(world, SMALL)
    small = count_queries(client, url)
    grow(world, LARGE - SMALL)
    large = count_queries(client, url)
    assert large == small, f"{page}: {small} queries for {SMALL} households, {large} for {LARGE}"


def test_the_boards_cost_the_same_for_more_grids(world, login):
    client = login(world.users["township"])
    url = URLS["boards"](world)
    grids(world, 2, start=10)
    small = count_queries(client, url)
    grids(world, 8, start=20)
    large = count_queries(client, url)
    assert large == small, f"{small} queries for 5 grids, {large} for 13"
    assert small <= 20
