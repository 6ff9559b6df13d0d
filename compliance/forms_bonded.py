"""Forms and the list filter of bonded labour cases: rescue, released person, the steps after.

Forms check the shape of what is typed; the services in ``compliance.services`` check
the rules that need the database (jurisdiction, dates against the release, the package
limit) and raise ``ValidationError`` keyed by these forms' field names.
"""

from __future__ import annotations

import uuid as uuid_module

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance import selectors
from compliance.models import BondedCase, RehabComponent, RescueOperation
from core.forms import DayFirstDateField
from core.models import District, State
from core.validators import normalise_mobile
from registration.selectors import district_choices
from registration.validators import DOCUMENT_TYPES, clean_document

DOCUMENT_ACCEPT = ",".join(DOCUMENT_TYPES)


def state_districts():
    """Return the districts of this portal's state, by name."""
    return District.objects.filter(state__code=settings.PORTAL_STATE_CODE).order_by("name_en")


def this_state() -> State | None:
    """Return this portal's state (the default state of a rescue)."""
    return State.objects.filter(code=settings.PORTAL_STATE_CODE).first()


# --- The list ---------------------------------------------------------------------------


class BondedCaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Name or case number"))
    origin_district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), label=_("Home district"),
        empty_label=_("Any district"))
    stage = django_filters.ChoiceFilter(choices=BondedCase.Stage.choices, label=_("Stage"),
                                        empty_label=_("Any stage"))
    legal_stage = django_filters.ChoiceFilter(choices=BondedCase.LegalStage.choices,
                                              label=_("Legal action"),
                                              empty_label=_("Any"))
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", label=_("Immediate assistance"),
        choices=[("1", _("Overdue only"))], empty_label=_("Any"))
    legal_pending = django_filters.ChoiceFilter(
        method="filter_legal_pending", label=_("Prosecution"),
        choices=[("1", _("FIR, charge sheet or trial pending"))], empty_label=_("Any"))
    open = django_filters.ChoiceFilter(
        method="filter_open", label=_("Rehabilitation"),
        choices=[("1", _("Not yet rehabilitated"))], empty_label=_("Any"))
    awaiting = django_filters.ChoiceFilter(
        method="filter_awaiting", label=_("Released elsewhere"),
        choices=[("here", _("Awaiting assistance here"))], empty_label=_("Any"))

    class Meta:
        model = BondedCase
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Any district of the state: a case released in the user's district may belong to
        # a person from elsewhere (the overview links to those rows too).
        self.filters["origin_district"].queryset = District.objects.filter(
            state__code=settings.PORTAL_STATE_CODE)
        # "Here" is a district of the user's: the state admin has none.
        if user is None or not user.district_ids:
            del self.filters["awaiting"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(number__icontains=value)
                               | Q(relative_name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.filter(selectors.assistance_overdue_q(today=timezone.localdate()))

    def filter_legal_pending(self, queryset, name, value):
        if value != "1":
            return queryset
        L = BondedCase.LegalStage
        return queryset.filter(legal_stage__in=[L.FIR, L.CHARGESHEET, L.TRIAL])

    def filter_open(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.exclude(stage=BondedCase.Stage.REHABILITATED)

    def filter_awaiting(self, queryset, name, value):
        if value != "here":
            return queryset
        return queryset.filter(pk__in=selectors.bonded_awaiting_here(
            user=self.request.user).values("pk"))


# --- A rescue operation ---------------------------------------------------------------


class RescueOperationForm(forms.ModelForm):
    """A rescue: where (this state with its district, or another state) and who rescued."""

    rescued_on = DayFirstDateField(label=_("Date of rescue"))

    class Meta:
        model = RescueOperation
        fields = ["rescued_on", "place", "state", "district", "place_district_name", "agency",
                  "vigilance_committee", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = State.objects.order_by("name_en")
        self.fields["state"].empty_label = None
        self.fields["district"].queryset = district_choices(user=user).filter(
            state__code=settings.PORTAL_STATE_CODE)
        self.fields["district"].help_text = _("Required for a rescue in this state.")
        self.fields["district"].empty_label = _("Not in this state")

    def _post_clean(self):
        # The service records the operation and checks what needs the database.
        pass


# --- A released person ------------------------------------------------------------------


def _clean_certificate(upload):
    """Check the certificate by its content; give it a name that says nothing of the person."""
    content_type = clean_document(upload)
    upload.name = f"{uuid_module.uuid4().hex}.{DOCUMENT_TYPES[content_type]}"
    return upload


class BondedCaseForm(forms.ModelForm):
    """The released person, the employer, the debt and the release certificate."""

    released_on = DayFirstDateField(
        label=_("Date of release"), required=False,
        help_text=_("Day first, e.g. 31/03/2025. Empty: the date of the rescue."))
    bonded_since = DayFirstDateField(label=_("Bonded since"), required=False)
    certificate_on = DayFirstDateField(label=_("Release certificate date"), required=False)
    certificate = forms.FileField(
        label=_("Release certificate (PDF, JPEG or PNG)"), required=False,
        help_text=_("PDF, JPEG or PNG, smaller than 5 MB."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}))

    class Meta:
        model = BondedCase
        fields = ["name", "relative_name", "gender", "age", "mobile", "address",
                  "origin_district", "released_on", "category", "employer_name",
                  "employer_address", "work", "advance_amount", "bonded_since",
                  "certificate_number", "certificate_on", "certificate_magistrate"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}),
                   "employer_address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "origin_district" in self.fields:
            self.fields["origin_district"].queryset = state_districts()
            self.fields["origin_district"].help_text = _(
                "The district that assists and rehabilitates the person.")
        self.fields["mobile"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["age"].widget.attrs.update(min=0, max=120)

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile")
        return normalise_mobile(mobile) if mobile else ""

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and not 0 <= age <= 120:
            raise ValidationError(_("Enter an age between 0 and 120 years."), code="age")
        return age

    def clean_advance_amount(self):
        amount = self.cleaned_data.get("advance_amount")
        if amount is not None and amount < 0:
            raise ValidationError(_("The amount cannot be negative."), code="negative")
        return amount

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        return _clean_certificate(upload) if upload else None

    def case_data(self) -> dict:
        """Return what the services take as ``data`` (the certificate goes separately)."""
        return {key: value for key, value in self.cleaned_data.items() if key != "certificate"}

    def _post_clean(self):
        pass


class BondedCaseUpdateForm(BondedCaseForm):
    """Corrections to a case; the home district changes only by handing the case over."""

    released_on = DayFirstDateField(label=_("Date of release"))

    class Meta(BondedCaseForm.Meta):
        fields = [name for name in BondedCaseForm.Meta.fields if name != "origin_district"]


# --- Steps on a case -------------------------------------------------------------------


class HandOverForm(forms.Form):
    district = forms.ModelChoiceField(
        queryset=District.objects.none(), label=_("Hand over to the district"),
        help_text=_("The person's home district, which then pays assistance and "
                    "rehabilitates."))

    def __init__(self, *args, case: BondedCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = state_districts().exclude(
            pk=case.origin_district_id)


class AssistanceForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid (₹)"), max_digits=10, decimal_places=2,
                                min_value=1)
    paid_on = DayFirstDateField(label=_("Paid on"))


class ComponentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Component"), choices=RehabComponent.Kind.choices)
    amount = forms.DecimalField(label=_("Amount (₹)"), max_digits=10, decimal_places=2,
                                min_value=1, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=RehabComponent.Status.choices)
    status_on = DayFirstDateField(label=_("Status date"))
    details = forms.CharField(label=_("Details"), max_length=300, required=False,
                              help_text=_("e.g. land survey number, course, school, bank"))


class LegalForm(forms.ModelForm):
    fir_on = DayFirstDateField(label=_("FIR date"), required=False)
    chargesheet_on = DayFirstDateField(label=_("Charge sheet filed on"), required=False)
    outcome_on = DayFirstDateField(label=_("Date of judgment"), required=False)

    class Meta:
        model = BondedCase
        fields = ["fir_police_station", "fir_number", "fir_on", "fir_sections",
                  "chargesheet_on", "court_name", "court_case_number", "outcome", "outcome_on",
                  "penalty"]

    def _post_clean(self):
        pass


class HearingForm(forms.Form):
    held_on = DayFirstDateField(label=_("Date of hearing"))
    next_on = DayFirstDateField(label=_("Next hearing"), required=False)
    notes = forms.CharField(label=_("What happened"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    visited_on = DayFirstDateField(label=_("Date of visit"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))


class WorkerLinkForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number"), max_length=30)
