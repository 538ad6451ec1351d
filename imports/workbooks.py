"""The .xlsx files the import hands out: the roster template and a run's problem report."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from gridadmin.exports import defused
from villages import identity, roster

from .engine import RELATION_EXAMPLES

TEXT = "@"  # Excel's Text format: an 18-digit ID number stays as typed
TEXT_COLUMNS = {"id_number", "phone"}
HEADER_FILL = PatternFill("solid", fgColor="DDEBDD")
EXAMPLE = {
    "village": "郑荣村",
    "grid": "第一网格",
    "group": "第1组",
    "address": "郑荣村郑荣路12号",
    "head_name": "郑章木",
    "name": "郑章木",
    "id_number": identity.make_id_number("350521", datetime.date(1965, 3, 12), 3),
    "relation": "户主",
    "phone": "13905951234",
    "residence": "户籍",
}
ROWS_FORMATTED = 5000  # the ID and phone cells of this many rows are set to Text before anyone types


def _save(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template():
    """Headers in Chinese, one example row, the ID and phone columns formatted as text, drop-down
    lists for the relation and the residence, and a sheet that explains each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    fields = list(roster.COLUMNS)
    for index, name in enumerate(fields, start=1):
        header, _aliases, required = roster.COLUMNS[name]
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True, color="B00000" if required else "000000")
        cell.fill = HEADER_FILL
        example = sheet.cell(row=2, column=index, value=EXAMPLE[name])
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 22 if name in TEXT_COLUMNS or name == "address" else 12
        if name in TEXT_COLUMNS:
            example.number_format = TEXT
            for row in range(3, ROWS_FORMATTED + 2):
                sheet.cell(row=row, column=index).number_format = TEXT
        if name in ("relation", "residence"):
            words = RELATION_EXAMPLES.split("、") if name == "relation" else ["户籍", "流动", "人户分离"]
            listed = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
            listed.add(f"{letter}2:{letter}{ROWS_FORMATTED + 1}")
            sheet.add_data_validation(listed)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    notes.append([_("Column"), _("What to write")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    explained = {
        "village": _("The administrative village, as the portal names it. Required."),
        "grid": _("The grid (optional): checked against the group's grid."),
        "group": _("The villager group: its name or number (第3组, 3组, 三组, 3). Required."),
        "address": _("The household's address. Required."),
        "head_name": _("The head of household's name, on every row of the household. Required."),
        "name": _("The person's name. Required."),
        "id_number": _(
            "The 18-character resident ID number. Keep this column formatted as Text: Excel turns a "
            "long number into 3.50521E+17 and loses its last digits. Required."
        ),
        "relation": _("Relation to the head: %(words)s. Required.") % {"words": RELATION_EXAMPLES},
        "phone": _("An 11-digit mobile number (optional). The head's number is the household's."),
        "residence": _("户籍, 流动 or 人户分离 (optional; read from the head's row)."),
    }
    for name in fields:
        header, aliases, _required = roster.COLUMNS[name]
        notes.append(
            [
                header,
                explained[name] + " " + _("Also accepted as a header: %(aliases)s.") % {"aliases": ", ".join(aliases)},
            ]
        )
    notes.append([])
    notes.append(["", _("One row per person. The rows of a household share the village, group, address and head.")])
    notes.append(["", _("Importing the same file again changes nothing: people are matched by ID number.")])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)


def report(run):
    """A run's problems: row, column, problem and the cell as it was (ID numbers masked)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Problems"))
    sheet.append([_("Row"), _("Column"), _("Header"), _("Problem"), _("Cell")])
    for row, letter, header, message, value in run.problems:
        sheet.append([row or "", letter, header, message, defused(value)])
    if run.problem_count > len(run.problems):
        sheet.append(
            ["", "", "", _("… and %(count)s more problems.") % {"count": run.problem_count - len(run.problems)}]
        )
    return _save(book)
