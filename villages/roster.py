"""Reading a township's Excel or CSV roster, cell by cell, before anything is written: which column
is which (Chinese headers, English aliases), what text a CSV file is in, and ID numbers that Excel
turned into numbers. Pure functions, no database: groundwork for the import (issue 7), which checks
each row with villages/identity.py and writes all rows or none.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import identity

# The roster's columns: field → (Chinese header of the template, accepted aliases, required).
COLUMNS = {
    "village": ("行政村", ("村", "村名", "village"), True),
    "grid": ("网格", ("网格名称", "grid"), False),
    "group": ("村民小组", ("小组", "组", "group", "villager group"), True),
    "address": ("住址", ("地址", "家庭住址", "address"), True),
    "head_name": ("户主姓名", ("户主", "head", "head of household"), True),
    "name": ("姓名", ("name",), True),
    "id_number": ("身份证号码", ("身份证号", "公民身份号码", "身份证", "id number", "resident id number"), True),
    "relation": ("与户主关系", ("关系", "relation", "relation to head"), True),
    "phone": ("手机号码", ("手机", "联系电话", "电话", "mobile", "phone"), False),
    "residence": ("户籍类型", ("居住类型", "residence"), False),
}


def _key(header):
    """A header as compared: full-width folded, spaces and a trailing colon or asterisk dropped, lower case."""
    return identity.fold_typing(str(header or "")).rstrip(":：*").lower()


ALIASES = {_key(name): field for field, (header, aliases, _req) in COLUMNS.items() for name in (header, *aliases)}


@dataclass(frozen=True)
class HeaderProblem:
    column: int  # 1-based, as a spreadsheet counts
    message: str


def map_headers(cells):
    """(field → 0-based column index, problems) for a header row; unknown columns are reported,
    not guessed, and a required column that is missing is a problem of its own."""
    found, problems = {}, []
    for index, cell in enumerate(cells):
        key = _key(cell)
        if not key:
            continue
        field = ALIASES.get(key)
        if field is None:
            problems.append(HeaderProblem(index + 1, _("Unknown column “%(header)s”.") % {"header": cell}))
        elif field in found:
            problems.append(
                HeaderProblem(index + 1, _("The column “%(header)s” appears twice.") % {"header": COLUMNS[field][0]})
            )
        else:
            found[field] = index
    for field, (header, _aliases, required) in COLUMNS.items():
        if required and field not in found:
            problems.append(HeaderProblem(0, _("The column “%(header)s” is missing.") % {"header": header}))
    return found, problems


SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def id_number_cell(value):
    """The ID number a cell holds, normalised (full-width digits, spaces); a cell Excel made into a
    number (3.50521E+17, or a float that lost its last digits) is refused with how to fix it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValidationError(
            _(
                "Excel stored this ID number as a number and dropped its last digits. Format the column "
                "as Text, type the numbers again (or paste them from the original), and import again."
            ),
            code="id_as_number",
        )
    text = identity.normalize_id_number(str(value or ""))
    if SCIENTIFIC.match(text) or text.endswith(".0"):
        raise ValidationError(
            _(
                "This ID number was shortened to “%(text)s” by Excel. Format the column as Text, type "
                "the numbers again, and import again."
            )
            % {"text": text},
            code="id_as_number",
        )
    return text


ENCODINGS = ("utf-8-sig", "gb18030")


def decode_csv(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without a byte-order mark), else GB18030 (which covers GBK,
    what Chinese Excel writes); a file that is neither, or holds no text, is refused."""
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if b"\x00" in data[:4096]:
        raise ValidationError(_("This is not a CSV file: it holds binary data."), code="binary")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is in neither UTF-8 nor GBK. Save it from Excel as “CSV UTF-8” and try again."),
        code="encoding",
    )
