"""Assessment forms: the scheme editor (a scheme and its items), a period to open, a manual item,
its decision and the cadre's answer. The services check everything again; the forms say it first."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import as_pk
from cases.models import Case
from villages.models import Post
from visits.models import Visit

from .models import MAX_POINTS, Entry, Item, Scheme, SchemeVersion, Source
from .scoring import Metric

# Posts a scheme may assess: the cadres of the villages and grids (the township assesses them).
ASSESSED_ROLES = [
    (role.value, role.label)
    for role in (
        Post.Role.VILLAGE_SECRETARY,
        Post.Role.VILLAGE_DIRECTOR,
        Post.Role.COMMITTEE_MEMBER,
        Post.Role.RESIDENT_CADRE,
        Post.Role.AREA_CHIEF,
        Post.Role.GRID_LEADER,
        Post.Role.GRID_MEMBER,
    )
]


class SchemeForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("posts assessed"), choices=ASSESSED_ROLES, widget=forms.CheckboxSelectMultiple
    )
    total = SchemeVersion._meta.get_field("total").formfield()
    pass_mark = SchemeVersion._meta.get_field("pass_mark").formfield(min_value=0)
    excellent_at = SchemeVersion._meta.get_field("excellent_at").formfield(
        min_value=0, help_text=_("Usually 90 per cent of the total.")
    )

    class Meta:
        model = Scheme
        fields = ["name", "cycle", "roles"]

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.periods.exists():  # its periods are months, or quarters…
            self.fields["cycle"].disabled = True
            self.fields["cycle"].help_text = _("Fixed once a period is opened.")
        if version is not None:
            for name in ("total", "pass_mark", "excellent_at"):
                self.fields[name].initial = getattr(version, name)


class ItemForm(forms.Form):
    metric = forms.ChoiceField(
        label=_("measured from the records"),
        choices=[("", _("— manual item —")), *Metric.choices],
        required=False,
    )
    name = forms.CharField(label=_("item"), max_length=100, required=False)
    effect = forms.ChoiceField(label=_("effect"), choices=Item.Effect.choices, initial=Item.Effect.EARN)
    max_points = forms.IntegerField(label=_("points"), min_value=1, max_value=MAX_POINTS)
    zero_at = forms.DecimalField(label=_("no points at"), max_digits=9, decimal_places=2, required=False)
    full_at = forms.DecimalField(label=_("full points at"), max_digits=9, decimal_places=2, required=False)
    points_each = forms.DecimalField(
        label=_("points per case"), max_digits=6, decimal_places=1, min_value=0.1, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            css = "form-select form-select-sm" if choice else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("aria-label", field.label)


class BaseItemFormSet(forms.BaseFormSet):
    def items(self):
        """The kept items as Item field dicts, in order."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            kept.append({name: value for name, value in data.items() if name != "DELETE"})
        return kept


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=2, can_delete=True, max_num=30)
# A new scheme offers a row for each measure of the work and two manual items: filled in one go.
NewItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=11, can_delete=True, max_num=30)


def item_initial(version):
    return [
        {
            "metric": item.metric,
            "name": item.name,
            "effect": item.effect,
            "max_points": item.max_points,
            "zero_at": item.zero_at,
            "full_at": item.full_at,
            "points_each": item.points_each,
        }
        for item in version.items.all()
    ]


class OpenPeriodForm(forms.Form):
    day = forms.DateField(
        label=_("a day in the period"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class EntryForm(forms.ModelForm):
    case = forms.CharField(
        label=_("case number"), required=False, help_text=_("The number on the case page, e.g. 20261104-37.")
    )
    visit = forms.IntegerField(label=_("visit number"), required=False, min_value=1)

    class Meta:
        model = Entry
        fields = ["item", "points", "source", "reason", "case", "visit", "evidence"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, score, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.score, self.user = score, user
        self.fields["item"].queryset = score.period.version.items.filter(metric="")
        self.fields["item"].empty_label = None
        self.fields["source"].choices = Source.choices

    def clean_case(self):
        value = self.cleaned_data["case"].strip()
        if not value:
            return None
        case = Case.objects.for_user(self.user).filter(pk=as_pk(value.rsplit("-", 1)[-1])).first()
        if case is not None and "-" in value and case.reference != value:
            case = None  # the date part must be the case's own
        if case is None:
            raise ValidationError(_("No case with this number that you can see."))
        return case

    def clean_visit(self):
        value = self.cleaned_data["visit"]
        if value is None:
            return None
        visit = Visit.objects.for_user(self.user).filter(pk=value).first()
        if visit is None:
            raise ValidationError(_("No visit with this number that you can see."))
        return visit

    def clean(self):
        data = super().clean()
        item, points = data.get("item"), data.get("points")
        if item is not None and points is not None and points > item.max_points:
            self.add_error("points", _("At most %(max)s points for this item.") % {"max": item.max_points})
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note on the decision"), max_length=200, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
