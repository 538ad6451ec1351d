"""Every list to .xlsx and .csv, one way: as filtered on screen and limited to the user's
jurisdiction (the export reads the view's own queryset), a CSV that Chinese Excel opens (a UTF-8
byte-order mark), ID numbers typed into free text masked, and no cell a spreadsheet would run as a
formula. (The roster export, villages/exports.py, gives ID numbers in full only when asked and logged.)"""

from django.utils import timezone
from django_tables2.export import ExportMixin, TableExport

from villages import identity

# A cell starting with one of these is a formula to Excel (or to LibreOffice): "=HYPERLINK(…)" in a
# case summary must reach the sheet as text. Numbers are written as numbers and are not touched.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(cell):
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def safe(cell):
    """A list's cell as exported: an ID number typed into free text (a case's summary, a visit's
    notes) masked, as everywhere, and a formula defused."""
    if isinstance(cell, str):
        cell = identity.mask_id_numbers_in(cell)
    return defused(cell)


class SpreadsheetExport(TableExport):
    def export(self):
        data = super().export()
        return "\ufeff" + data if self.format == self.CSV else data


class DefusedTable:
    """A django-tables2 Table mixin: the exported values, defused."""

    def as_values(self, exclude_columns=None):
        for row in super().as_values(exclude_columns=exclude_columns):
            yield [safe(cell) for cell in row]


class SpreadsheetExportMixin(ExportMixin):
    """ExportMixin for the portal's lists: ?_export=xlsx or ?_export=csv, nothing else."""

    export_class = SpreadsheetExport
    export_formats = ("xlsx", "csv")

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y%m%d}.{export_format}"

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get(self.export_trigger_param) not in self.export_formats:
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        return super().render_to_response(context, **kwargs)
