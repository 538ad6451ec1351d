"""A villager group is found by its exact name or by the number its name says, written as a
roster writes it: 第3组, 3组, 三组, 第十二村民小组."""

import datetime

import pytest

from imports import engine
from villages import identity
from villages.models import Household

from .rosters import commit as commit_file
from .rosters import person, preview, roster_file


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("第3组", 3),
        ("3组", 3),
        ("三组", 3),
        ("第三组", 3),
        ("3", 3),
        ("第十二村民小组", 12),
        ("十二组", 12),
        ("第十组", 10),
        ("二十组", 20),
        ("二十三组", 23),
        ("第3村民小组", 3),
        ("第5社", 5),
        ("7队", 7),
    ],
)
def test_a_group_s_number_is_read_from_how_rosters_write_it(text, number):
    assert engine.group_number(text) == number


@pytest.mark.parametrize("text", ["东风组", "", "第组", "组3", "3号", "第一网格"])
def test_a_name_that_says_no_number_gives_none(text):
    assert engine.group_number(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "group", "grid"),
    [
        ("第3组", 3, "second"),
        ("3组", 3, "second"),
        ("三组", 3, "second"),
        ("第十二村民小组", 12, "second"),
        ("１组", 1, "first"),
    ],
)
def test_a_group_written_by_its_number_is_the_village_s_group_of_that_number(places, written, group, grid):
    id_number = identity.make_id_number("350521", datetime.date(1982, 2, 2), 77)
    row = person("郑荣村", "", written, "郑荣村5号", "郑章木", "郑章木", id_number, "户主")
    outcome = commit_file(places, places.staff, *roster_file("utf-8", [row]))
    assert outcome.problems == []
    household = Household.objects.get(head_name="郑章木")
    assert (household.group, household.grid) == (places.groups[group], getattr(places, grid))


@pytest.mark.django_db
def test_a_group_number_is_looked_for_in_the_row_s_own_village_only(places):
    id_number = identity.make_id_number("350521", datetime.date(1982, 2, 2), 77)
    row = person("跃进村", "", "三组", "跃进村5号", "王建国", "王建国", id_number, "户主")
    outcome = preview(places, places.staff, *roster_file("utf-8", [row]))
    assert [p.message for p in outcome.problems] == ["跃进村 has no villager group “三组”."]


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["第二网格", "2", "第2网格", "2网格"])
def test_a_grid_written_by_its_number_is_the_village_s_grid_of_that_number(places, written):
    """The registry names the grid 第二网格; a roster may write its number in figures."""
    id_number = identity.make_id_number("350521", datetime.date(1982, 2, 2), 77)
    row = person("郑荣村", written, "第3组", "郑荣村5号", "郑章木", "郑章木", id_number, "户主")
    outcome = preview(places, places.staff, *roster_file("utf-8", [row]))
    assert [(p.letter, p.message) for p in outcome.problems] == []
    assert outcome.households_new == 1
