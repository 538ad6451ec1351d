"""The period overview: one row per cadre, a column per item, sortable and exported to .xlsx."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from gridadmin.exports import DefusedTable

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class PointsColumn(tables.Column):
    """An item's points, read from the row's {item id: points}."""

    def __init__(self, item, **kwargs):
        self.item_id = item.pk
        super().__init__(verbose_name=item.short_label, accessor=f"points__{item.pk}", attrs=NUMBER, **kwargs)

    def value(self, record, value):
        return record.points.get(self.item_id)

    def render(self, record, value):
        return record.points.get(self.item_id, "—")


class OverviewTable(DefusedTable, tables.Table):
    rank_township = tables.Column(verbose_name=_("Rank"), attrs=NUMBER)
    cadre = tables.Column(
        verbose_name=_("Cadre"),
        linkify=lambda record: record.get_absolute_url(),
        order_by="cadre__name_pinyin",
        attrs=NOWRAP,
    )
    village = tables.Column(verbose_name=_("Village"), order_by="village__name", attrs=NOWRAP)
    grid = tables.Column(verbose_name=_("Grid"), default="", orderable=False, attrs=NOWRAP)
    role = tables.Column(verbose_name=_("Post"), attrs=NOWRAP)
    total = tables.Column(verbose_name=_("Total"), attrs=NUMBER)
    grade = tables.Column(verbose_name=_("Grade"), attrs=NOWRAP)
    rank_village = tables.Column(verbose_name=_("Village rank"), attrs=NUMBER)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "overview"}
        empty_text = _("Nobody is scored in this period yet: compute it.")
        row_attrs = {
            "data-passed": lambda record: "yes" if record.passed else "no",
            "class": lambda record: "" if record.passed else "table-danger",
        }
        orderable = True

    def __init__(self, rows, items, **kwargs):
        extra = [(f"item_{item.pk}", PointsColumn(item)) for item in items]
        sequence = ["rank_township", "cadre", "village", "grid", "role", *[name for name, _ in extra]]
        sequence += ["total", "grade", "rank_village"]
        super().__init__(rows, extra_columns=extra, sequence=sequence, **kwargs)

    def render_grid(self, value):
        return value.name if value else ""

    def value_grid(self, value):
        return value.name if value else ""

    def render_role(self, record):
        return record.get_role_display()

    def value_role(self, record):
        return record.get_role_display()

    def render_grade(self, record):
        return record.get_grade_display()

    def value_grade(self, record):
        return record.get_grade_display()

    def value_cadre(self, value):
        return value.name

    def value_village(self, value):
        return value.name
