"""Forms and filters of child labour: surveys, a rescued child's case and its sections.

Forms check the shape of the input (a child is under 18, dates in order); the
services check what needs the database (the survey's district, dates against the
rescue) and raise ``ValidationError``.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import ChildCase, ChildSurvey, Outcome
from compliance.services.child import SECTIONS
from core.forms import DayFirstDateField
from core.models import District
from core.money import rupees
from core.roles import RoleCode as R

CHILD_FIELDS = ["district", *SECTIONS["child"]]


def sees_many_districts(user) -> bool:
    """Return whether the user's scope spans more than one district (the filter is shown)."""
    return user is not None and user.is_authenticated and (
        user.has_role(R.STATE_ADMIN) or len(user.district_ids) > 1)


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
    return value


def _positive(field) -> None:
    # The database refuses zero (a check constraint): say so on the form instead.
    field.validators.append(MinValueValidator(
        Decimal("0.01"), message=_("Enter an amount greater than zero.")))
    field.widget.attrs.update(min="0.01", inputmode="decimal")


class _ServiceChecked:
    """The service saves the case and checks what needs the database; skip model validation."""

    def _post_clean(self):
        pass


# --- Surveys -------------------------------------------------------------------------------


class ChildSurveyForm(_ServiceChecked, forms.ModelForm):
    """Plan a survey of a district with the Child Welfare Committee."""

    starts_on = DayFirstDateField(label=_("First day"))
    ends_on = DayFirstDateField(label=_("Last day"))

    class Meta:
        model = ChildSurvey
        fields = ["district", "area", "starts_on", "ends_on", "team", "cwc_members"]
        widgets = {"team": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class ChildSurveyFindingsForm(_ServiceChecked, forms.ModelForm):
    """Record what a survey found (its district does not change)."""

    starts_on = DayFirstDateField(label=_("First day"))
    ends_on = DayFirstDateField(label=_("Last day"))

    class Meta:
        model = ChildSurvey
        fields = ["area", "starts_on", "ends_on", "team", "cwc_members",
                  "establishments_visited", "children_found", "findings"]
        widgets = {"team": forms.Textarea(attrs={"rows": 2}),
                   "findings": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


# --- A rescued child -----------------------------------------------------------------------


class ChildCaseForm(_ServiceChecked, forms.ModelForm):
    """A rescued child as first recorded: district, survey, the child, where they worked."""

    rescued_on = DayFirstDateField(label=_("Date of rescue"))

    class Meta:
        model = ChildCase
        fields = CHILD_FIELDS
        widgets = {"home_address": forms.Textarea(attrs={"rows": 2}),
                   "establishment_address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, districts, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        if "district" in self.fields:
            self.fields["district"].queryset = districts
        self.fields["survey"].queryset = surveys
        self.fields["survey"].required = False
        self.fields["survey"].empty_label = _("Not found by a survey")
        self.fields["survey"].label_from_instance = (
            lambda survey: f"{survey} · {survey.district.name}")
        self.fields["age"].widget.attrs.update(min=0, max=17, inputmode="numeric")
        self.fields["age"].help_text = _("Under 18 years.")

    def clean_rescued_on(self):
        return _not_future(self.cleaned_data.get("rescued_on"))

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and age >= 18:
            raise ValidationError(
                _("A child is under 18 years of age. A person of 18 or more is not recorded "
                  "as a rescued child (record them as a bonded labour case if they were "
                  "bonded)."), code="not_minor")
        return age

    def clean(self):
        data = super().clean()
        district = data.get("district") or getattr(self.instance, "district", None)
        survey = data.get("survey")
        if survey is not None and district is not None and survey.district_id != district.pk:
            self.add_error("survey", _("That survey is of another district."))
        return data


class ChildSectionForm(ChildCaseForm):
    """The child section of an existing case (its district does not change)."""

    class Meta(ChildCaseForm.Meta):
        fields = SECTIONS["child"]

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, districts=District.objects.none(), surveys=surveys, **kwargs)


class ChildOrderForm(_ServiceChecked, forms.ModelForm):
    """The Child Welfare Committee's order and the placement it directs."""

    cwc_order_on = DayFirstDateField(label=_("CWC order date"), required=False)

    class Meta:
        model = ChildCase
        fields = SECTIONS["order"]

    def clean_cwc_order_on(self):
        return _not_future(self.cleaned_data.get("cwc_order_on"))


class ChildRehabilitationForm(_ServiceChecked, forms.ModelForm):
    """Schooling (a school or an NCLP special training centre), scholarship and fund deposit."""

    enrolled_on = DayFirstDateField(label=_("Enrolled on"), required=False)
    fund_deposit_on = DayFirstDateField(label=_("Deposited on"), required=False)

    class Meta:
        model = ChildCase
        fields = SECTIONS["rehabilitation"]

    def __init__(self, *args, fund_deposit_default, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_deposit_amount"].help_text = _(
            "The offending employer deposits %(amount)s per child.") % {
            "amount": rupees(fund_deposit_default)}
        self.fields["fund_deposit_amount"].widget.attrs["placeholder"] = str(
            fund_deposit_default)
        for name in ("scholarship_amount", "fund_deposit_amount"):
            _positive(self.fields[name])

    def clean_enrolled_on(self):
        return _not_future(self.cleaned_data.get("enrolled_on"))

    def clean_fund_deposit_on(self):
        return _not_future(self.cleaned_data.get("fund_deposit_on"))


class ChildProsecutionForm(_ServiceChecked, forms.ModelForm):
    """The complaint against the employer, the court and its outcome."""

    complaint_on = DayFirstDateField(label=_("Complaint filed on"), required=False)
    outcome_on = DayFirstDateField(label=_("Date of judgment"), required=False)

    class Meta:
        model = ChildCase
        fields = SECTIONS["prosecution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _positive(self.fields["fine_amount"])

    def clean(self):
        data = super().clean()
        complaint, outcome_on = data.get("complaint_on"), data.get("outcome_on")
        if complaint and outcome_on and outcome_on < complaint:
            self.add_error("outcome_on", _("The judgment cannot come before the complaint."))
        if data.get("outcome") == Outcome.PENDING and outcome_on:
            self.add_error("outcome", _("Choose the outcome of the judgment."))
        return data


SECTION_FORMS = {
    "child": ChildSectionForm,
    "order": ChildOrderForm,
    "rehabilitation": ChildRehabilitationForm,
    "prosecution": ChildProsecutionForm,
}
SECTION_TITLES = {
    "child": _("The child"),
    "order": _("CWC order and placement"),
    "rehabilitation": _("Rehabilitation"),
    "prosecution": _("Prosecution"),
}


class HearingForm(forms.Form):
    """A court hearing in the prosecution of the employer."""

    held_on = DayFirstDateField(label=_("Date of hearing"))
    next_on = DayFirstDateField(label=_("Next hearing"), required=False)
    notes = forms.CharField(label=_("What happened"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        held, next_on = data.get("held_on"), data.get("next_on")
        if held and next_on and next_on <= held:
            self.add_error("next_on", _("The next hearing must come after this one."))
        return data


class VisitForm(forms.Form):
    """A follow-up visit to the child."""

    visited_on = DayFirstDateField(label=_("Date of visit"))
    findings = forms.CharField(label=_("Findings"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Is the child in school, at home, safe? Any "
                                           "sign of work again?"))

    def clean_visited_on(self):
        value = self.cleaned_data.get("visited_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("A visit cannot be recorded before it is made."),
                                  code="future")
        return value


# --- List filters --------------------------------------------------------------------------


YES_NO = [("1", _("Yes")), ("0", _("No"))]


class ChildCaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Child's name or case number"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))
    stage = django_filters.ChoiceFilter(choices=ChildCase.Stage.choices, label=_("Stage"),
                                        empty_label=_("Any stage"))
    is_hazardous = django_filters.ChoiceFilter(choices=YES_NO, method="filter_hazardous",
                                               label=_("Hazardous work"),
                                               empty_label=_("Either"))
    prosecution_pending = django_filters.ChoiceFilter(
        choices=[("1", _("Complaint filed, judgment pending"))],
        method="filter_prosecution_pending", label=_("Prosecution"),
        empty_label=_("Any"))
    open = django_filters.ChoiceFilter(
        choices=[("1", _("Not yet rehabilitated"))], method="filter_open",
        label=_("Rehabilitation"), empty_label=_("Any"))

    class Meta:
        model = ChildCase
        fields = []

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if sees_many_districts(user) and districts is not None:
            self.filters["district"].queryset = districts
        else:
            del self.filters["district"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(number__iexact=value)
                               | Q(number__icontains=value))

    def filter_hazardous(self, queryset, name, value):
        return queryset.filter(is_hazardous=value == "1") if value in ("0", "1") else queryset

    def filter_open(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.exclude(stage=ChildCase.Stage.REHABILITATED)

    def filter_prosecution_pending(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.filter(complaint_on__isnull=False, outcome=Outcome.PENDING)


class ChildSurveyFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = ChildSurvey
        fields = []

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if sees_many_districts(user) and districts is not None:
            self.filters["district"].queryset = districts
        else:
            del self.filters["district"]
