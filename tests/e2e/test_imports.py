"""A township clerk brings a messy roster in through the pages and takes it back out — in Chinese."""

import datetime
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from villages import identity
from villages.models import Household, Resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADERS = ["序号", "行政村", "村民小组", "住址", "户主姓名", "姓名", "身份证号码", "与户主关系", "手机号码"]


def roster(tmp_path, name, rows):
    """A real .xlsx as a clerk keeps it: a title merged over the headers, a 序号 column, ID numbers as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["青山乡郑荣村户籍人口花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    for cell in sheet["G"]:
        cell.number_format = "@"
    path = tmp_path / name
    book.save(path)
    return path


def test_a_clerk_checks_a_messy_roster_fixes_it_imports_it_once_and_exports_it_back(world, signed_in, tmp_path):
    head = identity.make_id_number("350521", datetime.date(1961, 4, 5), 11)
    wife = identity.make_id_number("350521", datetime.date(1963, 8, 9), 22)
    son = identity.make_id_number("350521", datetime.date(1990, 1, 2), 33)
    full_width = wife.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    messy = roster(
        tmp_path,
        "花名册.xlsx",
        [
            ["郑荣村", "第1组", "郑荣路8号", "郑大山", "郑大山", head, "户主", "13905951234"],
            ["郑荣村", "1组", "郑荣路8号", "郑大山", "林秀兰", full_width, "妻子", ""],
            [
                "郑荣村",
                "第1组",
                "郑荣路8号",
                "郑大山",
                "郑小山",
                son[:-1] + ("0" if son[-1] != "0" else "1"),
                "儿子",
                "",
            ],
        ],
    )
    page = signed_in("township", locale="zh-CN")
    page.locator("nav.navbar").get_by_role("link", name="住户").click()
    page.get_by_role("link", name="从 Excel 导入").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板").click()
    assert template.value.suggested_filename == "roster-template.xlsx"
    assert openpyxl.load_workbook(io.BytesIO(template.value.path().read_bytes())).active["G1"].value == "身份证号码"

    page.get_by_label("花名册文件").set_input_files(messy)
    page.get_by_role("button", name="检查文件").click()
    problems = page.get_by_test_id("problems").locator("tbody tr")
    expect(problems).to_have_count(1)
    cells = problems.first.locator("td")
    expect(cells.nth(0)).to_have_text("5")
    expect(cells.nth(1)).to_have_text("G · 身份证号码")
    expect(cells.nth(2)).to_contain_text("校验码")
    expect(cells.nth(3)).to_contain_text("350521********")
    expect(page.get_by_role("button", name="导入 3 行")).to_have_count(0)
    assert Household.objects.filter(head_name="郑大山").count() == 0

    fixed = roster(
        tmp_path,
        "花名册-改.xlsx",
        [
            ["郑荣村", "第1组", "郑荣路8号", "郑大山", "郑大山", head, "户主", "13905951234"],
            ["郑荣村", "1组", "郑荣路8号", "郑大山", "林秀兰", full_width, "妻子", ""],
            ["郑荣村", "第1组", "郑荣路8号", "郑大山", "郑小山", son, "儿子", ""],
        ],
    )
    page.get_by_role("link", name="导入其他文件").click()
    page.get_by_label("花名册文件").set_input_files(fixed)
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("[data-count=residents_new]")).to_have_text("3")
    page.get_by_role("button", name="导入 3 行").click()
    expect(page.locator(".alert-success").first).to_contain_text("新增 1 户、3 人")
    household = Household.objects.get(head_name="郑大山")
    assert household.phone == "13905951234"
    assert sorted(household.residents.values_list("id_number", flat=True)) == sorted([head, wife, son])

    page.goto(page.url.split("/imports/")[0] + "/households/?q=郑大山")
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="导出").click()
    with page.expect_download() as exported:
        page.get_by_role("link", name="Excel (.xlsx)").nth(1).click()
    sheet = openpyxl.load_workbook(io.BytesIO(exported.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("行政村", "网格", "村民小组")
    assert [r[5] for r in rows[1:]] == ["郑大山", "林秀兰", "郑小山"]  # the head first
    assert all("*" in r[6] for r in rows[1:])  # masked
    assert Resident.objects.filter(household=household).count() == 3
