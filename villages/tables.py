"""The household table (django-tables2): sortable by pinyin, links to each household."""

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Household


class HouseholdTable(tables.Table):
    head_name = tables.Column(verbose_name=_("Head of household"), linkify=True, order_by=("head_pinyin", "id"))
    group = tables.Column(verbose_name=_("Villager group"), order_by=("group__village__name", "group__number"))
    grid = tables.Column(
        verbose_name=_("Grid"), accessor="grid__name", order_by=("grid__village__name", "grid__number")
    )
    address = tables.Column(verbose_name=_("Address"))
    phone = tables.Column(verbose_name=_("Phone"))
    resident_count = tables.Column(verbose_name=_("People"), attrs={"td": {"class": "text-end"}})
    categories = tables.Column(verbose_name=_("Care categories"), accessor="pk", orderable=False)

    class Meta:
        model = Household
        fields = ["head_name", "group", "grid", "address", "phone", "resident_count", "categories"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No household matches.")

    def __init__(self, *args, sensitive_visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.sensitive_visible = sensitive_visible

    def render_categories(self, record):
        shown = [c for c in record.categories.all() if not c.is_sensitive or self.sensitive_visible(record)]
        return format_html_join(" ", '<span class="badge text-bg-light border">{}</span>', ((c,) for c in shown))
