"""The roster import through its pages (/imports/): upload and check, the preview, the import (once),
the run list, who may do what, the problems page and its report, the template, Chinese messages, and
files that are too big, wrongly named, empty or not workbooks at all."""

import datetime
import html
import io
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import engine
from imports.models import ImportRun
from tests import factories
from villages import identity, roster
from villages.models import Household, Post, Resident

Role = Post.Role
LIST = reverse("imports:list")
NEW = reverse("imports:upload")
TEMPLATE = reverse("imports:template")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [header for header, _aliases, _required in roster.COLUMNS.values()]
FIELDS = list(roster.COLUMNS)
TEXT_COLUMNS = (FIELDS.index("id_number") + 1, FIELDS.index("phone") + 1)

ZHENG = identity.make_id_number("350521", datetime.date(1966, 5, 6), 131)
LIN = identity.make_id_number("350521", datetime.date(1968, 7, 8), 242)
CHEN = identity.make_id_number("350521", datetime.date(1975, 3, 9), 351)
BAD_CHECK_DIGIT = ZHENG[:-1] + ("0" if ZHENG[-1] != "0" else "1")
CHECK_DIGIT_MESSAGE = "The last character of this ID number does not match its check digit; please check each digit."


def person(village, grid, group, address, head, name, id_number, relation, phone="", residence=""):
    return [village, grid, group, address, head, name, id_number, relation, phone, residence]


def clean_rows():
    """Two households of 青山乡 (tests/conftest.py's t1): three people, all new."""
    return [
        person("郑荣村", "第一网格", "第1组", "郑荣村5号", "郑大山", "郑大山", ZHENG, "户主", "13905950001", "户籍"),
        person("郑荣村", "第一网格", "第1组", "郑荣村5号", "郑大山", "林小梅", LIN, "配偶"),
        person("郑荣村", "第二网格", "第3组", "郑荣村9号", "陈一平", "陈一平", CHEN, "户主", "", "流动"),
    ]


def problem_rows():
    """One clean head, then four rows each with one problem (file rows 3 to 6)."""
    return [
        person("郑荣村", "第一网格", "第1组", "郑荣村5号", "郑大山", "郑大山", ZHENG, "户主"),
        person("无名村", "第一网格", "第1组", "郑荣村5号", "郑大山", "林小梅", LIN, "配偶"),
        person("郑荣村", "第一网格", "第1组", "郑荣村5号", "郑大山", "郑小山", BAD_CHECK_DIGIT, "子"),
        person("郑荣村", "第一网格", "第1组", "郑荣村5号", "郑大山", "", CHEN, "女"),
        person(
            "郑荣村",
            "第一网格",
            "第1组",
            "郑荣村5号",
            "郑大山",
            "郑小水",
            identity.make_id_number("350521", datetime.date(1999, 1, 2), 461),
            "邻居",
        ),
    ]


def workbook(rows, headers=HEADERS):
    """An .xlsx roster: the headers in row 1, the rows below, ID and phone cells formatted as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
        for column in TEXT_COLUMNS:
            sheet.cell(row=sheet.max_row, column=column).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content, name="花名册.xlsx", **extra):
    return client.post(NEW, {"file": SimpleUploadedFile(name, content)}, **extra)


def page_text(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def registry_size():
    return Household.objects.count(), Resident.objects.count()


def import_url(run):
    return reverse("imports:import", args=[run.pk])


def report_url(run):
    return reverse("imports:report", args=[run.pk])


@pytest.fixture
def staff(world, login):
    return login(world.users["township"])


@pytest.fixture
def checked(world, staff):
    """A clean roster uploaded by the township's staff member: checked, not imported."""
    response = upload(staff, workbook(clean_rows()))
    assert response.status_code == 302
    return ImportRun.objects.get()


@pytest.fixture
def rejected(world, staff):
    response = upload(staff, workbook(problem_rows()))
    assert response.status_code == 302
    return ImportRun.objects.get()


def colleague(world):
    """A second staff member of the same township."""
    cadre = factories.CadreFactory(township=world.places["t1"], name="陈同事", user__username="colleague")
    factories.post(cadre, Role.TOWNSHIP_STAFF, township=world.places["t1"])
    return cadre.user


# --- a clean roster: checked, previewed, imported once --------------------------------------------


def test_a_clean_workbook_is_checked_and_the_preview_shows_its_counts_with_nothing_written(world, staff):
    before = registry_size()

    response = upload(staff, workbook(clean_rows()))

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert run.status == ImportRun.Status.CHECKED
    assert (run.township, run.user, run.filename) == (world.places["t1"], world.users["township"], "花名册.xlsx")
    assert (run.rows, run.households_new, run.residents_new, run.problem_count) == (3, 2, 3, 0)
    assert registry_size() == before

    page = page_text(staff.get(run.get_absolute_url()))
    assert 'data-count="rows">3<' in page
    assert 'data-count="residents_new">3<' in page
    assert "in 2 new households" in page
    assert "Nothing has been written yet." in page
    assert f'action="{import_url(run)}"' in page
    assert "Import 3 rows" in page
    assert registry_size() == before


def test_importing_a_checked_run_writes_its_households_and_residents_and_says_so(world, staff, checked):
    households, residents = registry_size()

    response = staff.post(import_url(checked))

    assert response.status_code == 302 and response.url == checked.get_absolute_url()
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.IMPORTED
    assert checked.finished_at is not None
    assert registry_size() == (households + 2, residents + 3)
    zheng = Household.objects.get(head_name="郑大山")
    assert (zheng.group, zheng.address, zheng.phone) == (world.places["g1a"], "郑荣村5号", "13905950001")
    assert sorted(zheng.residents.values_list("id_number", "relation")) == sorted(
        [(ZHENG, Resident.Relation.HEAD), (LIN, Resident.Relation.SPOUSE)]
    )
    assert Household.objects.get(head_name="陈一平").group == world.places["g2"]
    assert messages_of(response) == ["Imported: 2 new households, 3 new residents, 0 records updated."]

    page = page_text(staff.get(checked.get_absolute_url()))
    assert "This file has been imported." in page
    assert f'action="{import_url(checked)}"' not in page


def test_a_second_click_on_import_writes_nothing_more(world, staff, checked):
    staff.post(import_url(checked))
    after_first = registry_size()
    history = Household.history.count(), Resident.history.count()

    response = staff.post(import_url(checked))

    assert response.status_code == 302 and response.url == checked.get_absolute_url()
    assert registry_size() == after_first
    assert (Household.history.count(), Resident.history.count()) == history
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.IMPORTED
    assert (checked.households_new, checked.residents_new) == (2, 3)
    assert ImportRun.objects.count() == 1


def test_the_run_list_shows_the_run_with_its_file_township_and_status(world, staff, checked):
    page = page_text(staff.get(LIST))

    assert checked.get_absolute_url() in page
    assert "花名册.xlsx" in page
    assert "青山乡" in page
    assert "Checked, ready to import" in page
    assert "Import a roster" in page  # the staff may import: the button is there


def test_the_run_list_of_another_township_does_not_show_the_run(world, login, checked):
    page = page_text(login(world.users["other_township"]).get(LIST))

    assert checked.get_absolute_url() not in page
    assert "No roster has been imported yet." in page


# --- who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["representative", "volunteer", "department"])
def test_someone_who_may_edit_nowhere_gets_403_on_the_upload_page(world, login, persona):
    client = login(world.users[persona])

    assert client.get(NEW).status_code == 403
    assert upload(client, workbook(clean_rows())).status_code == 403
    assert not ImportRun.objects.exists()
    assert "Import a roster" not in page_text(client.get(LIST))


def test_the_upload_page_asks_an_anonymous_visitor_to_sign_in(client, world):
    response = client.get(NEW)

    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("url", ["run", "report"])
def test_another_townships_staff_get_404_on_the_run_and_its_report(world, login, checked, url):
    client = login(world.users["other_township"])
    target = checked.get_absolute_url() if url == "run" else report_url(checked)

    assert client.get(target).status_code == 404


def test_another_townships_staff_cannot_import_the_run(world, login, checked):
    before = registry_size()

    response = login(world.users["other_township"]).post(import_url(checked))

    assert response.status_code == 404
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.CHECKED
    assert registry_size() == before


def test_a_village_secretary_does_not_see_the_townships_run(world, login, checked):
    assert login(world.users["village"]).get(checked.get_absolute_url()).status_code == 404


def test_only_the_uploader_may_import_a_colleague_of_the_same_township_gets_403(world, login, checked):
    other = login(colleague(world))
    before = registry_size()

    page = page_text(other.get(checked.get_absolute_url()))
    assert "the person who uploaded it may import it" in page
    assert f'action="{import_url(checked)}"' not in page

    response = other.post(import_url(checked))

    assert response.status_code == 403
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.CHECKED
    assert registry_size() == before


def test_a_grid_leaders_run_is_seen_by_the_township_not_by_the_neighbouring_grid(world, login):
    leader = login(world.users["leader"])
    upload(leader, workbook(clean_rows()[:2]))
    run = ImportRun.objects.get()

    assert run.user == world.users["leader"] and run.township == world.places["t1"]
    assert leader.get(run.get_absolute_url()).status_code == 200
    assert login(world.users["township"]).get(run.get_absolute_url()).status_code == 200
    assert login(world.users["neighbour"]).get(run.get_absolute_url()).status_code == 404


def test_a_grid_leaders_rows_outside_their_grid_are_problems(world, login):
    upload(login(world.users["leader"]), workbook(clean_rows()))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert [(row, message) for row, _letter, _header, message, _value in run.problems] == [
        (4, "You may not change the registry of 郑荣村 第3组.")
    ]


def test_a_staff_member_of_two_townships_chooses_one_they_edit(world, login):
    factories.post(world.cadres["township"], Role.TOWNSHIP_STAFF, township=world.places["t2"])
    client = login(world.users["township"])
    form = client.get(NEW).context["form"]
    assert set(form.fields["township"].queryset) == {world.places["t1"], world.places["t2"]}

    rows = [person("白水村", "第一网格", "第1组", "白水村1号", "白大", "白大", ZHENG, "户主")]
    client.post(NEW, {"township": world.places["t2"].pk, "file": SimpleUploadedFile("白水.xlsx", workbook(rows))})

    run = ImportRun.objects.get()
    assert run.township == world.places["t2"]
    assert (run.status, run.households_new) == (ImportRun.Status.CHECKED, 1)


def test_a_township_one_may_not_edit_cannot_be_chosen(world, login):
    factories.post(world.cadres["township"], Role.TOWNSHIP_STAFF, township=world.places["t2"])
    third = factories.TownshipFactory(name="黑山乡")

    response = login(world.users["township"]).post(
        NEW, {"township": third.pk, "file": SimpleUploadedFile("x.xlsx", workbook(clean_rows()))}
    )

    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not ImportRun.objects.exists()


def test_a_registry_changed_since_the_check_imports_nothing_and_says_so(world, staff, checked):
    # someone registers 林小梅 in another household between the check and the import
    factories.ResidentFactory(household=world.households["g1b"], name="林小梅", id_number=LIN)
    before = registry_size()

    response = staff.post(import_url(checked))

    assert response.status_code == 302
    assert messages_of(response) == ["Nothing was imported: the registry changed since the check. See the problems."]
    checked.refresh_from_db()
    assert checked.status == ImportRun.Status.REJECTED
    assert checked.problem_count == 1
    assert checked.problems[0][0] == 3 and checked.problems[0][1] == "G"
    assert registry_size() == before


# --- a roster with problems -----------------------------------------------------------------------


def test_a_file_with_problems_is_rejected_and_offers_no_import(world, staff, rejected):
    before = registry_size()

    assert rejected.status == ImportRun.Status.REJECTED
    assert (rejected.rows, rejected.rejected, rejected.problem_count) == (5, 4, 4)
    page = page_text(staff.get(rejected.get_absolute_url()))
    assert "4 problems were found, so nothing is imported." in page
    assert f'action="{import_url(rejected)}"' not in page
    assert "Download the problems (.xlsx)" in page
    # a rejected run cannot be imported by posting either
    staff.post(import_url(rejected))
    rejected.refresh_from_db()
    assert rejected.status == ImportRun.Status.REJECTED
    assert registry_size() == before


def test_the_problems_table_lists_each_problems_row_column_and_message(world, staff, rejected):
    response = staff.get(rejected.get_absolute_url())
    page = page_text(response)

    shown = [(row, letter, header, message) for row, letter, header, message, _value in response.context["shown"]]
    assert shown == [
        (3, "A", "行政村", "There is no village “无名村” in this township."),
        (4, "G", "身份证号码", CHECK_DIGIT_MESSAGE),
        (5, "F", "姓名", "This cell is empty; the column is required."),
        (6, "H", "与户主关系", f"“邻居” is not a relation to the head. Write one of: {engine.RELATION_EXAMPLES}."),
    ]
    for row, letter, header, message in shown:
        assert f'<td class="text-end">{row}</td>' in page
        assert f"{letter} · {header}" in page
        assert message in page


def test_the_problems_page_masks_the_id_numbers_it_quotes(world, staff, rejected):
    page = page_text(staff.get(rejected.get_absolute_url()))

    assert BAD_CHECK_DIGIT not in page
    assert identity.mask_id_number(BAD_CHECK_DIGIT) in page


def test_the_problems_report_is_a_workbook_listing_them_with_id_numbers_masked(world, staff, rejected):
    response = staff.get(report_url(rejected))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert f'filename="import-{rejected.pk}-problems.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header, *rows = book.active.iter_rows(values_only=True)
    assert header == ("Row", "Column", "Header", "Problem", "Cell")
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (3, "A", "行政村"),
        (4, "G", "身份证号码"),
        (5, "F", "姓名"),
        (6, "H", "与户主关系"),
    ]
    assert rows[1][3] == CHECK_DIGIT_MESSAGE
    assert rows[1][4] == identity.mask_id_number(BAD_CHECK_DIGIT)
    cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for number in (BAD_CHECK_DIGIT, ZHENG, LIN, CHEN):
        assert number not in cells


def test_the_page_lists_the_first_200_problems_and_the_report_holds_them_all(world, staff):
    rows = [
        person(
            "郑荣村",
            "第一网格",
            "第1组",
            "郑荣村5号",
            "郑大山",
            f"郑{n}",
            identity.make_id_number("350521", datetime.date(1990, 1, 1) + datetime.timedelta(n), 101),
            "邻居",
        )
        for n in range(205)
    ]
    upload(staff, workbook(rows))
    run = ImportRun.objects.get()
    assert run.problem_count == 205

    response = staff.get(run.get_absolute_url())
    page = page_text(response)
    assert len(response.context["shown"]) == 200
    assert "… and 5 more in the downloadable report." in page

    report = staff.get(report_url(run))
    listed = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))[1:]
    assert [row[0] for row in listed] == list(range(2, 207))


# --- the template ---------------------------------------------------------------------------------


@pytest.fixture
def template(world, staff):
    response = staff.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="roster-template.xlsx"' in response["Content-Disposition"]
    return response.content


def test_the_template_is_a_workbook_with_the_chinese_headers(template):
    book = openpyxl.load_workbook(io.BytesIO(template))

    assert book.sheetnames == ["花名册", "填写说明"]
    sheet = book["花名册"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in header) for header in HEADERS)


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_the_templates_id_and_phone_columns_are_formatted_as_text(template, field):
    sheet = openpyxl.load_workbook(io.BytesIO(template))["花名册"]
    column = FIELDS.index(field) + 1

    for row in (2, 3, 100, 5001):
        assert sheet.cell(row=row, column=column).number_format == "@", (field, row)
    assert isinstance(sheet.cell(row=2, column=column).value, str)


def test_the_templates_example_row_is_read_as_one_row_of_the_roster(template):
    table = roster.open_table(io.BytesIO(template), "roster-template.xlsx")

    assert set(table.columns) == set(roster.COLUMNS)
    assert not table.blocked
    rows = list(table.rows)
    assert len(rows) == 1
    number, cells = rows[0]
    assert number == 2
    assert cells[table.columns["village"]] == "郑荣村"
    assert len(cells[table.columns["id_number"]]) == 18


def test_the_templates_example_row_imports_cleanly_where_its_village_and_group_exist(world, staff, template):
    """t1 has 郑荣村 / 第一网格 / 第1组, the places the example names."""
    response = upload(staff, template, name="roster-template.xlsx")

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.problems == []
    assert run.status == ImportRun.Status.CHECKED
    assert (run.rows, run.households_new, run.residents_new) == (1, 1, 1)


# --- in Chinese -----------------------------------------------------------------------------------

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_problems_are_written_in_chinese_for_a_chinese_uploader(world, staff):
    upload(staff, workbook(problem_rows()), **ZH)

    run = ImportRun.objects.get()
    messages = [message for _row, _letter, _header, message, _value in run.problems]
    assert messages == [
        "本乡镇没有“无名村”这个行政村。",
        "该身份证号码最后一位与校验码不符，请逐位核对。",
        "此单元格为空；该列为必填。",
        f"“邻居”不是与户主关系。请填写以下之一：{engine.RELATION_EXAMPLES}。",
    ]
    page = html.unescape(staff.get(run.get_absolute_url(), **ZH).content.decode())
    assert "该身份证号码最后一位与校验码不符，请逐位核对。" in page


def test_a_file_refused_whole_is_explained_in_chinese(world, staff):
    upload(staff, b"\n\r\n", name="花名册.csv", **ZH)
    upload(staff, b"not a workbook at all", name="花名册.xlsx", **ZH)

    empty, garbage = ImportRun.objects.order_by("pk")
    assert [problem[3] for problem in empty.problems] == ["文件是空的。"]
    assert [problem[3] for problem in garbage.problems] == [
        "此文件名为 .xlsx，但不是 Excel 工作簿。请用 Excel 重新保存。"
    ]


def test_a_wrongly_named_file_is_refused_in_chinese_on_the_form(world, staff):
    response = upload(staff, b"%PDF-1.4", name="花名册.pdf", **ZH)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["请选择 Excel 工作簿（.xlsx）或 CSV 文件。"]


# --- files that are not what they should be -------------------------------------------------------


def test_an_oversized_upload_is_a_form_error_not_a_run(world, staff, monkeypatch):
    monkeypatch.setattr("imports.forms.MAX_SIZE", 1024 * 1024)
    big = workbook(clean_rows()) + b"\0" * (1024 * 1024)

    response = upload(staff, big)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB; split it by village."]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("name", ["花名册.pdf", "花名册.xls", "花名册", "roster.xlsx.exe"])
def test_a_wrongly_named_upload_is_a_form_error_not_a_run(world, staff, name):
    response = upload(staff, workbook(clean_rows()), name=name)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose an Excel workbook (.xlsx) or a CSV file."]
    assert not ImportRun.objects.exists()


def test_an_upload_without_a_file_is_a_form_error(world, staff):
    response = staff.post(NEW, {})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not ImportRun.objects.exists()


def test_a_zero_byte_file_is_refused_on_the_form(world, staff):
    response = upload(staff, b"")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportRun.objects.exists()


def a_zip_that_is_no_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


REFUSED_WHOLE = {
    "blank csv": ("花名册.csv", b"\r\n\r\n  \r\n", "The file is empty."),
    "headers only": ("花名册.xlsx", workbook([]), "The file has a header row but no rows of people under it."),
    "garbage named xlsx": (
        "花名册.xlsx",
        b"\x89garbage\x00\x01\x02" * 50,
        "This file is named .xlsx but is not an Excel workbook. Save it from Excel again.",
    ),
    "broken zip named xlsx": (
        "花名册.xlsx",
        b"PK\x03\x04" + b"\x00garbage" * 40,
        "This file is damaged or is not an Excel .xlsx file. Save it from Excel again.",
    ),
    "zip of text named xlsx": ("花名册.xlsx", a_zip_that_is_no_workbook(), "Excel could have written this file"),
    "old xls renamed": (
        "花名册.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "This is an old Excel 97-2003 (.xls) file.",
    ),
    "binary csv": ("花名册.csv", b"\x00\x01\x02binary" * 20, "This is not a CSV file: it holds binary data."),
}


@pytest.mark.parametrize("case", list(REFUSED_WHOLE))
def test_a_file_that_cannot_be_read_makes_a_rejected_run_with_one_clear_message(world, staff, case):
    name, content, message = REFUSED_WHOLE[case]
    before = registry_size()

    response = upload(staff, content, name=name)

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert run.problem_count == 1
    assert len(run.problems) == 1
    assert run.problems[0][3].startswith(message)
    page = page_text(staff.get(run.get_absolute_url()))
    assert "1 problem was found, so nothing is imported." in page
    assert f'action="{import_url(run)}"' not in page
    assert run.problems[0][3] in page
    report = staff.get(report_url(run))
    assert report.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == run.problems[0][3]
    assert registry_size() == before
