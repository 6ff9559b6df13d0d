from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_mobile


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20,
        help_text=_("We will send a 6-digit code to this number by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel-national"}),
    )

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric",
                                      "autocomplete": "one-time-code"}),
        error_messages={"min_length": _("The code has 6 digits."),
                        "max_length": _("The code has 6 digits.")},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code has only digits."))
        return code


class DayFirstDateInput(forms.DateInput):
    """A date typed as Indians write it (31/03/2025); core/formats parses it."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": _("DD/MM/YYYY"), "inputmode": "numeric",
                                "autocomplete": "off", **(attrs or {})}, format="%d/%m/%Y")


class DayFirstDateField(forms.DateField):
    """A date field typed day first (ISO dates from date pickers are accepted too)."""

    widget = DayFirstDateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Day first, e.g. 31/03/2025."))
        super().__init__(**kwargs)
