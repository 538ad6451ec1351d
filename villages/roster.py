"""Reading a township's Excel or CSV roster, row by row, before anything is written: which column
is which (Chinese headers, English aliases), what text a CSV file is in, ID numbers that Excel
turned into numbers, and files that are not what their name says (an old .xls, binary garbage, a
zip bomb). Rows stream from the file, so memory does not grow with it. No database: the import
(imports/engine.py) checks each row and writes all rows or none.
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

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


# The word a roster writes for each relation to the head and each kind of residence (the export
# writes these; the import reads them and many more, imports/engine.py).
RELATION_WORDS = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "child_in_law": "儿媳/女婿",
    "other": "其他",
}
RESIDENCE_WORDS = {"registered": "户籍", "floating": "流动", "separated": "人户分离"}


# What a damaged or hand-edited file can carry and no register keeps (PostgreSQL stores no NUL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text):
    return text if text.isprintable() else CONTROL_CHARACTERS.sub("", text)


def _key(header):
    """A header as compared: full-width folded, spaces and a trailing colon or asterisk dropped, lower case."""
    return identity.fold_typing(str(header or "")).rstrip(":：*").lower()


ALIASES = {_key(name): column for column, (header, aliases, _req) in COLUMNS.items() for name in (header, *aliases)}
# Columns rosters often carry that the registry works out itself or does not keep: read past quietly.
NOT_READ = {
    _key(h) for h in ("序号", "编号", "性别", "出生日期", "出生年月", "年龄", "民族", "备注", "No.", "sex", "age")
}


@dataclass(frozen=True)
class HeaderProblem:
    column: int  # 1-based, as a spreadsheet counts; 0 for a column that is missing
    message: str
    ignored: bool = False  # a column that is not read: said, but nothing stops the import


def map_headers(cells):
    """(field → 0-based column index, problems) for a header row. An unknown column is reported
    and not read (never guessed at); a doubled column or a missing required one stops the import."""
    found, problems = {}, []
    for index, cell in enumerate(cells):
        key = _key(cell)
        if not key or key in NOT_READ:
            continue
        column = ALIASES.get(key)
        if column is None:
            problems.append(
                HeaderProblem(
                    index + 1,
                    _("The column “%(header)s” is not one the registry keeps; its cells are passed over.")
                    % {"header": without_control_characters(str(cell))},
                    ignored=True,
                )
            )
        elif column in found:
            problems.append(
                HeaderProblem(index + 1, _("The column “%(header)s” appears twice.") % {"header": COLUMNS[column][0]})
            )
        else:
            found[column] = index
    for column, (header, _aliases, required) in COLUMNS.items():
        if required and column not in found:
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
    text = without_control_characters(identity.normalize_id_number(str(value or "")))
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
CHUNK = 1 << 16


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


# --- files -------------------------------------------------------------------------------------

MAX_ROWS = 500_000  # a county's roster is about 1 million people: a township's fits with room
MAX_UNPACKED = 1 << 30  # an .xlsx whose parts unpack to more than 1 GiB is refused
MAX_RATIO = 200  # XML packs about 10 to 30 times; a part packed 200 times tighter is a zip bomb
BLANK_RUN = 1000  # this many empty rows in a row end the table (formatting dragged to row 1,048,576)
HEADER_SEARCH = 10  # a title row or two (merged across the columns) may stand above the headers


def _refuse(message, code):
    raise ValidationError(message, code=code)


@dataclass
class Table:
    """A roster opened for reading: where its header row is, which column is which, and its rows."""

    header_row: int  # 1-based
    headers: list  # the header row's cells
    columns: dict  # field → 0-based index
    problems: list  # HeaderProblem
    rows: object = field(repr=False)  # iterator of (1-based row number, [cells]), blank rows skipped

    @property
    def blocked(self):
        return any(not p.ignored for p in self.problems)


def open_table(fileobj, filename):
    """Open an uploaded roster (.xlsx or .csv, by its content as much as its name) for reading."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        _refuse(_("The file is empty."), "empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(
            _("This is an old Excel 97-2003 (.xls) file. Open it in Excel, save it as .xlsx, and import that."), "xls"
        )
    if head.startswith(b"PK"):
        return _find_header(_xlsx_rows(fileobj))
    if str(filename).lower().endswith((".xlsx", ".xlsm")):
        _refuse(_("This file is named .xlsx but is not an Excel workbook. Save it from Excel again."), "not_xlsx")
    return _find_header(_csv_rows(fileobj))


def _find_header(rows):
    """The header is the first of the top rows that names at least three of the roster's columns;
    rows above it (a title merged across the sheet) are passed over."""
    first = None
    for number, cells in rows:
        found, problems = map_headers(cells)
        if first is None:
            first = (number, cells, found, problems)
        if len(found) >= 3:
            return Table(number, cells, found, problems, rows)
        if number >= HEADER_SEARCH:
            break
    if first is None:
        _refuse(_("The file holds no rows."), "empty")
    number, cells, found, problems = first
    if not found:
        _refuse(
            _(
                "No column of the roster was found in the first rows. Download the template and put the "
                "headers (行政村, 村民小组, 姓名, 身份证号码 …) in the first row."
            ),
            "no_header",
        )
    return Table(number, cells, found, problems, iter(()))


def _nonblank(rows):
    """(row number, cells) for each row with something in it; a long run of empty rows ends the table."""
    blank = 0
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS + HEADER_SEARCH:
            _refuse(
                _("The file has more than %(count)s rows; split it by village.") % {"count": f"{MAX_ROWS:,}"}, "size"
            )
        if any(cell is not None and str(cell).strip() for cell in cells):
            blank = 0
            yield number, list(cells)
        else:
            blank += 1
            if blank >= BLANK_RUN:
                return


def _xlsx_rows(fileobj):
    import openpyxl  # only an Excel import needs it

    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("This file is damaged or is not an Excel .xlsx file. Save it from Excel again."), "not_xlsx")
    if sum(m.file_size for m in members) > MAX_UNPACKED or any(
        m.file_size > (1 << 24) and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    ):
        _refuse(_("This workbook unpacks to far more than a roster could hold; it is refused."), "zip_bomb")
    fileobj.seek(0)
    try:
        book = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
        sheet = next((ws for ws in book.worksheets if ws.sheet_state == "visible"), book.worksheets[0])
        rows = sheet.iter_rows(values_only=True)
        yield from _nonblank(rows)
    except ValidationError:
        raise
    except Exception as error:  # openpyxl and its XML parser raise many kinds on a broken file
        _refuse(
            _("Excel could have written this file, but it cannot be read (%(error)s). Save it from Excel again.")
            % {"error": type(error).__name__},
            "not_xlsx",
        )


def text_encoding(fileobj):
    """The encoding of a CSV file, read through once in chunks (memory stays flat)."""
    fileobj.seek(0)
    prefix = fileobj.read(4096)
    if not prefix.strip():
        _refuse(_("The file is empty."), "empty")
    if b"\x00" in prefix:
        _refuse(_("This is not a CSV file: it holds binary data."), "binary")
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        fileobj.seek(0)
        try:
            while chunk := fileobj.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fileobj.seek(0)
        return encoding
    _refuse(_("The file is in neither UTF-8 nor GBK. Save it from Excel as “CSV UTF-8” and try again."), "encoding")


def _csv_rows(fileobj):
    encoding = text_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    first = text.readline()
    delimiter = max(",\t;", key=first.count)
    try:
        # itertools.chain, not a generator: closing the rows early must not close the upload under them.
        yield from _nonblank(csv.reader(itertools.chain([first], text), delimiter=delimiter))
    except csv.Error as error:
        _refuse(_("This CSV file cannot be read: %(error)s") % {"error": error}, "csv")
    finally:
        if not text.closed:
            text.detach()  # the upload stays open for the caller, who keeps the file
