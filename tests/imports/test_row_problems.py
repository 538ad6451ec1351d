"""Each wrong row is reported on its own row number and column (letter and header), as the
spreadsheet shows them, with a message that says what to do; the other rows are still checked."""

import datetime

import openpyxl
import pytest

from villages import identity
from villages.models import Household, Resident

from .rosters import FIRST_ROW, LETTER, csv_file, person, preview, roster_file, xlsx
from .rosters import commit as commit_file

HEAD = identity.make_id_number("350521", datetime.date(1968, 4, 12), 131)
SPOUSE = identity.make_id_number("350521", datetime.date(1970, 9, 30), 242)
NEW = identity.make_id_number("350521", datetime.date(1999, 7, 7), 357)
OTHER = identity.make_id_number("350521", datetime.date(1966, 6, 6), 468)
BAD_ROW = FIRST_ROW + 2  # below the household's two rows


def household():
    """A clean household on the first two rows: 郑章木 and his wife."""
    return [
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑章木", HEAD, "户主", "13905951234"),
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "林秀英", SPOUSE, "妻子"),
    ]


def member(**changes):
    """A third member of 郑章木's household, with some cells changed."""
    cells = {
        "village": "郑荣村",
        "grid": "第一网格",
        "group": "第1组",
        "address": "郑荣村1号",
        "head": "郑章木",
        "name": "郑小明",
        "id_number": NEW,
        "relation": "子",
        "phone": "",
        "residence": "",
    }
    cells.update(changes)
    return person(**cells)


def with_check_digit(number, wrong=True):
    right = identity.check_character(number)
    return number[:17] + ("0" if right != "0" else "1") if wrong else number[:17] + right


IMPOSSIBLE_DATE = "350521" + "19800230" + "123"
IMPOSSIBLE_DATE += identity.check_character(IMPOSSIBLE_DATE)

# (the bad rows below the household, given the places) → [(row, column header, part of the message)]
CASES = {
    "a wrong check digit": (
        lambda p: [member(id_number=with_check_digit(NEW))],
        [(BAD_ROW, "身份证号码", "does not match its check digit")],
    ),
    "a birth date that does not exist": (
        lambda p: [member(id_number=IMPOSSIBLE_DATE)],
        [(BAD_ROW, "身份证号码", "The birth date inside this ID number (digits 7 to 14) is not a real date.")],
    ),
    "an ID number too short": (
        lambda p: [member(id_number=NEW[:17])],
        [(BAD_ROW, "身份证号码", "A resident ID number has 18 characters")],
    ),
    "a masked ID number": (
        lambda p: [member(id_number="350521********1234")],
        [(BAD_ROW, "身份证号码", "This ID number is masked.")],
    ),
    "a mobile number that is not one": (
        lambda p: [member(phone="12345678901")],
        [(BAD_ROW, "手机号码", "Enter an 11-digit mobile number")],
    ),
    "a landline": (
        lambda p: [member(phone="0595-87654321")],
        [(BAD_ROW, "手机号码", "This looks like a landline number")],
    ),
    "an empty required cell": (
        lambda p: [member(name="")],
        [(BAD_ROW, "姓名", "This cell is empty; the column is required.")],
    ),
    "a village the township does not have": (
        lambda p: [member(village="幸福村")],
        [(BAD_ROW, "行政村", "There is no village “幸福村” in this township.")],
    ),
    "a group the village does not have": (
        lambda p: [member(group="第9组")],
        [(BAD_ROW, "村民小组", "郑荣村 has no villager group “第9组”.")],
    ),
    "a grid that does not hold the group": (
        lambda p: [member(grid="第二网格")],
        [(BAD_ROW, "网格", "郑荣村 第1组 belongs to 郑荣村 第一网格, not to 郑荣村 第二网格.")],
    ),
    "a relation that is none": (
        lambda p: [member(relation="邻居")],
        [(BAD_ROW, "与户主关系", "“邻居” is not a relation to the head.")],
    ),
    "a kind of residence that is none": (
        lambda p: [member(residence="常驻外地")],
        [(BAD_ROW, "户籍类型", "“常驻外地” is not a kind of residence.")],
    ),
    "a head row whose name differs from the head's name": (
        lambda p: [member(address="郑荣村3号", head="郑大山", name="郑大三", relation="户主")],
        [(BAD_ROW, "姓名", "its name differs from the head's name “郑大山”")],
    ),
    "an ID number twice in the file": (
        lambda p: [member(id_number=SPOUSE)],
        [(BAD_ROW, "身份证号码", f"This ID number is also on row {FIRST_ROW + 1}.")],
    ),
    "an ID number of another household of the township": (
        lambda p: [member(id_number=p.registered_child.id_number)],
        [(BAD_ROW, "身份证号码", "This person is registered in the household of 郑玉才 (郑荣村20号).")],
    ),
    "an ID number registered in another township": (
        lambda p: [member(id_number=p.elsewhere.id_number)],
        [(BAD_ROW, "身份证号码", "This person is registered in another township.")],
    ),
    "a second head in a household": (
        lambda p: [member(name="郑章木", relation="户主")],
        [(BAD_ROW, "与户主关系", f"The household already has its head on row {FIRST_ROW}.")],
    ),
    "a new household without a head": (
        lambda p: [
            member(address="郑荣村9号", head="郑大山", name="郑小山"),
            member(address="郑荣村9号", head="郑大山", name="郑小水", id_number=OTHER, relation="女"),
        ],
        [(BAD_ROW, "与户主关系", "No row of this household (郑大山, 郑荣村9号) is its head (户主).")],
    ),
    "several wrong cells on one row": (
        lambda p: [member(village="幸福村", id_number=with_check_digit(NEW), phone="0595-87654321")],
        [
            (BAD_ROW, "行政村", "There is no village"),
            (BAD_ROW, "身份证号码", "does not match its check digit"),
            (BAD_ROW, "手机号码", "landline"),
        ],
    ),
}


def assert_problems(outcome, expected):
    found = sorted((p.row, p.letter, p.header, p.message) for p in outcome.problems)
    assert outcome.problem_count == len(expected), found
    for (row, header, message), problem in zip(
        sorted(expected, key=lambda e: (e[0], LETTER[e[1]])),
        sorted(outcome.problems, key=lambda p: (p.row, p.letter)),
        strict=True,
    ):
        assert (problem.row, problem.letter, problem.header) == (row, LETTER[header], header)
        assert message in problem.message


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "utf-8"])
@pytest.mark.parametrize("case", CASES)
def test_a_wrong_row_is_reported_on_its_row_and_column(places, case, kind):
    bad_rows, expected = CASES[case]
    outcome = preview(places, places.staff, *roster_file(kind, household() + bad_rows(places)))
    assert_problems(outcome, expected)
    assert outcome.rows == 2 + len(bad_rows(places))
    assert not outcome.clean


@pytest.mark.django_db
def test_a_wrong_row_keeps_its_number_when_blank_rows_stand_above_it(places):
    first, second = household()
    rows = [[1, *first], [2, *second], [None] * 11, [None] * 11, [3, *member(relation="邻居")]]
    outcome = preview(places, places.staff, *roster_file("xlsx", rows, numbered=False))
    assert [(p.row, p.letter) for p in outcome.problems] == [(FIRST_ROW + 4, "I")]
    assert outcome.rows == 3


@pytest.mark.django_db
def test_the_value_shown_with_a_problem_never_holds_a_whole_id_number(places):
    wrong = with_check_digit(NEW)
    outcome = preview(places, places.staff, *roster_file("xlsx", [*household(), member(id_number=wrong)]))
    (problem,) = outcome.problems
    assert problem.value == identity.mask_id_number(wrong)
    assert wrong not in problem.value


@pytest.mark.django_db
def test_a_row_problem_stops_the_import_and_nothing_is_written(places):
    households, residents = Household.objects.count(), Resident.objects.count()
    outcome = commit_file(places, places.staff, *roster_file("xlsx", [*household(), member(phone="12345")]))
    assert outcome.problem_count == 1
    assert (Household.objects.count(), Resident.objects.count()) == (households, residents)


# --- what Excel does to a cell -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_id_number_stored_as_a_number_in_excel_says_to_format_the_column_as_text(places):
    data = xlsx([*household(), member(id_number=3.50521198005171e17)])
    outcome = preview(places, places.staff, data, "花名册.xlsx")
    (problem,) = outcome.problems
    assert (problem.row, problem.letter, problem.header) == (BAD_ROW, "H", "身份证号码")
    assert "Format the column as Text" in problem.message


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_id_number_excel_shortened_in_a_csv_says_to_format_the_column_as_text(places, encoding):
    data = csv_file([*household(), member(id_number="3.50521E+17")], encoding=encoding)
    outcome = preview(places, places.staff, data, "花名册.csv")
    (problem,) = outcome.problems
    assert (problem.row, problem.letter, problem.header) == (BAD_ROW, "H", "身份证号码")
    assert "Format the column as Text" in problem.message
    assert "3.50521E+17" in problem.message


@pytest.mark.django_db
def test_a_formula_cell_is_refused_with_how_to_paste_it_as_values(places):
    data = xlsx([*household(), member(name='="郑"&"小明"')])
    data.seek(0)
    assert openpyxl.load_workbook(data)["花名册"].cell(BAD_ROW, 7).data_type == "f"  # stored as a formula
    outcome = preview(places, places.staff, data, "花名册.xlsx")
    (problem,) = outcome.problems
    assert (problem.row, problem.letter, problem.header) == (BAD_ROW, "G", "姓名")
    assert "This cell holds a formula." in problem.message


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "gb18030"])
def test_full_width_digits_and_spaces_in_an_id_number_are_folded_and_accepted(places, kind):
    typed = " ".join(NEW[i : i + 6] for i in range(0, 18, 6)).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert typed != NEW
    outcome = commit_file(places, places.staff, *roster_file(kind, [*household(), member(id_number=typed)]))
    assert outcome.problems == []
    assert outcome.residents_new == 3
    assert Resident.objects.get(id_number=NEW).name == "郑小明"
