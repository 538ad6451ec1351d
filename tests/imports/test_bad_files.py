"""Files that are not a roster are refused as a whole, with one message and a code, before any
row is read: an empty file, binary garbage named .xlsx, an old .xls, a zip bomb, a CSV in no known
encoding or with no known column. A CSV missing a required column is listed and blocked."""

import gc
import io
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from villages import roster
from villages.models import Household, Resident

from .rosters import HEADERS, csv_file, person, preview
from .rosters import commit as commit_file


def refused(data, name):
    with pytest.raises(ValidationError) as error:
        roster.open_table(io.BytesIO(data), name)
    return error.value


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "花名册.xlsx", "empty"),
        (b"", "花名册.csv", "empty"),
        (b"   \r\n\r\n", "花名册.csv", "empty"),
        (bytes(range(256)) * 40, "花名册.xlsx", "not_xlsx"),
        (b"PK\x03\x04" + b"\x00garbage" * 100, "花名册.xlsx", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "花名册.xlsx", "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "花名册.csv", "xls"),
        (b"\xff\xfe\xfd\xfc" * 64, "花名册.csv", "encoding"),
        (b"name,id\x00\x01\x02\n", "花名册.csv", "binary"),
        ("籍贯,学历,职业\n福建,高中,农民\n".encode(), "花名册.csv", "no_header"),
    ],
    ids=[
        "empty xlsx",
        "empty csv",
        "only blank lines",
        "binary garbage named xlsx",
        "a zip signature over garbage",
        "an old xls",
        "an old xls named csv",
        "undecodable bytes",
        "binary bytes in a csv",
        "no known column",
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_with_its_reason(data, name, code):
    assert refused(data, name).code == code


def test_a_zip_bomb_named_xlsx_is_refused_before_openpyxl_opens_it(monkeypatch):
    """256 MiB of zeros packed a thousand times tight: the archive's directory gives it away."""
    data = io.BytesIO()
    started = time.monotonic()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = bytes(1 << 22)
            for _ in range((1 << 28) // len(zeros)):
                member.write(zeros)
    assert data.tell() < 1 << 20  # small on disk
    assert time.monotonic() - started < 30

    def parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    error = refused(data.getvalue(), "花名册.xlsx")
    assert error.code == "zip_bomb"


def test_a_workbook_whose_directory_claims_more_than_a_gibibyte_is_refused():
    """Parts that each pack ordinarily but together would unpack beyond 1 GiB (sizes as recorded)."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as archive:
        for n in range(3):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", b"<x/>")
        for info in archive.infolist():  # the central directory is written from these on close
            info.file_size = info.compress_size = 400 << 20
    assert sum(i.file_size for i in zipfile.ZipFile(data).infolist()) > roster.MAX_UNPACKED
    assert refused(data.getvalue(), "花名册.xlsx").code == "zip_bomb"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_csv_missing_a_required_column_is_blocked_and_writes_nothing(places, encoding):
    headers = [h for h in HEADERS if h != "身份证号码"]
    row = [1, *person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑章木", "", "户主", "", "")]
    del row[7]
    data = csv_file([row], headers=headers, encoding=encoding, numbered=False)
    table = roster.open_table(data, "花名册.csv")
    assert table.blocked

    households, residents = Household.objects.count(), Resident.objects.count()
    outcome = commit_file(
        places, places.staff, csv_file([row], headers=headers, encoding=encoding, numbered=False), "花名册.csv"
    )
    assert [(p.row, p.message) for p in outcome.problems] == [(2, "The column “身份证号码” is missing.")]
    assert outcome.problem_count == 1
    assert outcome.rows == 0 and not outcome.clean
    assert (Household.objects.count(), Resident.objects.count()) == (households, residents)


@pytest.mark.django_db
def test_a_column_named_twice_is_blocked_on_its_letter(places):
    headers = [*HEADERS, "姓名"]
    data = csv_file([], headers=headers, title="", numbered=False)
    outcome = preview(places, places.staff, data, "花名册.csv")
    assert [(p.row, p.letter, p.message) for p in outcome.problems] == [(1, "L", "The column “姓名” appears twice.")]


@pytest.mark.django_db
def test_a_header_row_with_no_people_under_it_is_a_problem(places):
    outcome = preview(places, places.staff, csv_file([]), "花名册.csv")
    assert outcome.problem_count == 1
    assert outcome.problems[0].message == "The file has a header row but no rows of people under it."
    assert not outcome.clean


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["青山乡户籍人口花名册", ""], ids=["title above the headers", "headers first"])
def test_a_blocked_csv_leaves_the_uploaded_file_open_to_be_kept(places, title):
    """The preview stops at the headers; the file is still read again (kept, imported later)."""
    headers = [h for h in HEADERS if h != "身份证号码"]
    row = [1, *person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑章木", "", "户主", "", "")]
    del row[7]
    data = csv_file([row, row], headers=headers, title=title, numbered=False)
    outcome = preview(places, places.staff, data, "花名册.csv")
    assert outcome.problem_count == 1
    gc.collect()  # the table and its rows are gone
    assert not data.closed
    data.seek(0)
    assert data.read().decode().count("郑章木") == 4
