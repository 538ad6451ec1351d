"""The household table (django-tables2): sortable by pinyin, links to each household."""

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from gridadmin.exports import DefusedTable

from .jurisdiction import Action, jurisdiction_for
from .models import Household


class HouseholdTable(DefusedTable, tables.Table):
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction_for(user)

    def shown_categories(self, record):
        """The household's care categories this user may see: a sensitive one only with SENSITIVE."""
        sensitive = self.jurisdiction.allows(Action.SENSITIVE, record)
        return [c for c in record.categories.all() if sensitive or not c.is_sensitive]

    def render_categories(self, record):
        shown = self.shown_categories(record)
        return format_html_join(" ", '<span class="badge text-bg-light border">{}</span>', ((c,) for c in shown))

    def value_categories(self, record):
        return "、".join(str(c) for c in self.shown_categories(record))
