"""The case list's filters (django-filter), narrowed to the user's places."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from villages.models import Grid, Village

from .forms import as_pk
from .models import Case, Category
from .workflow import Level, Procedure, Status, Urgency


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=100,
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Summary, household, number")}),
    )
    procedure = django_filters.ChoiceFilter(label=_("Procedure"), choices=Procedure.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=pgettext_lazy("case", "Status"), choices=Status.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    urgency = django_filters.ChoiceFilter(
        label=_("Handling"),
        choices=[
            ("in_hand", _("Waiting or being handled")),
            (Urgency.RED, _("Overdue")),
            (Urgency.YELLOW, _("Due soon")),
        ],
        method="filter_urgency",
    )
    village = django_filters.ModelChoiceFilter(label=_("Village"), queryset=Village.objects.none())
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=Grid.objects.none())

    class Meta:
        model = Case
        fields = ["q", "procedure", "category", "status", "level", "urgency", "village", "grid"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["village"].queryset = Village.objects.for_user(user)
        self.filters["grid"].queryset = Grid.objects.for_user(user).select_related("village")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = as_pk(value.rsplit("-", 1)[-1])
        by_text = Q(summary__contains=value) | Q(household__head_name__contains=value) | Q(location__contains=value)
        return queryset.filter(by_text | Q(pk=number) if number is not None else by_text)

    def filter_urgency(self, queryset, name, value):
        if value == "in_hand":
            return queryset.in_hand()
        return queryset.overdue() if value == Urgency.RED else queryset.due_soon()
