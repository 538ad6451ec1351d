"""Field-work forms, keyboard first: the household is typed or picked, the date is today, the kind
follows from the household, and everything else may stay empty. Choices are narrowed to where the
user works; the services check again inside their transaction."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import HouseholdPicker
from cases.models import Category
from villages.images import clean_photo
from villages.jurisdiction import Action
from villages.models import Cadre, Grid

from . import rules, selectors
from .models import Meeting, Patrol, Visit
from .rules import Kind

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
LINE = {"rows": 1}


def case_category_field():
    return forms.ChoiceField(
        label=_("Open a case for it"),
        required=False,
        choices=[("", _("No case needed"))] + list(Category.choices),
        help_text=_("Choose a category to register a coordination case at once."),
    )


class CaseFromRecordMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("case_category") and not cleaned.get("case_summary", "").strip():
            fallback = " ".join(cleaned.get(name, "") or "" for name in self.case_fallbacks).strip()
            if not fallback:
                self.add_error("case_summary", _("Say what the case is about."))
        return cleaned


class VisitForm(CaseFromRecordMixin, forms.ModelForm):
    """Log a visit to a household: pick it, say what was found, done."""

    household = HouseholdPicker(label=_("Household"))
    case_category = case_category_field()
    case_summary = forms.CharField(
        label=_("Case summary"),
        required=False,
        max_length=120,
        help_text=_("Empty: the needs raised (or the dangers found) become the summary."),
    )
    case_fallbacks = ("needs", "dangers")

    class Meta:
        model = Visit
        fields = [
            "household",
            "visited_on",
            "kind",
            "met",
            *Visit.FINDINGS,
            "notes",
            "photo",
            "late_reason",
        ]
        widgets = {
            "visited_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.TextInput() for name in Visit.FINDINGS},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["household"].queryset = selectors.visitable_households(user)
        self.fields["kind"].choices = [(k.value, k.label) for k in rules.HOUSEHOLD_KINDS]
        if selectors.is_representative_only(user):  # their visits are contact visits
            self.fields["kind"].initial = Kind.CONTACT
        self.fields["visited_on"].initial = timezone.localdate
        self.fields["met"].initial = _("Head of household")
        self.fields["late_reason"].help_text = _("Needed for a visit more than a day ago.")
        first = "met" if self.initial.get("household") else "household"
        self.fields[first].widget.attrs["autofocus"] = True

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return clean_photo(photo) if photo and hasattr(photo, "content_type") else None

    def clean_visited_on(self):
        return not_in_future(self.cleaned_data["visited_on"])

    def _post_clean(self):
        pass  # the service builds and checks the visit (place keys, visitor, constraints)


def not_in_future(day):
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future; log it on the day."))
    return day


class TalkForm(forms.Form):
    """A two-committee cadre's special talk with a villager representative."""

    representative = forms.ModelChoiceField(label=_("Villager representative"), queryset=Cadre.objects.none())
    visited_on = forms.DateField(label=_("Date of the talk"), initial=timezone.localdate, widget=DATE)
    notes = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    late_reason = forms.CharField(
        label=_("Why it is logged late"),
        required=False,
        max_length=200,
        help_text=_("Needed for a talk more than a day ago."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = Cadre.objects.filter(
            pk__in=selectors.talk_posts(user).values("cadre")
        ).order_by("name_pinyin")
        self.fields["representative"].label_from_instance = lambda c: c.name

    def clean_visited_on(self):
        return not_in_future(self.cleaned_data["visited_on"])


class PatrolForm(CaseFromRecordMixin, forms.ModelForm):
    """Log a patrol of one of one's grids."""

    case_category = case_category_field()
    case_summary = forms.CharField(label=_("Case summary"), required=False, max_length=120)
    case_fallbacks = ("findings",)

    class Meta:
        model = Patrol
        fields = ["grid", "patrolled_on", "started_at", "ended_at", "area", "findings", "late_reason"]
        widgets = {"patrolled_on": DATE, "started_at": TIME, "ended_at": TIME, "findings": forms.Textarea(LINE)}
        error_messages = {"grid": {"invalid_choice": _("You can record patrols only of your own grids.")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grids = Grid.objects.for_user(user, Action.VISIT).select_related("village")
        self.fields["grid"].queryset = grids
        self.fields["grid"].error_messages["invalid_choice"] = _("You can record patrols only of your own grids.")
        if len(grids) == 1:
            self.fields["grid"].initial = grids[0].pk
        # The last hour, within today (a patrol ends after it starts, on the same day).
        now = timezone.localtime().replace(second=0, microsecond=0)
        start = max(now - datetime.timedelta(hours=1), now.replace(hour=0, minute=0))
        end = max(now, start + datetime.timedelta(minutes=1))
        self.fields["patrolled_on"].initial = now.date()
        self.fields["started_at"].initial = start.strftime("%H:%M")
        self.fields["ended_at"].initial = end.strftime("%H:%M")
        self.fields["late_reason"].help_text = _("Needed for a patrol more than a day ago.")
        self.fields["area"].widget.attrs["autofocus"] = True

    def clean_patrolled_on(self):
        return not_in_future(self.cleaned_data["patrolled_on"])

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started and ended and ended <= started:
            self.add_error("ended_at", _("A patrol ends after it starts."))
        return cleaned

    def _post_clean(self):
        pass  # the service builds and checks the patrol


class WorkLogForm(forms.Form):
    text = forms.CharField(label=_("Log"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000)


class MeetingForm(forms.ModelForm):
    """Record the village committee's weekly meeting; the agenda comes drafted."""

    class Meta:
        model = Meeting
        fields = ["held_on", "attendees", "other_attendees", "agenda", "minutes", "decisions", "cases"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "cases": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 16}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, village, attendees, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].label_from_instance = lambda cadre: cadre.name
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: f"{case.reference} {case.summary}"

    def clean_held_on(self):
        return not_in_future(self.cleaned_data["held_on"])

    def _post_clean(self):
        pass  # the service writes and checks the meeting


class IntervalForm(forms.Form):
    """A township's visit intervals, in days, one per rule."""

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        for name, rule in rules.RULES.items():
            self.fields[name] = forms.IntegerField(
                label=rule.label,
                min_value=1,
                max_value=731,
                initial=table[name],
                help_text=_("Default: every %(days)s days.") % {"days": rule.days},
            )
