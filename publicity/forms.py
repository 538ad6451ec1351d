from django import forms
from django.utils.translation import gettext_lazy as _

from . import letters
from .models import BulletinPrint, PrintSettings

MAX_EMERGENCY_NUMBERS = 6  # two lines across the foot of a 90 mm card


class PrintSettingsForm(forms.ModelForm):
    class Meta:
        model = PrintSettings
        fields = ["service_promise", "emergency_numbers", "letter_title", "letter_body", "letter_signature"]
        widgets = {
            "service_promise": forms.Textarea(attrs={"rows": 3}),
            "emergency_numbers": forms.Textarea(attrs={"rows": 5}),
            "letter_body": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_body"].help_text = _("Placeholders filled in for each household: %(names)s.") % {
            "names": ", ".join(f"{{{name}}} ({label})" for name, label in letters.PLACEHOLDERS.items())
        }

    def clean_letter_body(self):
        body = self.cleaned_data["letter_body"]
        letters.check(body)
        return body

    def clean_emergency_numbers(self):
        text = self.cleaned_data["emergency_numbers"]
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_EMERGENCY_NUMBERS:
            raise forms.ValidationError(
                _("A contact card has room for %(n)s numbers; this has %(given)s.")
                % {"n": MAX_EMERGENCY_NUMBERS, "given": len(lines)},
                code="too_many_numbers",
            )
        for line in lines:
            line = line.strip()
            if line and not any(ch.isdigit() for ch in line.rpartition(" ")[2]):
                raise forms.ValidationError(
                    _("“%(line)s” has no number at its end; write what it is for, a space, then the number.")
                    % {"line": line},
                    code="no_number",
                )
        return text


class PrintedForm(forms.Form):
    """The browser says a bulletin was printed."""

    size = forms.ChoiceField(choices=BulletinPrint.Size.choices)
    fingerprint = forms.CharField(max_length=64)
