"""Field-work tables (django-tables2): who is due, and the visits logged."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gridadmin.exports import DefusedTable

from .models import Visit
from .rules import Standing

NOWRAP = {"td": {"class": "text-nowrap"}}
STANDING_BADGES = {Standing.OVERDUE: "text-bg-danger", Standing.DUE_SOON: "text-bg-warning"}


def standing_badge(standing, day):
    badge = STANDING_BADGES.get(standing)
    if badge:
        return format_html('<span class="badge {}">{} · {}</span>', badge, standing.label, day.isoformat())
    return day.isoformat()


class DueTable(tables.Table):
    """Households by next due date. `explain(record)` gives (Due, Standing) from the fetched facts."""

    head_name = tables.Column(verbose_name=_("Household"), linkify=True, order_by=("head_pinyin",))
    address = tables.Column(verbose_name=_("Address"))
    group = tables.Column(verbose_name=_("Villager group"), accessor="group__name", order_by=("group__number",))
    last_visit = tables.DateColumn(verbose_name=_("Last visit"), format="Y-m-d", default="—", attrs=NOWRAP)
    due_on = tables.Column(verbose_name=_("Next due"), attrs=NOWRAP)
    rule = tables.Column(verbose_name=_("By the rule"), accessor="pk", orderable=False)
    log = tables.Column(verbose_name="", accessor="pk", orderable=False, attrs=NOWRAP)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Nobody is due a visit here.")
        row_attrs = {"data-household": lambda record: record.pk}

    def __init__(self, *args, explain, **kwargs):
        self.explain = explain
        super().__init__(*args, **kwargs)

    def render_last_visit(self, record):
        last = max(filter(None, (getattr(record, "last_visit", None), record.last_contact)), default=None)
        return last.isoformat() if last else "—"

    def render_due_on(self, record):
        due, standing = self.explain(record)
        return standing_badge(standing, due.on)

    def render_rule(self, record):
        due, _standing = self.explain(record)
        return due.rule.label

    def render_log(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-success" href="{}?household={}">{}</a>',
            reverse("visits:create"),
            record.pk,
            _("Log a visit"),
        )


class VisitTable(DefusedTable, tables.Table):
    visited_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", linkify=True, attrs=NOWRAP)
    subject = tables.Column(verbose_name=_("Household or representative"), accessor="pk", orderable=False)
    kind = tables.Column(verbose_name=_("Kind"), attrs=NOWRAP)
    grid = tables.Column(verbose_name=_("Grid"), order_by=("grid__village__name", "grid__number"))
    visitor = tables.Column(verbose_name=_("Visited by"), accessor="visitor__name", attrs=NOWRAP)
    needs = tables.Column(verbose_name=_("Needs raised"), orderable=False)
    case = tables.Column(verbose_name=_("Case"), orderable=False)

    class Meta:
        model = Visit
        fields = ["visited_on", "subject", "kind", "grid", "visitor", "needs", "case"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No visit matches.")

    def render_subject(self, record):
        return str(record.subject)

    def value_subject(self, record):
        return str(record.subject)

    def value_case(self, record, value):
        return value.reference if value else ""

    def render_case(self, record, value):
        """The case's number; a link only for those who may open it (`case_visible`)."""
        if record.case_visible:
            return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value.reference)
        return value.reference
