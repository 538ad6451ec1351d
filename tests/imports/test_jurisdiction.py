"""An import changes only the groups its user may edit: a village secretary's roster that names
another village's people is refused on those rows, and nothing at all is written."""

import datetime

import pytest

from villages import identity
from villages.models import Household, Resident

from .rosters import FIRST_ROW, person, preview, roster_file
from .rosters import commit as commit_file


def number(day, sequence):
    return identity.make_id_number("350521", datetime.date(1980, 3, day), sequence)


def rows():
    return [
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑章木", number(1, 11), "户主"),
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "林秀英", number(2, 22), "配偶"),
        person("郑荣村", "第二网格", "第3组", "郑荣村30号", "郑忠兴", "郑忠兴", number(3, 33), "户主"),
        person("跃进村", "第一网格", "第1组", "跃进村2号", "王建国", "王建国", number(4, 44), "户主"),
        person("跃进村", "第一网格", "第1组", "跃进村2号", "王建国", "王小国", number(5, 55), "子"),
    ]


@pytest.mark.django_db
def test_a_village_secretary_may_not_import_people_of_another_village(places):
    households, residents = Household.objects.count(), Resident.objects.count()
    outcome = commit_file(places, places.secretary, *roster_file("xlsx", rows()))
    assert [(p.row, p.letter, p.header, p.message) for p in outcome.problems] == [
        (FIRST_ROW + 3, "D", "村民小组", "You may not change the registry of 跃进村 第1组."),
        (FIRST_ROW + 4, "D", "村民小组", "You may not change the registry of 跃进村 第1组."),
    ]
    assert outcome.problem_count == 2
    assert (Household.objects.count(), Resident.objects.count()) == (households, residents)


@pytest.mark.django_db
def test_a_grid_leader_may_not_import_people_of_another_grid(places):
    outcome = preview(places, places.leader, *roster_file("utf-8", rows()))
    assert sorted((p.row, p.message) for p in outcome.problems) == [
        (FIRST_ROW + 2, "You may not change the registry of 郑荣村 第3组."),
        (FIRST_ROW + 3, "You may not change the registry of 跃进村 第1组."),
        (FIRST_ROW + 4, "You may not change the registry of 跃进村 第1组."),
    ]


@pytest.mark.django_db
def test_the_township_s_staff_import_every_village_of_the_township(places):
    outcome = commit_file(places, places.staff, *roster_file("xlsx", rows()))
    assert outcome.problems == []
    assert (outcome.households_new, outcome.residents_new) == (3, 5)
    assert Household.objects.filter(village=places.yuejin, head_name="王建国").exists()
