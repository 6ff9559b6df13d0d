"""Forms of the scheme catalogue: the state admin's scheme form and its amount slabs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayFirstDateInput
from registration.models import Worker
from welfare.models import DocumentKind, Scheme


class SchemeForm(forms.ModelForm):
    """A scheme's rules, as the state admin sets them (the slabs are a formset beside it)."""

    categories = forms.MultipleChoiceField(
        label=_("Categories of worker eligible"), choices=Worker.Category.choices,
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for every category."))
    documents = forms.MultipleChoiceField(
        label=_("Documents required"), choices=DocumentKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Scheme
        fields = ["code", "name_en", "name_hi", "description_en", "description_hi",
                  "categories", "min_membership_days", "gender", "min_age", "max_age",
                  "beneficiary", "limit_count", "limit_scope", "limit_period", "amount",
                  "documents", "opens_on", "closes_on", "budget_head", "budget_amount",
                  "is_active"]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_hi": forms.Textarea(attrs={"rows": 3}),
            "opens_on": DayFirstDateInput(), "closes_on": DayFirstDateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_on", "closes_on"):
            self.fields[name].help_text = _("Day first, e.g. 31/03/2026. Leave empty for "
                                            "no limit.")
        if self.instance.pk:
            # The code is printed in payment files and in links: it never changes.
            self.fields["code"].disabled = True
        self.fields["code"].widget.attrs["autocomplete"] = "off"

    def clean_code(self):
        code = self.cleaned_data["code"]
        return code if self.instance.pk else code.lower()

    def clean(self):
        data = super().clean()
        if data.get("min_age") is not None and data.get("max_age") is not None \
                and data["min_age"] > data["max_age"]:
            self.add_error("max_age", _("The maximum age cannot be less than the minimum age."))
        if data.get("opens_on") and data.get("closes_on") and data["opens_on"] > data[
                "closes_on"]:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return data

    def _post_clean(self):
        # Skip the model's own validation of the instance: the service validates and
        # saves (scheme_save), and a new scheme's unique code is checked there too.
        pass


class SchemeSlabForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label_en = forms.CharField(label=_("Slab (English)"), max_length=100)
    label_hi = forms.CharField(label=_("Slab (Hindi)"), max_length=100)
    amount = forms.DecimalField(label=_("Amount (₹)"), max_digits=10, decimal_places=2,
                                min_value=1)


SchemeSlabFormSet = forms.formset_factory(SchemeSlabForm, extra=1, can_delete=True,
                                          max_num=20)


def slab_rows(formset) -> list[dict]:
    """Return the slabs a valid formset keeps, in their order, as the service takes them."""
    return [{key: row[key] for key in ("id", "label_en", "label_hi", "amount")}
            for row in formset.cleaned_data if row and not row.get("DELETE")]


def check_amount_or_slabs(form, slabs: list[dict]) -> None:
    """Add the form error when neither an amount nor a slab is given, or both are."""
    amount = form.cleaned_data.get("amount")
    if amount is None and not slabs:
        form.add_error("amount", _("Give the amount, or at least one slab with its amount."))
    elif amount is not None and slabs:
        form.add_error("amount", _("Give either one amount or slabs, not both (leave the "
                                   "amount empty for slabs)."))
