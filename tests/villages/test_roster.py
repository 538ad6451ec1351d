"""Reading a roster's cells (groundwork for the Excel import): headers in Chinese or English,
ID numbers Excel turned into numbers, and CSV files in UTF-8 or GBK."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from villages import identity, roster

NUMBER = identity.make_id_number("350521", datetime.date(1980, 5, 17), 123)


def test_the_template_s_chinese_headers_and_english_aliases_find_their_columns():
    found, problems = roster.map_headers(
        ["行政村", "村民小组", " 住 址 ", "户主姓名", "姓名", "身份证号码*", "与户主关系：", "Mobile", "网格"]
    )
    assert problems == []
    assert found == {
        "village": 0,
        "group": 1,
        "address": 2,
        "head_name": 3,
        "name": 4,
        "id_number": 5,
        "relation": 6,
        "phone": 7,
        "grid": 8,
    }


def test_unknown_twice_and_missing_columns_are_each_reported_with_their_column():
    found, problems = roster.map_headers(["村", "小组", "姓名", "籍贯", "姓名", "", "身份证"])
    messages = {(p.column, p.message) for p in problems}
    assert (4, "The column “籍贯” is not one the registry keeps; its cells are passed over.") in messages
    assert [p.column for p in problems if p.ignored] == [4]  # said, but it stops nothing
    assert (5, "The column “姓名” appears twice.") in messages
    missing = sorted(p.message for p in problems if p.column == 0)
    assert missing == [
        "The column “与户主关系” is missing.",
        "The column “住址” is missing.",
        "The column “户主姓名” is missing.",
    ]
    assert found["name"] == 2  # the first of the two


@pytest.mark.parametrize(
    "cell", [3.50521198005171e17, 350521198005171234, "3.50521E+17", "3.50521e17", "350521198005171234.0"]
)
def test_an_id_number_excel_made_into_a_number_is_refused_with_how_to_fix_it(cell):
    with pytest.raises(ValidationError) as refused:
        roster.id_number_cell(cell)
    assert refused.value.code == "id_as_number"
    assert "Format the column as Text" in refused.value.messages[0]


def test_full_width_digits_and_spaces_in_an_id_number_are_folded():
    typed = " ".join(NUMBER[i : i + 6] for i in range(0, 18, 6)).translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )
    assert roster.id_number_cell(typed) == NUMBER
    assert roster.id_number_cell(NUMBER.lower()) == NUMBER


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_a_csv_file_in_utf_8_with_or_without_bom_or_in_gbk_is_read(encoding):
    text = "行政村,村民小组,户主姓名\n郑荣村,第1组,郑章木\n"
    assert roster.decode_csv(text.encode(encoding)) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1).filter(lambda s: s.strip("\x00")))
def test_any_utf_8_text_comes_back_as_it_was(text):
    if not text.encode().strip() or "\x00" in text:
        return
    assert roster.decode_csv(text.encode("utf-8")) == text.removeprefix("\ufeff")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"PK\x03\x04\x00\x00garbage", "binary"),
        (b"\xff\xfe\xfd\xfc" * 8, "encoding"),
    ],
)
def test_an_empty_binary_or_undecodable_file_is_refused(data, code):
    with pytest.raises(ValidationError) as refused:
        roster.decode_csv(data)
    assert refused.value.code == code
