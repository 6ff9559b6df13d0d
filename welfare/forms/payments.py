"""Forms of the accounts pages: the batch builder's filters and the bank response upload."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DayFirstDateField
from core.models import District
from welfare.models import PaymentBatch, PaymentLine, Scheme

MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # a response of a lakh lines is about 8 MB
class BatchFilterForm(forms.Form):
    """Which sanctioned applications a new batch takes (every filter is optional)."""

    scheme = forms.ModelChoiceField(queryset=Scheme.objects.order_by("name_en"), required=False,
                                    label=_("Scheme"), empty_label=_("Every scheme"))
    district = forms.ModelChoiceField(queryset=District.objects.order_by("name_en"),
                                      required=False, label=_("District"),
                                      empty_label=_("Every district"))
    sanctioned_from = DayFirstDateField(required=False, label=_("Sanctioned from"))
    sanctioned_to = DayFirstDateField(required=False, label=_("Sanctioned to"))

    def clean(self):
        data = super().clean()
        start, end = data.get("sanctioned_from"), data.get("sanctioned_to")
        if start and end and start > end:
            raise ValidationError(_("The first sanction date must not be after the last."),
                                  code="date_order")
        return data

    def filters(self) -> dict:
        """Return the cleaned filters as the selectors and services take them."""
        data = self.cleaned_data
        return {"scheme_id": data["scheme"].pk if data.get("scheme") else None,
                "district_id": data["district"].pk if data.get("district") else None,
                "sanctioned_from": data.get("sanctioned_from"),
                "sanctioned_to": data.get("sanctioned_to")}

    def fingerprint(self) -> str:
        """Return the filters as one string, to check that a confirmation matches its preview."""
        values = self.filters()
        return "|".join("" if values[key] is None else str(values[key]) for key in sorted(values))


class BankResponseUploadForm(forms.Form):
    """The bank's response file (CSV)."""

    file = forms.FileField(label=_("Bank response file (CSV, at most 20 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Upload the bank's response as a CSV file."), code="type")
        if upload.size > MAX_RESPONSE_BYTES:
            raise ValidationError(_("The file must be smaller than 20 MB."), code="size")
        return upload


class BatchFilter(django_filters.FilterSet):
    """The batch list's filters."""

    status = django_filters.ChoiceFilter(choices=PaymentBatch.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    scheme = django_filters.ModelChoiceFilter(queryset=Scheme.objects.order_by("name_en"),
                                              label=_("Scheme"), empty_label=_("Any scheme"))

    class Meta:
        model = PaymentBatch
        fields = []


class PaymentLineFilter(django_filters.FilterSet):
    """The filter of a batch's lines."""

    status = django_filters.ChoiceFilter(choices=PaymentLine.Status.choices,
                                         label=_("Payment status"), empty_label=_("Any status"))

    class Meta:
        model = PaymentLine
        fields = []
