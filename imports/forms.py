from django import forms
from django.utils.translation import gettext_lazy as _

from villages.jurisdiction import Action
from villages.models import Township, VillagerGroup

MAX_SIZE = 60 * 1024 * 1024  # a township of 30,000 households is about 8 MB as .xlsx


class UploadForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=Township.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK), in the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = VillagerGroup.objects.for_user(user, Action.EDIT).values("village__township")
        townships = list(Township.objects.filter(pk__in=editable))
        self.fields["township"].queryset = Township.objects.filter(pk__in=[t.pk for t in townships])
        self.only = townships[0] if len(townships) == 1 else None
        if self.only:  # the usual case: nothing to choose
            del self.fields["township"]

    def clean(self):
        cleaned = super().clean()
        if self.only:
            cleaned["township"] = self.only
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it by village.") % {"size": MAX_SIZE // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx) or a CSV file."))
        return upload
