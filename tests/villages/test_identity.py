"""ID numbers, mobile numbers and pinyin keys: pure functions, no database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from villages import identity, pinyin

CHARACTERS = "0123456789X"

regions = st.from_regex(r"\A[1-9][0-9]{5}\Z", fullmatch=True)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today())
sequences = st.integers(min_value=0, max_value=999)
valid_numbers = st.builds(identity.make_id_number, regions, births, sequences)


def with_check_digit(body):
    """Seventeen characters and the check digit that makes them a well-formed number."""
    return body + ric.calc_check_digit(body + "0")


def error_code(validate, value):
    with pytest.raises(ValidationError) as caught:
        validate(value)
    return caught.value.code


def full_width(text):
    """Digits and letters as a Chinese input method types them (U+FF10…), with ideographic spaces."""
    return "\u3000".join(chr(ord(ch) + 0xFEE0) for ch in text)


# --- ID numbers ---------------------------------------------------------------------------------


@given(region=regions, birth=births, sequence=sequences)
def test_numbers_built_from_valid_parts_are_accepted(region, birth, sequence):
    number = identity.make_id_number(region, birth, sequence)

    identity.validate_id_number(number)  # raises if refused

    assert len(number) == 18
    assert number[:6] == region
    assert identity.birth_date_from_id(number) == birth


@given(number=valid_numbers, position=st.integers(min_value=0, max_value=17), replacement=st.sampled_from(CHARACTERS))
def test_every_single_character_change_is_refused(number, position, replacement):
    assume(number[position] != replacement)
    mutated = number[:position] + replacement + number[position + 1 :]

    with pytest.raises(ValidationError) as caught:
        identity.validate_id_number(mutated)

    assert caught.value.code in {"id_format", "id_date", "id_checksum", "id_future"}


@pytest.mark.parametrize("birth", ["20230230", "19991301", "20000000", "19990431"])
def test_a_date_that_does_not_exist_is_refused_as_a_date(birth):
    number = with_check_digit(f"350521{birth}123")  # the check digit is right: only the date is wrong

    assert error_code(identity.validate_id_number, number) == "id_date"


def test_a_wrong_check_digit_is_refused_as_a_checksum():
    number = identity.make_id_number("350521", datetime.date(1985, 6, 15), 123)
    wrong = next(ch for ch in CHARACTERS if ch != number[-1])

    assert error_code(identity.validate_id_number, number[:-1] + wrong) == "id_checksum"


@pytest.mark.parametrize(
    "value",
    [
        "35052119850615123",  # 17 characters
        "3505211985061512345",  # 19 characters
        "35052119850615X234",  # X before the end
        "",
    ],
)
def test_a_number_of_the_wrong_shape_is_refused_as_a_format(value):
    assert error_code(identity.validate_id_number, value) == "id_format"


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    assert error_code(identity.validate_id_number, identity.make_id_number("350521", tomorrow, 1)) == "id_future"


def test_the_error_messages_say_what_is_wrong():
    with pytest.raises(ValidationError) as caught:
        identity.validate_id_number(with_check_digit("35052120230230123"))
    assert "not a real date" in caught.value.messages[0]

    with pytest.raises(ValidationError) as caught:
        identity.validate_id_number("35052119850615123")
    assert "18 characters" in caught.value.messages[0]


def number_ending_in_x():
    for sequence in range(1000):
        number = identity.make_id_number("350521", datetime.date(1990, 3, 7), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # one in eleven does


def test_a_lower_case_x_is_folded_to_upper_case():
    number = number_ending_in_x()
    typed = number[:-1] + "x"

    identity.validate_id_number(typed)
    assert identity.normalize_id_number(typed) == number


@given(number=valid_numbers)
def test_full_width_digits_and_spaces_are_folded_away(number):
    typed = " " + full_width(number) + "\t"

    assert identity.normalize_id_number(typed) == number
    identity.validate_id_number(typed)
    assert identity.birth_date_from_id(typed) == identity.birth_date_from_id(number)


def test_spaces_in_groups_are_folded_away():
    number = identity.make_id_number("350521", datetime.date(1985, 6, 15), 123)
    typed = f"{number[:6]} {number[6:14]} {number[14:]}"

    assert identity.normalize_id_number(typed) == number
    identity.validate_id_number(typed)


@given(region=regions, birth=births, sequence=sequences)
def test_birth_date_and_sex_are_derived(region, birth, sequence):
    number = identity.make_id_number(region, birth, sequence)

    assert identity.birth_date_from_id(number) == birth
    assert identity.sex_from_id(number) == (identity.MALE if sequence % 2 else identity.FEMALE)


def test_sex_follows_the_seventeenth_digit():
    assert identity.sex_from_id(identity.make_id_number("350521", datetime.date(1970, 1, 1), 101)) == "M"
    assert identity.sex_from_id(identity.make_id_number("350521", datetime.date(1970, 1, 1), 102)) == "F"


@given(region=regions, birth=births, sequence=sequences)
def test_a_masked_number_keeps_the_region_and_last_four_and_hides_the_birth_date(region, birth, sequence):
    number = identity.make_id_number(region, birth, sequence)

    masked = identity.mask_id_number(number)

    assert len(masked) == 18
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8
    assert f"{birth:%Y%m%d}" not in masked
    assert f"{birth:%Y%m%d}"[2:] not in masked


def test_an_empty_number_masks_to_nothing():
    assert identity.mask_id_number("") == ""


def test_a_number_of_another_length_is_masked_too_and_a_short_one_hidden_whole():
    assert identity.mask_id_number("350521990707357") == "350521*****7357"  # first generation, 15 digits
    assert identity.mask_id_number("3505211999") == "**********"


# --- mobile numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13912345678", "+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８"])
def test_mainland_mobile_numbers_are_accepted(value):
    identity.validate_mobile(value)  # raises if refused


def test_a_mobile_number_is_normalised_to_its_digits():
    assert identity.normalize_mobile("+86 139 1234 5678") == "+8613912345678"
    assert identity.normalize_mobile("１３９ １２３４ ５６７８") == "13912345678"


@pytest.mark.parametrize("value", ["0591-83456789", "83456789", "8345678", "059183456789"])
def test_a_landline_is_refused_as_a_landline(value):
    assert error_code(identity.validate_mobile, value) == "mobile_landline"


@pytest.mark.parametrize("value", ["1391234567", "139123456789", "23912345678", "12345678901", "abc"])
def test_a_number_that_is_not_a_mobile_is_refused(value):
    assert error_code(identity.validate_mobile, value) == "mobile_invalid"


def test_the_landline_message_asks_for_a_mobile():
    with pytest.raises(ValidationError) as caught:
        identity.validate_mobile("0591-83456789")
    assert "landline" in caught.value.messages[0]


# --- pinyin -------------------------------------------------------------------------------------


def test_initials_of_a_name():
    assert pinyin.name_initials("郑章木") == "zzm"
    assert pinyin.name_pinyin("郑章木") == "zhengzhangmu"


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("单田芳", "stf", "shantianfang"),
        ("曾国藩", "zgf", "zengguofan"),
        ("解放", "xf", "xiefang"),
    ],
)
def test_surnames_are_read_as_surnames(name, initials, full):
    assert pinyin.name_initials(name) == initials
    assert pinyin.name_pinyin(name) == full


def test_the_surname_reading_applies_to_the_first_character_only():
    # 单 inside a given name keeps its ordinary reading (dan)
    assert pinyin.name_initials("王单") == "wd"


@pytest.mark.parametrize("name", ["", "   ", None])
def test_an_empty_name_has_no_initials(name):
    assert pinyin.name_initials(name) == ""
    assert pinyin.name_pinyin(name) == ""
