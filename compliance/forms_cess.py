"""Forms and list filters of the BOC welfare cess: projects, assessments and payments.

Forms check the shape of what is typed; ``compliance.services.cess`` checks the rules
that need the database (the owner, an order standing, what is owed) and raises
``ValidationError`` keyed by these forms' field names.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.models import ConstructionProject
from core.forms import DayFirstDateField
from core.models import District

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"})


def _money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, widget=MONEY_INPUT,
                              error_messages={"min_value": _("Give an amount above zero.")},
                              **MONEY, **kwargs)


# --- Lists --------------------------------------------------------------------------------


class ProjectFilter(django_filters.FilterSet):
    """Search by project or establishment; officials also filter by district."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Project or establishment"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = ConstructionProject
        fields = []

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An employer sees only their own projects: no district to choose.
        if districts is None:
            del self.filters["district"]
        else:
            self.filters["district"].queryset = districts

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value)
                               | Q(establishment__name__icontains=value))


class DistrictFilterForm(forms.Form):
    """The district filter of the defaulters' and collections' reports."""

    district = forms.ModelChoiceField(queryset=District.objects.none(), required=False,
                                      label=_("District"), empty_label=_("Any district"))

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


# --- A project ----------------------------------------------------------------------------


class ProjectForm(forms.Form):
    """A construction project of the employer's establishment."""

    name = forms.CharField(label=_("Project"), max_length=200)
    site = forms.CharField(label=_("Site address"), widget=forms.Textarea(attrs={"rows": 2}))
    district = forms.ModelChoiceField(queryset=District.objects.none(),
                                      label=_("District of the site"))
    estimated_cost = _money_field(_("Estimated cost of construction (₹)"))
    starts_on = DayFirstDateField(label=_("Start date"))
    completes_on = DayFirstDateField(label=_("Expected completion"))
    approval_authority = forms.CharField(label=_("Plan approved by"), max_length=200)
    approval_number = forms.CharField(label=_("Approval number"), max_length=50,
                                      required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        starts_on, completes_on = data.get("starts_on"), data.get("completes_on")
        if starts_on and completes_on and completes_on < starts_on:
            self.add_error("completes_on", _("Completion comes after the start."))
        return data


# --- Assessment and payment ---------------------------------------------------------------


class SelfAssessForm(forms.Form):
    """The employer's cost of construction (cess is worked out from it)."""

    cost = _money_field(_("Cost of construction (₹)"),
                        help_text=_("The cost of the building or other construction work, "
                                    "without the cost of land and compensation."))


class OrderForm(forms.Form):
    """A labour officer's assessment order."""

    cost = _money_field(_("Cost of construction as assessed (₹)"))
    order_number = forms.CharField(label=_("Order number"), max_length=50)
    reason = forms.CharField(label=_("Reason for the order"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    due_on = DayFirstDateField(label=_("Pay by"), required=False,
                               help_text=_("Day first, e.g. 31/03/2025. Empty: the usual "
                                           "time to pay from today."))


class PayForm(forms.Form):
    """How much the employer pays now (the whole of what is owed, or a part)."""

    amount = _money_field(_("Amount to pay (₹)"))
