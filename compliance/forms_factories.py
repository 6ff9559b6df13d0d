"""Forms and list filters of factories and their inspections.

Forms check the shape of what is typed; ``compliance.services.safety`` checks the rules
that need the database (a licence number used twice, jurisdiction, the date to comply
by) and raises ``ValidationError`` keyed by these forms' field names.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import date

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from compliance import selectors_safety
from compliance.models import CHECKLIST, Factory, Inspection, RiskCategory
from core.forms import DayFirstDateField
from core.models import District
from core.roles import RoleCode as R
from registration.validators import DOCUMENT_TYPES, clean_document

DOCUMENT_ACCEPT = ",".join(DOCUMENT_TYPES)
YES_NO = [("1", _("Yes")), ("0", _("No"))]
# A checklist item's answer in an inspection report.
IN_ORDER, VIOLATION = "in_order", "violation"


def official_districts(user):
    """Return the districts a safety official works in (the state admin: the whole state)."""
    if user.has_role(R.STATE_ADMIN):
        return District.objects.filter(state__code=settings.PORTAL_STATE_CODE).order_by(
            "name_en")
    return District.objects.filter(pk__in=list(user.district_ids)).order_by("name_en")


def month_value(month: date) -> str:
    """Return a month as the filter's value (YYYY-MM)."""
    return f"{month:%Y-%m}"


def month_label(month: date) -> str:
    """Return a month as people read it (March 2026, translated)."""
    return date_format(month, "F Y")


def add_months(month: date, months: int) -> date:
    """Return the first day of the month ``months`` after (or before) ``month``."""
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


def recent_months(*, ahead: int = 2, back: int = 24) -> list[date]:
    """Return the first days of the months from ``ahead`` months ahead to ``back`` ago."""
    this_month = timezone.localdate().replace(day=1)
    return [add_months(this_month, n) for n in range(ahead, -back - 1, -1)]


def _is_official(user) -> bool:
    return user is not None and user.has_role(R.STATE_ADMIN, R.DISTRICT_ADMIN,
                                              R.LABOUR_OFFICER, R.SAFETY_INSPECTOR)


# --- Factories ------------------------------------------------------------------------------


class FactoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Factory name or licence number"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))
    risk = django_filters.ChoiceFilter(field_name="risk_category", label=_("Risk"),
                                       choices=RiskCategory.choices, empty_label=_("Any risk"))
    hazardous = django_filters.ChoiceFilter(method="filter_hazardous",
                                            label=_("Hazardous process"), choices=YES_NO,
                                            empty_label=_("Any"))
    certifier = django_filters.ChoiceFilter(method="filter_certifier",
                                            label=_("Self-certifier"), choices=YES_NO,
                                            empty_label=_("Any"))

    class Meta:
        model = Factory
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if _is_official(user):
            self.filters["district"].queryset = official_districts(user)
        else:
            # An employer's factories: no districts to choose from.
            del self.filters["district"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(establishment__name__icontains=value)
                               | Q(licence_number__icontains=value))

    def filter_hazardous(self, queryset, name, value):
        return queryset.filter(is_hazardous=value == "1") if value in ("0", "1") else queryset

    def filter_certifier(self, queryset, name, value):
        # ``is_certifier`` is annotated by selectors_safety.factory_list.
        return queryset.filter(is_certifier=value == "1") if value in ("0", "1") else queryset


class FactoryForm(forms.ModelForm):
    """A factory's licence and safety profile."""

    licence_valid_until = DayFirstDateField(label=_("Licence valid until"))

    class Meta:
        model = Factory
        fields = ["licence_number", "licence_valid_until", "workers_employed", "is_hazardous"]
        help_texts = {
            "licence_number": _("As on the licence under the Factories Act."),
            "is_hazardous": _("A process listed in the First Schedule of the Factories Act."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers_employed"].widget.attrs.update(min=0, inputmode="numeric")

    def clean_licence_number(self):
        return self.cleaned_data["licence_number"].strip().upper()

    def _post_clean(self):
        # The service saves the factory and checks the licence number is not taken.
        pass


# --- Inspections ----------------------------------------------------------------------------


class InspectionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Factory"),
                                  help_text=_("Factory name or licence number"))
    month = django_filters.ChoiceFilter(method="filter_month", label=_("Month"), choices=[],
                                        empty_label=_("Any month"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    reason = django_filters.ChoiceFilter(choices=Inspection.Reason.choices, label=_("Reason"),
                                         empty_label=_("Any reason"))
    mine = django_filters.ChoiceFilter(method="filter_mine", label=_("Inspector"),
                                       choices=[("1", _("Assigned to me"))],
                                       empty_label=_("Anyone"))
    overdue = django_filters.ChoiceFilter(method="filter_overdue", label=_("Compliance"),
                                          choices=[("1", _("Overdue only"))],
                                          empty_label=_("Any"))

    class Meta:
        model = Inspection
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["month"].extra["choices"] = [
            (month_value(month), month_label(month)) for month in recent_months()]
        if _is_official(user):
            self.filters["district"].queryset = official_districts(user)
        else:
            del self.filters["district"]
        # Only an inspector has inspections assigned to them.
        if user is None or not user.has_role(R.SAFETY_INSPECTOR):
            del self.filters["mine"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(factory__establishment__name__icontains=value)
                               | Q(factory__licence_number__icontains=value))

    def filter_month(self, queryset, name, value):
        try:
            year, month = (int(part) for part in value.split("-"))
            return queryset.filter(month=date(year, month, 1))
        except ValueError:
            return queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(inspector=self.request.user) if value == "1" else queryset

    def filter_overdue(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.filter(selectors_safety.compliance_overdue_q(
            today=timezone.localdate()))


class InspectionPlanForm(forms.Form):
    """Which district's month to plan (the district only when the user has several)."""

    district = forms.ModelChoiceField(queryset=District.objects.none(), label=_("District"),
                                      empty_label=None)
    month = forms.ChoiceField(label=_("Month"),
                              help_text=_("Usually next month; this month may be planned "
                                          "too."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = official_districts(user)
        self.fields["district"].queryset = districts
        self.single_district = districts.first() if districts.count() == 1 else None
        if self.single_district is not None:
            del self.fields["district"]
        this_month = timezone.localdate().replace(day=1)
        self.months = [this_month, add_months(this_month, 1)]
        self.fields["month"].choices = [(month_value(m), month_label(m)) for m in self.months]
        self.fields["month"].initial = month_value(self.months[1])

    def clean_month(self):
        value = self.cleaned_data["month"]
        return next(month for month in self.months if month_value(month) == value)

    def chosen_district(self) -> District:
        return self.single_district or self.cleaned_data["district"]


class InspectionCreateForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for the inspection"), widget=forms.RadioSelect,
        choices=[(Inspection.Reason.COMPLAINT, Inspection.Reason.COMPLAINT.label),
                 (Inspection.Reason.ACCIDENT, Inspection.Reason.ACCIDENT.label)])


class InspectionReportForm(forms.Form):
    """The findings: every checklist item in order or a violation, directions, deadline."""

    inspected_on = DayFirstDateField(label=_("Date of inspection"))
    violations = forms.CharField(
        label=_("Violations found"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sections of the Act or rules, and what was seen."))
    directions = forms.CharField(
        label=_("Directions to the employer"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    compliance_due_on = DayFirstDateField(
        label=_("Comply by"), required=False,
        help_text=_("Required when a violation is found. Day first, e.g. 31/03/2025."))
    is_false_certification = forms.BooleanField(
        label=_("The self-certification was found false"), required=False,
        help_text=_("Revokes the establishment's voluntary-compliance status."))

    def __init__(self, *args, is_certifier: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(IN_ORDER, _("In order")), (VIOLATION, _("Violation"))]
        for code, label in CHECKLIST:
            self.fields[f"check_{code}"] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect,
                error_messages={"required": _("Mark this item in order or a violation.")})
        if not is_certifier:
            del self.fields["is_false_certification"]

    def checklist_fields(self):
        return [self[f"check_{code}"] for code, _label in CHECKLIST]

    def other_fields(self):
        return [self[name] for name in ("violations", "directions", "compliance_due_on",
                                        "is_false_certification") if name in self.fields]

    def checklist(self) -> dict:
        """Return {item code: True (in order) / False (violation)}."""
        return {code: self.cleaned_data[f"check_{code}"] == IN_ORDER for code, _l in CHECKLIST}


class ComplianceForm(forms.Form):
    """The employer's report of how the directions were complied with."""

    compliance_note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For each direction: what was done and when."))
    compliance_file = forms.FileField(
        label=_("Proof of compliance (PDF, JPEG or PNG)"), required=False,
        help_text=_("PDF, JPEG or PNG, smaller than 5 MB."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}))

    def clean_compliance_file(self):
        upload = self.cleaned_data.get("compliance_file")
        if not upload:
            return None
        content_type = clean_document(upload)
        # The stored name says nothing of the factory.
        upload.name = f"{uuid_module.uuid4().hex}.{DOCUMENT_TYPES[content_type]}"
        return upload


class ComplianceReviewForm(forms.Form):
    ACCEPT, SEND_BACK = "accept", "send_back"

    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accept: the directions are complied with")),
                 (SEND_BACK, _("Send back to the employer"))])
    note = forms.CharField(label=_("What is still missing"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when sending back; added to the "
                                       "directions."))

    def is_accepted(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT

