"""What a damaged or unusual roster must not do: break the import with a database error (a NUL
from a damaged file, a long name whose pinyin is longer than its column), make the check and the
import disagree, or show a clerk what is outside their places (another village's household, an ID
number of the wrong length in full)."""

import datetime

import pytest

from imports import engine
from tests import factories
from villages import identity
from villages.models import Household, Resident

from .rosters import FIRST_ROW, commit, person, preview, roster_file

HEAD = identity.make_id_number("350521", datetime.date(1968, 4, 12), 131)
WIFE = identity.make_id_number("350521", datetime.date(1970, 2, 3), 242)
SON = identity.make_id_number("350521", datetime.date(1999, 7, 7), 357)


def row(name, id_number, relation, *, head="郑章木", address="郑荣村1号", phone=""):
    return person("郑荣村", "第一网格", "第1组", address, head, name, id_number, relation, phone)


def after_4k(rows):
    """The rows below 80 households of one head each: past the first 4 KB a CSV's encoding and
    binary check read, where a damaged file's NUL is met only row by row."""
    filler = [
        row(
            f"郑{i}",
            identity.make_id_number("350521", datetime.date(1950, 1, 1), i),
            "户主",
            head=f"郑{i}",
            address=f"{i}号",
        )
        for i in range(100, 180)
    ]
    return filler + rows


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # openpyxl writes no control character: CSV only
def test_control_characters_of_a_damaged_file_are_dropped_from_the_cells(places, encoding):
    rows = after_4k([row("郑章木", HEAD, "户主", address="郑荣村\x001号", head="郑章\x07木")])
    outcome = commit(places, places.staff, *roster_file(encoding, rows))
    assert outcome.clean, outcome.problems
    assert Household.objects.get(head_name="郑章木").address == "郑荣村1号"


@pytest.mark.django_db
def test_a_nul_in_an_id_number_is_dropped_before_the_number_is_checked(places):
    rows = after_4k([row("郑章木", HEAD[:9] + "\x00" + HEAD[9:], "户主")])
    outcome = commit(places, places.staff, *roster_file("utf-8", rows))
    assert outcome.clean, outcome.problems
    assert Resident.objects.get(name="郑章木").id_number == HEAD


@pytest.mark.django_db
def test_a_long_name_is_imported_with_its_pinyin_cut_to_the_column(places):
    long_name = "庄" * 40  # 240 letters of pinyin, the column holds 200
    rows = [row(long_name, HEAD, "户主", head=long_name), row("庄" * 45, SON, "子", head=long_name)]
    assert preview(places, places.staff, *roster_file("xlsx", rows)).clean
    outcome = commit(places, places.staff, *roster_file("xlsx", rows))
    assert outcome.clean, outcome.problems
    household = Household.objects.get(head_name=long_name)
    assert household.head_pinyin == ("zhuang" * 40)[:200]
    assert Resident.objects.get(id_number=SON).name_initials == "z" * 45


@pytest.mark.django_db
def test_a_registered_household_without_people_given_two_heads_in_two_batches_is_refused_by_the_check_too(
    places, monkeypatch
):
    monkeypatch.setattr(engine, "BATCH", 1)  # each row its own batch
    factories.HouseholdFactory(group=places.groups[1], head_name="郑章木", address="郑荣村1号")
    rows = [row("郑章木", HEAD, "户主"), row("郑章木", WIFE, "户主")]
    checked = preview(places, places.staff, *roster_file("utf-8", rows))
    imported = commit(places, places.staff, *roster_file("utf-8", rows))
    assert [(p.row, p.message) for p in checked.problems] == [(p.row, p.message) for p in imported.problems]
    assert [p.row for p in checked.problems] == [FIRST_ROW + 1]


@pytest.mark.django_db
def test_a_person_registered_outside_the_user_s_places_is_refused_without_naming_their_household(places):
    hidden = factories.HouseholdFactory(group=places.yuejin_group, head_name="白秀兰", address="跃进村9号")
    elsewhere = factories.ResidentFactory(household=hidden, name="白秀兰", relation=Resident.Relation.HEAD)
    rows = [row("郑章木", HEAD, "户主"), row("白秀兰", elsewhere.id_number, "配偶")]
    outcome = preview(places, places.secretary, *roster_file("xlsx", rows))
    (problem,) = outcome.problems
    assert problem.message == (
        "This person is registered in a household outside the places you hold. Ask the township to move them, "
        "or correct the row."
    )
    assert "白秀兰" not in problem.message and "跃进村9号" not in problem.message
    # The township's staff hold both villages: told where the person is.
    (problem,) = preview(places, places.staff, *roster_file("xlsx", rows)).problems
    assert "白秀兰 (跃进村9号)" in problem.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (SON[:17], SON[:6] + "*" * 7 + SON[13:17]),  # a digit short
        (SON + "1", SON[:6] + "*" * 9 + SON[-3:] + "1"),  # one too many
        ("350521990707357", "350521*****7357"),  # a first-generation number of 15 digits
        ("3505", "****"),
    ],
)
def test_an_id_number_of_the_wrong_length_is_never_shown_whole(places, written, shown):
    rows = [row("郑章木", HEAD, "户主"), row("郑小明", written, "子")]
    outcome = preview(places, places.staff, *roster_file("xlsx", rows))
    assert [(p.header, p.value) for p in outcome.problems] == [("身份证号码", shown)]


def test_a_first_generation_id_number_in_free_text_is_masked():
    assert identity.mask_id_numbers_in("旧证 350521990707357 已换") == "旧证 350521*****7357 已换"
    assert identity.mask_id_numbers_in("电话 0595-23456789") == "电话 0595-23456789"


@pytest.mark.django_db
def test_a_head_s_row_refused_for_a_cell_is_one_problem_not_also_a_household_without_a_head(places):
    rows = [row("郑章木", HEAD, "户主", phone="=1+1"), row("林秀英", WIFE, "配偶")]
    outcome = preview(places, places.staff, *roster_file("xlsx", rows))
    assert [(p.row, p.header) for p in outcome.problems] == [(FIRST_ROW, "手机号码")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["utf-8", "xlsx"])
def test_the_apostrophe_an_export_puts_before_a_leading_minus_is_taken_off(places, kind):
    rows = [row("郑章木", HEAD, "户主", address="'-3号", phone="'+8613905951234")]
    outcome = commit(places, places.staff, *roster_file(kind, rows))
    assert outcome.clean, outcome.problems
    household = Household.objects.get(head_name="郑章木")
    assert (household.address, household.phone) == ("-3号", "13905951234")
