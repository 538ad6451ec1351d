"""Case forms: quick intake, the steps of a case, the "four must report" shortcuts, deadlines.

Every choice of a place or a household is narrowed to where the user may report; the services
check again inside their transaction."""

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from villages import identity
from villages.images import clean_photo
from villages.jurisdiction import Action
from villages.models import Grid, Household, Place, Resident

from . import services, workflow
from .models import Case
from .workflow import Level, Procedure


def as_pk(value):
    """A row number typed or sent by a user, or None: plain ASCII digits only ("²" is a digit to
    Python's isdigit, not to int), and no longer than a database key."""
    value = str(value).strip()
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else None


NOTE_LENGTH = 2000  # a note is read on every view of the case: a page, not a file


def reportable_households(user):
    """Households the user both sees and may report on (a volunteer sees none)."""
    return Household.objects.for_user(user, Action.VIEW).for_user(user, Action.REPORT)


class HouseholdPicker(forms.CharField):
    """Type a head of household's name, its pinyin initials, or pick from the list the page offers
    as you type (`#<number>` at the end of an entry). Only households the user may see count."""

    widget = forms.TextInput(attrs={"list": "household-options", "autocomplete": "off", "data-household-picker": ""})

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Household):
            return label(value)
        if as_pk(value) is not None:
            household = self.queryset.filter(pk=as_pk(value)).first()
            return label(household) if household else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        number = as_pk(value.rsplit("#", 1)[-1]) if "#" in value else None
        if number is not None:
            household = self.queryset.filter(pk=number).first()
            if household:
                return household
        text = value.split("·")[0].strip()
        matches = list(
            self.queryset.filter(
                Q(head_name=text) | Q(head_initials__iexact=text) | Q(head_pinyin__iexact=text.replace(" ", ""))
            ).select_related("group")[:6]
        )
        if not matches:
            raise forms.ValidationError(_("No household you can see matches “%(text)s”.") % {"text": text})
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several households match: %(list)s. Pick one from the list.")
                % {"list": "; ".join(label(h) for h in matches[:5])}
            )
        return matches[0]


def label(household):
    return f"{household.head_name} · {household.address} #{household.pk}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _files_help():
    return gettext(
        "Photos (JPEG, PNG) up to %(photo)s MB, PDF documents up to %(pdf)s MB; at most %(count)s files."
    ) % {
        "photo": settings.PHOTO_MAX_UPLOAD_BYTES // 2**20,
        "pdf": settings.CASE_DOCUMENT_MAX_BYTES // 2**20,
        "count": settings.CASE_MAX_FILES,
    }


files_help = lazy(_files_help, str)  # in the language of the request that shows it


class AttachmentsField(forms.FileField):
    """Photos (re-encoded by the registry's photo handling) and PDF documents, several at once."""

    widget = MultipleFileInput(attrs={"accept": "image/*,application/pdf"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", files_help())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > settings.CASE_MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files at a time.") % {"count": settings.CASE_MAX_FILES}
            )
        return [clean_upload(upload) for upload in uploads]


def clean_upload(upload):
    """A checked copy of one upload under a generated name; its own name is kept for display."""
    name = upload.name
    if name.lower().endswith(".pdf"):
        if upload.size > settings.CASE_DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The document %(name)s is larger than %(mb)s MB.")
                % {"name": name, "mb": settings.CASE_DOCUMENT_MAX_BYTES // 2**20}
            )
        upload.seek(0)
        content = upload.read()
        if not content.startswith(b"%PDF-"):
            raise forms.ValidationError(_("%(name)s is not a PDF document.") % {"name": name})
        checked = ContentFile(content, name=f"{uuid.uuid4().hex}.pdf")
    else:
        try:
            checked = clean_photo(upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(f"{name}: {' '.join(error.messages)}") from None
    checked.original_name = name
    return checked


class IntakeForm(forms.ModelForm):
    """Register a case in one screen, by keyboard: who, what, which procedure; a general matter
    also says how it was handled on the spot."""

    household = HouseholdPicker(label=_("Household"), required=False)
    result = forms.CharField(
        label=_("How it was handled"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a general matter handled on the spot."),
    )
    start_level = forms.TypedChoiceField(
        label=_("Handled at"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty to handle it at your own level; or send it down to where it can be solved."),
    )
    files = AttachmentsField(label=_("Photos and documents"))

    class Meta:
        model = Case
        fields = [
            "household",
            "summary",
            "category",
            "procedure",
            "channel",
            "result",
            "description",
            "grid",
            "place",
            "location",
            "resident_name",
            "resident_phone",
            "start_level",
            "files",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 4 * NOTE_LENGTH}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["household"].queryset = reportable_households(user)
        # Keyboard first: the cursor starts in the first field still empty.
        first = "summary" if self.initial.get("household") else "household"
        self.fields[first].widget.attrs["autofocus"] = True
        self.fields["grid"].queryset = Grid.objects.for_user(user, Action.REPORT).select_related("village")
        self.fields["grid"].required = False
        self.fields["grid"].help_text = _("Needed only when the matter concerns no household.")
        self.fields["place"].queryset = Place.objects.for_user(user, Action.REPORT).select_related("grid")
        self.fields["procedure"].initial = Procedure.GENERAL
        self.fields["start_level"].choices = [("", _("My own level"))] + [
            (level.value, level.label) for level in Level if level < Level.DEPARTMENT
        ]

    def clean_description(self):
        description = self.cleaned_data["description"]
        if len(description) > 4 * NOTE_LENGTH:
            raise forms.ValidationError(
                _("Keep the description under %(count)s characters; attach a document for more.")
                % {"count": 4 * NOTE_LENGTH}
            )
        return description

    def clean_resident_phone(self):
        phone = self.cleaned_data["resident_phone"]
        if phone:
            identity.validate_phone(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        household, place, grid = cleaned.get("household"), cleaned.get("place"), cleaned.get("grid")
        if not (household or place or grid) and not self.errors.get("household"):
            self.add_error("household", _("Say which household, facility or grid the matter concerns."))
        if cleaned.get("procedure") == Procedure.GENERAL and not cleaned.get("result", "").strip():
            self.add_error("result", _("Say how the matter was handled on the spot."))
        return cleaned


class StepForm(forms.Form):
    """One step of a case (see workflow.TRANSITIONS), sent with the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, case, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        transition = workflow.TRANSITIONS[name]
        self.fields["note"].required = transition.needs_note
        self.fields["note"].label = STEP_NOTE_LABELS.get(name, _("Note"))
        if name in services.NEEDS_DEPARTMENT:
            self.fields["department"].required = True
            self.fields["department"].choices = [("", "")] + [(d, d) for d in services.departments(case.township_id)]
        else:
            del self.fields["department"]


# The buttons: what the step does (the timeline says what was done: CaseEvent.Kind).
STEP_LABELS = {
    "accept": _("Accept"),
    "escalate": _("Escalate to the level above"),
    "dispatch": _("Dispatch to a department"),
    "return": _("Return to the level below"),
    "send_back": _("Send back for more information"),
    "recall": _("Take back from the department"),
    "resolve": _("Resolve"),
    "confirm_satisfied": _("Resident satisfied: close"),
    "reopen": _("Resident not satisfied: reopen"),
    "close_dissatisfied": _("Close, the resident still dissatisfied"),
    "withdraw": _("Close without handling"),
    "submit_for_verification": _("Submit to the village for verification"),
    "verify_and_submit": _("Verify and submit to the department"),
    "decide": _("Record the decision"),
    "publish_notice": _("Post the public notice"),
    "close_notice": _("End the public notice and close"),
}

STEP_NOTE_LABELS = {
    "escalate": _("Why it cannot be solved at this level"),
    "dispatch": _("What the department should do"),
    "return": _("Why it goes back"),
    "send_back": _("What is missing"),
    "recall": _("Why the township centre takes it back"),
    "close_dissatisfied": _("What was done, and why nothing more can be"),
    "withdraw": _("Why it is closed without handling"),
    "resolve": _("The result"),
    "reopen": _("What the resident is not satisfied with"),
    "decide": _("The decision"),
}


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(label=_("Responsible person"), queryset=None)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = services.handlers(case)
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class NoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Update"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    objection = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ExtensionRequestForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("More days"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ExtensionDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        choices=[("yes", _("Approve")), ("no", _("Refuse"))], coerce=lambda value: value == "yes"
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)  # the extension's answer


class AttachForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    files = AttachmentsField(label=_("Photos and documents"), required=True)


class DeadlineForm(forms.Form):
    """The township's deadline table: for each procedure and level, hours until the yellow warning
    and until the red limit (past which the case climbs by itself)."""

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for procedure in Procedure:
            cells = []
            for level in Level:
                warn, due = table[procedure][level]
                pair = []
                for part, value in (("warn", warn), ("due", due)):
                    name = f"{procedure}_{level.value}_{part}"
                    self.fields[name] = forms.DecimalField(
                        label=f"{procedure.label} · {level.label}",
                        min_value=0.5 if part == "due" else 0,
                        max_value=24 * 365,
                        decimal_places=1,
                        initial=hours(value),
                        widget=forms.NumberInput(attrs={"step": "0.5", "class": "form-control form-control-sm"}),
                    )
                    pair.append(self[name])
                cells.append((level, pair))
            self.rows.append((procedure, cells))

    def clean(self):
        cleaned = super().clean()
        for procedure in Procedure:
            for level in Level:
                warn = cleaned.get(f"{procedure}_{level.value}_warn")
                due = cleaned.get(f"{procedure}_{level.value}_due")
                if warn is not None and due is not None and warn > due:
                    self.add_error(f"{procedure}_{level.value}_warn", _("The warning must come before the limit."))
        return cleaned

    def table(self):
        return {
            (procedure, level): tuple(
                datetime.timedelta(hours=float(self.cleaned_data[f"{procedure}_{level.value}_{part}"]))
                for part in ("warn", "due")
            )
            for procedure in Procedure
            for level in Level
        }


def hours(delta):
    value = delta.total_seconds() / 3600
    return int(value) if value == int(value) else round(value, 1)


class NewcomerForm(forms.ModelForm):
    """A birth or a migrant's arrival: the person joins a household, and the case records it."""

    household = HouseholdPicker(label=_("Household"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Resident
        fields = ["household", "name", "id_number", "phone", "relation"]

    def __init__(self, *args, user, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["household"].queryset = Household.objects.for_user(user, Action.EDIT).for_user(user, Action.REPORT)
        if kind == "birth":
            self.fields["relation"].initial = Resident.Relation.CHILD
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Given when the child is registered. Without it the case stays open to add the child later."
            )
            self.fields["name"].label = _("Child's name")
            del self.fields["phone"]
        else:
            self.fields["relation"].initial = Resident.Relation.OTHER
            self.fields["origin"] = forms.CharField(label=_("Came from"), max_length=100)
            self.fields["arrived_on"] = forms.DateField(
                label=_("Arrived on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
            )

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return identity.normalize_id_number(value) if value else value

    def _post_clean(self):
        if self.kind == "birth" and not self.cleaned_data.get("id_number"):
            return  # no resident row yet: nothing to validate against the model
        super()._post_clean()

    def clean_arrived_on(self):
        arrived_on = self.cleaned_data["arrived_on"]
        if arrived_on > timezone.localdate():
            raise forms.ValidationError(_("The arrival date cannot be in the future."))
        return arrived_on
