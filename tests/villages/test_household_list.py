"""The household list: search, filters, jurisdiction, and the query counts of every registry page."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from villages import identity
from villages.models import CareCategory, Household, Post

Role = Post.Role
LIST = reverse("villages:household_list")


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


def listed(response):
    """Head names of the households on the page, as the table renders them."""
    assert response.status_code == 200
    return [row.record.head_name for row in response.context["table"].page.object_list]


def search(client, **params):
    return listed(client.get(LIST, params))


def person(household, name, *, sequence=None, id_number=None, **fields):
    if id_number is None:
        id_number = (
            identity.make_id_number("350104", datetime.date(1970, 5, 5), sequence)
            if sequence is not None
            else factories.next_id_number()
        )
    return factories.ResidentFactory(household=household, name=name, id_number=id_number, **fields)


def with_last4(last4, *, avoid):
    """An ID number ending in `last4` whose birth date differs from `avoid`'s (same tail, another person)."""
    sequence = int(last4[:3])
    for day in range(1, 4000):
        number = identity.make_id_number("350104", datetime.date(1960, 1, 1) + datetime.timedelta(day), sequence)
        if number.endswith(last4) and number != avoid:
            return number
    raise AssertionError("no date gives that check digit")


@pytest.fixture
def people(world):
    """A few households with names worth searching for, in the leader's grid and in the neighbour's."""
    g1a, g1b, g2 = world.places["g1a"], world.places["g1b"], world.places["g2"]
    wang = factories.HouseholdFactory(group=g1a, head_name="王大明", phone="13905918877")
    wang_head = person(wang, "王大明", relation="head", sequence=517)
    person(wang, "陈小红", relation="spouse", sequence=518)
    zheng = factories.HouseholdFactory(group=g1b, head_name="郑章木", phone="13600000001")
    person(zheng, "郑章木", relation="head", sequence=302)
    # the neighbour's grid has the same names, the same phone tail and the same last four ID digits
    twin = factories.HouseholdFactory(group=g2, head_name="王大明隔壁", phone="13705918877")
    person(twin, "王大明隔壁", relation="head", id_number=with_last4(wang_head.id_last4, avoid=wang_head.id_number))
    person(twin, "陈小红隔壁", relation="child")
    return {"wang": wang, "zheng": zheng, "twin": twin}


# --- search -------------------------------------------------------------------------------------


def test_without_a_search_the_leader_sees_the_households_of_the_grid(world, leader, people):
    names = search(leader)

    assert set(names) == {"户主g1a", "户主g1b", "户主其他", "王大明", "郑章木"}


def test_search_by_a_substring_of_the_head_name(leader, people):
    assert search(leader, q="大明") == ["王大明"]


def test_search_by_a_substring_of_any_residents_name(leader, people):
    assert search(leader, q="小红") == ["王大明"]


def test_search_by_pinyin_initials_of_the_head(leader, people):
    assert search(leader, q="zzm") == ["郑章木"]
    assert search(leader, q="wdm") == ["王大明"]


def test_search_by_pinyin_initials_of_a_resident(leader, people):
    assert search(leader, q="cxh") == ["王大明"]


def test_pinyin_search_is_not_case_sensitive(leader, people):
    assert search(leader, q="ZZM") == ["郑章木"]


def test_search_by_full_pinyin_prefix(leader, people):
    assert search(leader, q="zhengzhang") == ["郑章木"]


def test_search_by_the_last_four_digits_of_a_residents_id_number(leader, people):
    spouse = people["wang"].residents.get(name="陈小红")

    assert search(leader, q=spouse.id_last4) == ["王大明"]


def test_search_by_the_last_four_of_an_id_number_ending_in_x(world, leader):
    household = factories.HouseholdFactory(group=world.places["g1b"], head_name="林晓")
    number = next(
        n
        for n in (identity.make_id_number("350104", datetime.date(1988, 8, 8), s) for s in range(1000))
        if n.endswith("X")
    )
    person(household, "林晓", relation="head", id_number=number)

    assert search(leader, q=number[-4:].lower()) == ["林晓"]


def test_search_by_the_tail_of_the_phone_number(leader, people):
    assert search(leader, q="918877") == ["王大明"]
    assert search(leader, q="13905918877") == ["王大明"]


def test_a_search_that_matches_nothing_says_so(leader, people):
    response = leader.get(LIST, {"q": "不存在的人"})

    assert listed(response) == []
    assert "No household matches." in response.content.decode()


@pytest.mark.parametrize("q", ["大明", "小红", "wdm", "cxh", "918877", "隔壁"])
def test_a_matching_household_of_the_neighbours_grid_never_appears(leader, people, q):
    response = leader.get(LIST, {"q": q})

    assert "王大明隔壁" not in listed(response)
    assert "王大明隔壁" not in response.content.decode()
    assert "陈小红隔壁" not in response.content.decode()


def test_the_same_id_tail_in_the_neighbours_grid_is_not_shown(leader, people):
    head = people["wang"].residents.get(relation="head")
    assert people["twin"].residents.get(relation="head").id_last4 == head.id_last4

    response = leader.get(LIST, {"q": head.id_last4})

    assert listed(response) == ["王大明"]
    assert "王大明隔壁" not in response.content.decode()


def test_township_staff_find_households_in_every_grid_of_their_township(world, login, people):
    client = login(world.users["township"])

    assert sorted(search(client, q="大明")) == ["王大明", "王大明隔壁"]


def test_another_township_finds_none_of_them(world, login, people):
    client = login(world.users["other_township"])

    assert search(client, q="大明") == []
    assert search(client) == ["户主h1"]


# --- filters ------------------------------------------------------------------------------------


def test_filter_by_grid(world, login, people):
    client = login(world.users["township"])

    assert set(search(client, grid=world.places["G2"].pk)) == {"户主g2", "王大明隔壁"}
    assert set(search(client, grid=world.places["G3"].pk)) == {"户主g3"}


def test_filter_by_group(world, leader, people):
    assert set(search(leader, group=world.places["g1b"].pk)) == {"户主g1b", "郑章木"}


def test_filter_by_category(world, leader, people):
    elderly = CareCategory.objects.get(code=CareCategory.Code.ELDERLY_ALONE)
    people["zheng"].categories.add(elderly)
    people["twin"].categories.add(elderly)

    assert search(leader, category=elderly.pk) == ["郑章木"]


def test_filters_combine_with_the_search(world, leader, people):
    assert search(leader, q="zzm", group=world.places["g1a"].pk) == []
    assert search(leader, q="zzm", group=world.places["g1b"].pk) == ["郑章木"]


def test_filtering_by_a_grid_outside_the_jurisdiction_shows_nothing_of_it(world, leader, people):
    response = leader.get(LIST, {"grid": world.places["G2"].pk})

    assert "王大明隔壁" not in response.content.decode()
    assert "户主g2" not in response.content.decode()


# --- query counts -------------------------------------------------------------------------------

_roles = itertools.cycle(
    [
        ("grid_member", "G1"),
        ("representative", "g1a"),
        ("committee_member", "v1"),
        ("township_staff", "t1"),
        ("department_officer", "t1"),
    ]
)


def grow(world, households):
    """Add households to the leader's grid, each with residents and categories, and a cadre for every five."""
    categories = list(CareCategory.objects.order_by("pk"))
    representative = world.cadres["representative"]
    for i in range(households):
        group = world.places["g1a" if i % 2 else "g1b"]
        household = factories.HouseholdFactory(
            group=group,
            responsible_cadre=world.cadres["leader"],
            contact_representative=representative if i % 3 == 0 else None,
        )
        household.categories.set([categories[i % len(categories)], categories[(i + 3) % len(categories)]])
        factories.ResidentFactory(household=household, relation="head")
        child = factories.ResidentFactory(household=household)
        child.categories.set([categories[(i + 1) % len(categories)]])
        factories.ResidentFactory(household=household, relation="spouse")
        if i % 5 == 0:
            role, node = next(_roles)
            cadre = factories.CadreFactory(township=world.places["t1"])
            place = world.places[node]
            kind = {"G1": "grid", "g1a": "group", "v1": "village", "t1": "township"}[node]
            extra = {"department": "农业办"} if role == "department_officer" else {}
            factories.post(cadre, role, **{kind: place}, **extra)


def in_scope(world):
    return Household.objects.filter(grid=world.places["G1"]).count()


def queries(client, url):
    client.get(url)  # warm per-process caches (content types, translations) before counting
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def pages(world):
    p = world.places
    return {
        "household list": reverse("villages:household_list"),
        "household list, searched": reverse("villages:household_list") + "?q=zh",
        "household list, filtered": reverse("villages:household_list") + f"?group={p['g1a'].pk}",
        "group": reverse("villages:group", args=[p["g1a"].pk]),
        "village": reverse("villages:village", args=[p["v1"].pk]),
        "grid": reverse("villages:grid", args=[p["G1"].pk]),
        "township": reverse("villages:township", args=[p["t1"].pk]),
        "home": reverse("home"),
        "cadre directory": reverse("villages:cadre_list"),
    }


@pytest.mark.parametrize("persona", ["leader", "township"])
@pytest.mark.parametrize(
    "page",
    [
        "household list",
        "household list, searched",
        "household list, filtered",
        "group",
        "village",
        "grid",
        "township",
        "home",
        "cadre directory",
    ],
)
def test_a_page_costs_the_same_queries_at_ten_and_at_a_hundred_households(world, login, persona, page):
    client = login(world.users[persona])
    url = pages(world)[page]

    grow(world, 10 - in_scope(world))
    assert in_scope(world) == 10
    small = queries(client, url)

    grow(world, 90)
    assert in_scope(world) == 100
    large = queries(client, url)

    assert large == small, f"{page}: {small} queries with 10 households, {large} with 100"


def test_the_household_list_query_count_is_pinned(world, leader):
    grow(world, 30)

    # session, user, the user's posts (jurisdiction); the paginator's count; the filter's choices
    # (villages, grids, groups, categories); the page of rows and their categories (one prefetch);
    # the session written back (savepoint, update, release); the page frame's case alerts (one query:
    # unread notifications, and waiting emergencies for the township centre).
    assert queries(leader, LIST) == 14


def test_the_township_page_lists_only_township_posts(world, login):
    # grid and group posts carry no village (factories.post and demo.py place them by grid/group only)
    response = login(world.users["township"]).get(reverse("villages:township", args=[world.places["t1"].pk]))

    roles = {post.role for post in response.context["posts"]}
    assert roles == {Role.TOWNSHIP_STAFF, Role.DEPARTMENT_OFFICER}


def test_the_household_list_renders_a_thousand_households_a_page_at_a_time(world, leader):
    groups = [world.places["g1a"], world.places["g1b"]]
    households = factories.HouseholdFactory.build_batch(1000)
    for i, household in enumerate(households):
        household.place_in_group(groups[i % 2])
        household.head_pinyin = f"zhang{i:04d}"
        household.head_initials = "z"
    Household.objects.bulk_create(households, batch_size=500)
    assert in_scope(world) == 1003

    response = leader.get(LIST)

    assert response.status_code == 200
    table = response.context["table"]
    assert len(table.page.object_list) == 25
    assert table.page.paginator.count == 1003
    assert response.content.decode().count('href="/households/') >= 25

    last = leader.get(LIST, {"page": table.page.paginator.num_pages})
    assert last.status_code == 200
    assert len(last.context["table"].page.object_list) == 1003 % 25
