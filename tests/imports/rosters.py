"""Roster files made in the tests: an .xlsx written with openpyxl (a title merged across the top,
ID and phone columns formatted as text, styled blank rows below) or the same rows as CSV bytes, and
the township they are imported into."""

import csv
import io

import openpyxl

from imports import engine
from villages import roster

HEADERS = [
    "序号",
    "行政村",
    "网格",
    "村民小组",
    "住址",
    "户主姓名",
    "姓名",
    "身份证号码",
    "与户主关系",
    "手机号码",
    "户籍类型",
]
LETTER = {header: chr(ord("A") + index) for index, header in enumerate(HEADERS)}
TITLE = "青山乡户籍人口花名册"
FIRST_ROW = 3  # the title is row 1, the headers row 2
TEXT_COLUMNS = ("身份证号码", "手机号码")


def person(village, grid, group, address, head, name, id_number, relation, phone="", residence=""):
    """One row of the roster, without its serial number."""
    return [village, grid, group, address, head, name, id_number, relation, phone, residence]


def xlsx(rows, *, headers=HEADERS, title=TITLE, blank_rows=5, numbered=True):
    """An .xlsx workbook: the title merged across the columns, then the headers, then the rows
    (numbered in 序号), then a few blank rows that carry formatting only."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    width = len(headers)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(headers)
    text_columns = [index + 1 for index, header in enumerate(headers) if header in TEXT_COLUMNS]
    last = 2 if title else 1
    for serial, row in enumerate(rows, start=1):
        sheet.append([serial, *row] if numbered else row)
        last += 1
        for column in text_columns:
            cell = sheet.cell(row=last, column=column)
            if isinstance(cell.value, str):
                cell.number_format = "@"
    for number in range(last + 1, last + 1 + blank_rows):
        for column in range(1, width + 1):
            sheet.cell(row=number, column=column).number_format = "@"
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def csv_file(rows, *, encoding="utf-8", headers=HEADERS, title=TITLE, blank_rows=3, numbered=True):
    """The same roster as CSV bytes in `encoding`; the title row, and blank rows below, padded with commas."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    width = len(headers)
    if title:
        writer.writerow([title] + [""] * (width - 1))
    writer.writerow(headers)
    for serial, row in enumerate(rows, start=1):
        writer.writerow([serial, *row] if numbered else row)
    for _ in range(blank_rows):
        writer.writerow([""] * width)
    return io.BytesIO(text.getvalue().encode(encoding))


def roster_file(kind, rows, **options):
    """(file, name) for kind "xlsx" or a CSV encoding ("utf-8", "utf-8-sig", "gb18030")."""
    if kind == "xlsx":
        return xlsx(rows, **options), "花名册.xlsx"
    return csv_file(rows, encoding=kind, **options), "花名册.csv"


def preview(places, actor, data, name):
    return engine.check(township=places.township, actor=actor, table=roster.open_table(data, name))


def commit(places, actor, data, name):
    return engine.commit(township=places.township, actor=actor, table=roster.open_table(data, name))
