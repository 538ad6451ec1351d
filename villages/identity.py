"""Resident ID numbers (GB 11643) and mobile numbers: validation, derived facts, masking.

Pure functions, no database: the forms, the models and the importers all call these.
"""

import datetime
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

FEMALE, MALE = "F", "M"


def fold_typing(value: str) -> str:
    """Full-width digits and letters and stray spaces, as typed on a Chinese keyboard, folded away."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def normalize_id_number(value: str) -> str:
    return fold_typing(value).upper()


def validate_id_number(value: str) -> None:
    """Refuse an ID number with a wrong length, a date that does not exist or a bad check digit."""
    number = normalize_id_number(value)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_format",
        )
    try:
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The birth date inside this ID number (digits 7 to 14) is not a real date."),
            code="id_date",
        ) from None
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("The last character of this ID number does not match its check digit; please check each digit."),
            code="id_checksum",
        )
    if ric.get_birth_date(number) > timezone.localdate():
        raise ValidationError(_("The birth date inside this ID number is in the future."), code="id_future")


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(normalize_id_number(number))


def sex_from_id(number: str) -> str:
    """The 17th digit is odd for men and even for women."""
    return MALE if int(normalize_id_number(number)[16]) % 2 else FEMALE


def mask_id_number(number: str) -> str:
    """Keep the region (first six) and the last four; the birth date never shows."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_id_numbers_in(text: str) -> str:
    """Free text as it may be printed or posted: every 18-character ID number in it masked."""
    return ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """Build a valid ID number (demo data and tests): region code, birth date, 3-digit sequence."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def normalize_mobile(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if ch.isdigit() or ch == "+")


def validate_mobile(value: str) -> None:
    """An 11-digit mainland mobile number; a landline is refused with a message saying so."""
    digits = normalize_mobile(value).removeprefix("+86")
    if digits.startswith("0") or len(digits) in (7, 8):
        raise ValidationError(
            _("This looks like a landline number; enter an 11-digit mobile number."), code="mobile_landline"
        )
    valid = len(digits) == 11 and digits.isdigit() and digits.startswith("1")
    if valid:
        parsed = phonenumbers.parse(digits, "CN")
        valid = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
    if not valid:
        raise ValidationError(_("Enter an 11-digit mobile number, for example 13912345678."), code="mobile_invalid")


def validate_phone(value: str) -> None:
    """A mobile or a landline with its area code (an enterprise or a clinic often has only a landline)."""
    digits = normalize_mobile(value).removeprefix("+86")
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        raise ValidationError(
            _("Enter a mobile number or a landline with its area code, for example 0595-87654321."),
            code="phone_invalid",
        )
