"""A roster is written whole or not at all: one wrong row among thousands, found after the first
batch has gone to the database, leaves the registry as it was; a clean one of the same size is
written whole (COPY on PostgreSQL, bulk_create on SQLite)."""

import datetime

import pytest

from imports import engine
from villages import identity
from villages.models import Household, Resident

from .rosters import FIRST_ROW, person, roster_file
from .rosters import commit as commit_file

HOUSEHOLDS = 650  # four people each: 2,600 rows, more than one batch
SIZE = 4
GIVEN = "伟芳娜敏静丽强磊军洋"


def big_roster():
    """2,600 rows of valid people: 650 households of a head, a spouse and two children."""
    rows = []
    for n in range(HOUSEHOLDS):
        group = ("第1组", "第2组", "三组", "第十二村民小组")[n % 4]
        grid = "第一网格" if group in ("第1组", "第2组") else "第二网格"
        head = "郑" + GIVEN[n % 10] + "一二三四五六七八九十"[n // 10 % 10] + "甲乙丙丁戊己庚辛壬癸"[n // 100]
        address = f"郑荣村{n + 1}号"
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=n)
        for k, (name, relation) in enumerate(
            [(head, "户主"), (head + "妻", "配偶"), (head + "子", "子"), (head + "女", "女")]
        ):
            number = identity.make_id_number("350521", born.replace(year=born.year + 20 * min(k, 2)), n * SIZE + k)
            phone = f"139{n * SIZE + k:08d}" if k < 2 else ""
            rows.append(person("郑荣村", grid, group, address, head, name, number, relation, phone))
    return rows


def test_the_big_roster_is_bigger_than_one_batch():
    rows = big_roster()
    assert len(rows) > engine.BATCH + 500
    assert len({row[6] for row in rows}) == len(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "utf-8"])
def test_a_clean_roster_of_thousands_of_rows_is_written_whole(places, kind):
    households, residents = Household.objects.count(), Resident.objects.count()
    outcome = commit_file(places, places.staff, *roster_file(kind, big_roster()))
    assert outcome.problems == []
    assert (outcome.rows, outcome.households_new, outcome.residents_new) == (HOUSEHOLDS * SIZE, HOUSEHOLDS, 2600)
    assert Household.objects.count() == households + HOUSEHOLDS
    assert Resident.objects.count() == residents + HOUSEHOLDS * SIZE
    last = Household.objects.get(address=f"郑荣村{HOUSEHOLDS}号")  # household 649: 第2组
    assert (last.group, last.grid, last.phone) == (places.groups[2], places.first, f"139{(HOUSEHOLDS - 1) * SIZE:08d}")
    assert last.residents.count() == SIZE
    assert (
        Household.objects.filter(group=places.groups[12], grid=places.second).count() == HOUSEHOLDS // 4
    )  # 第十二村民小组


def wrong_check_digit(rows, index):
    number = rows[index][6]
    rows[index][6] = number[:17] + ("0" if number[17] != "0" else "1")
    return "does not match its check digit"


def repeated_id_number(rows, index):
    rows[index][6] = rows[5][6]  # a number from the first batch, already written when this row is read
    return f"This ID number is also on row {FIRST_ROW + 5}."


@pytest.mark.django_db
@pytest.mark.parametrize("spoil", [wrong_check_digit, repeated_id_number], ids=["check digit", "repeated"])
@pytest.mark.parametrize("kind", ["xlsx", "utf-8"])
def test_one_wrong_row_after_the_first_batch_leaves_the_registry_as_it_was(places, kind, spoil):
    rows = big_roster()
    index = len(rows) - 6  # a child of a household near the end, far beyond the first batch
    assert rows[index][7] == "子"
    message = spoil(rows, index)
    households, residents = Household.objects.count(), Resident.objects.count()
    history = (Household.history.count(), Resident.history.count())

    outcome = commit_file(places, places.staff, *roster_file(kind, rows))

    assert outcome.problem_count == 1
    (problem,) = outcome.problems
    assert (problem.row, problem.letter, problem.header) == (FIRST_ROW + index, "H", "身份证号码")
    assert message in problem.message
    assert (Household.objects.count(), Resident.objects.count()) == (households, residents)
    assert (Household.history.count(), Resident.history.count()) == history
    assert not Household.objects.filter(address="郑荣村1号").exists()  # the first batch went, and came back


@pytest.mark.django_db
def test_a_household_whose_head_comes_after_the_first_batch_gets_the_head_s_phone_and_residence(places):
    rows = big_roster()[: engine.BATCH - 4]
    numbers = [identity.make_id_number("350521", datetime.date(1960, 1, 1 + k), 901 + k) for k in range(5)]
    for k in range(4):  # the last rows of the first batch: the household's children
        rows.append(person("郑荣村", "第一网格", "第1组", "郑荣村跨批1号", "郑跨批", f"郑跨{k}", numbers[k], "子"))
    rows.append(  # the first row of the second batch: its head
        person(
            "郑荣村",
            "第一网格",
            "第1组",
            "郑荣村跨批1号",
            "郑跨批",
            "郑跨批",
            numbers[4],
            "户主",
            "13912340000",
            "流动",
        )
    )
    outcome = commit_file(places, places.staff, *roster_file("utf-8", rows))
    assert outcome.problems == []
    assert (outcome.households_new, outcome.households_updated, outcome.residents_new) == (500, 0, engine.BATCH + 1)
    household = Household.objects.get(head_name="郑跨批")
    assert (household.phone, household.residence) == ("13912340000", Household.Residence.FLOATING)
    assert household.residents.count() == 5
    assert household.residents.get(relation=Resident.Relation.HEAD).id_number == numbers[4]


@pytest.mark.parametrize("step", ["check", "commit"])
def test_a_second_head_batches_after_the_first_is_found_by_the_check_as_by_the_import(places, monkeypatch, step):
    monkeypatch.setattr(engine, "BATCH", 2)  # the household's rows fall in different batches
    born = datetime.date(1960, 5, 6)
    rows = [
        person("郑荣村", "", "第1组", "郑荣路1号", "郑甲", "郑甲", identity.make_id_number("350521", born, 1), "户主"),
        person("郑荣村", "", "第1组", "郑荣路1号", "郑甲", "郑乙", identity.make_id_number("350521", born, 2), "配偶"),
        person("郑荣村", "", "第1组", "郑荣路1号", "郑甲", "郑丙", identity.make_id_number("350521", born, 3), "子"),
        person("郑荣村", "", "第1组", "郑荣路1号", "郑甲", "郑甲", identity.make_id_number("350521", born, 4), "户主"),
    ]
    data, name = roster_file("utf-8", rows)
    run = engine.check if step == "check" else engine.commit
    from villages import roster

    outcome = run(township=places.township, actor=places.staff, table=roster.open_table(data, name))

    assert [(p.row, p.message) for p in outcome.problems] == [
        (FIRST_ROW + 3, "The household already has its head on an earlier row.")
    ]
    assert not Resident.objects.filter(name="郑乙").exists()
