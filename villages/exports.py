"""The roster export: the residents of the households a user sees (as filtered), in the import
template's columns, so that a roster can go out to Excel and come back in unchanged. ID numbers
are masked unless the user asks for them in full, may reveal them, and gives a reason: then each
number given is logged as a reveal."""

import csv
import io

from django.db import transaction
from django.db.models import Case, When
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from gridadmin.exports import defused

from . import identity, roster
from .jurisdiction import Action, jurisdiction_for
from .models import IdReveal, Resident

TEXT_FIELDS = {"id_number", "phone"}


def roster_residents(households):
    """The present residents of these households, a household's head first: one query."""
    return (
        Resident.objects.present()
        .filter(household__in=households.order_by().values("pk"))
        .select_related("household__group__village", "household__grid")
        .annotate(not_head=Case(When(relation=Resident.Relation.HEAD, then=0), default=1))
        .order_by(
            "household__village__name",
            "household__group__number",
            "household__head_pinyin",
            "household_id",
            "not_head",
            "id",
        )
    )


def rows(residents, full_for=frozenset()):
    """The roster's rows: header first; a resident's ID number in full only if their pk is in `full_for`."""
    yield [header for header, _aliases, _required in roster.COLUMNS.values()]
    for resident in residents:
        household = resident.household
        number = resident.id_number if resident.pk in full_for else identity.mask_id_number(resident.id_number)
        yield [
            household.group.village.name,
            household.grid.name,
            household.group.name,
            household.address,
            household.head_name,
            resident.name,
            number,
            roster.RELATION_WORDS[resident.relation],
            resident.phone,  # the person's own: the household's phone stays as it is when the row has none
            roster.RESIDENCE_WORDS.get(household.residence, ""),
        ]


def revealed(*, actor, residents, reason, ip_address):
    """The pks of those residents whose numbers the actor may reveal, each reveal logged."""
    jurisdiction = jurisdiction_for(actor)
    allowed = [r for r in residents if jurisdiction.allows(Action.REVEAL, r)]
    with transaction.atomic():
        IdReveal.objects.bulk_create(
            [IdReveal(resident=r, user=actor, reason=reason, ip_address=ip_address) for r in allowed], batch_size=2000
        )
    return frozenset(r.pk for r in allowed)


def as_xlsx(table):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    fields = list(roster.COLUMNS)
    for index, values in enumerate(table):
        if index == 0:
            sheet.append(values)
            continue
        cells = []
        for name, value in zip(fields, values, strict=True):
            cell = WriteOnlyCell(sheet, value=defused(value))
            if name in TEXT_FIELDS:
                cell.number_format = "@"  # an ID number stays text when the sheet is edited and saved
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(table):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel in Chinese opens UTF-8 only with its byte-order mark
    writer = csv.writer(buffer)
    for values in table:
        writer.writerow([defused(value) for value in values])
    return buffer.getvalue().encode("utf-8")


FORMATS = {
    "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (as_csv, "text/csv; charset=utf-8"),
}
