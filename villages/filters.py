"""The household list's search and filters (django-filter), narrowed to the user's places."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from . import identity
from .models import Cadre, CareCategory, Grid, Household, Post, Resident, Village, VillagerGroup
from .selectors import households_in_category, posts_in_villages, visible_categories


def search_households(queryset, value):
    """Name, pinyin initials, the tail of a phone number, or the last four digits of an ID number."""
    term = identity.fold_typing(value)
    if not term:
        return queryset
    residents = Resident.objects.filter(household=OuterRef("pk"))
    if term.isdigit() or (len(term) == 4 and term[:3].isdigit()):
        by_number = Q(phone__endswith=term) | Exists(residents.filter(phone__endswith=term))
        if len(term) == 4:
            by_number |= Exists(residents.filter(id_last4=term.upper()))
        return queryset.filter(by_number)
    if term.isascii():
        letters = term.lower()
        return queryset.filter(
            Q(head_initials__startswith=letters)
            | Q(head_pinyin__startswith=letters)
            | Exists(residents.filter(Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters)))
        )
    return queryset.filter(Q(head_name__contains=term) | Exists(residents.filter(name__contains=term)))


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, pinyin initials, phone tail, last 4 ID digits"), "autofocus": True}
        ),
    )
    village = django_filters.ModelChoiceFilter(label=_("Village"), queryset=Village.objects.none())
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=Grid.objects.none())
    group = django_filters.ModelChoiceFilter(label=_("Villager group"), queryset=VillagerGroup.objects.none())
    category = django_filters.ModelChoiceFilter(
        label=_("Care category"), queryset=CareCategory.objects.none(), method="filter_category"
    )
    residence = django_filters.ChoiceFilter(label=_("Residence"), choices=Household.Residence.choices)

    class Meta:
        model = Household
        fields = ["q", "village", "grid", "group", "category", "residence"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["village"].queryset = Village.objects.for_user(user)
        self.filters["grid"].queryset = Grid.objects.for_user(user).select_related("village")
        self.filters["group"].queryset = VillagerGroup.objects.for_user(user).select_related("village")
        self.filters["category"].queryset = visible_categories(user)

    def filter_search(self, queryset, name, value):
        return search_households(queryset, value)

    def filter_category(self, queryset, name, category):
        return households_in_category(self.user, category, queryset)


class CadreFilter(django_filters.FilterSet):
    """The cadre directory: by name or pinyin, by village (any post in it or below), by role."""

    q = django_filters.CharFilter(
        label=_("Name or pinyin"), method="filter_name", widget=forms.TextInput(attrs={"autofocus": True})
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Village.objects.none(), method="filter_village"
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Post.Role.choices, method="filter_role")

    class Meta:
        model = Cadre
        fields = ["q", "village", "role"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["village"].queryset = Village.objects.for_user(user)

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if value.isascii():
            return queryset.filter(name_pinyin__startswith=value.lower())
        return queryset.filter(name__contains=value)

    def filter_village(self, queryset, name, village):
        return queryset.filter(pk__in=Post.objects.current().filter(posts_in_villages([village])).values("cadre"))

    def filter_role(self, queryset, name, role):
        return queryset.filter(pk__in=Post.objects.current().filter(role=role).values("cadre"))
