"""Filters of the migration register and the survey list."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DayFirstDateInput
from core.models import Block, District, State
from core.roles import RoleCode as R
from migrants.models import Migrant, Survey
from registration.selectors import district_choices


def _sees_many_districts(user) -> bool:
    return user is not None and user.is_authenticated and (
        user.has_role(R.STATE_ADMIN, R.HELPLINE_AGENT) or len(user.district_ids) > 1)


class MigrantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Name or mobile number"))
    origin_district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), label=_("Home district"),
        empty_label=_("Any district"))
    origin_block = django_filters.ModelChoiceFilter(
        queryset=Block.objects.none(), label=_("Home block"), empty_label=_("Any block"))
    destination_state = django_filters.ModelChoiceFilter(
        queryset=State.objects.none(), label=_("Destination state"),
        empty_label=_("Any state"))
    employer = django_filters.CharFilter(field_name="employer_name", lookup_expr="icontains",
                                         label=_("Employer or contractor"))
    status = django_filters.ChoiceFilter(choices=Migrant.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    sector = django_filters.ChoiceFilter(choices=Migrant.Sector.choices, label=_("Sector"),
                                         empty_label=_("Any sector"))
    departed_from = django_filters.DateFilter(
        field_name="departed_on", lookup_expr="gte", label=_("Left home from"),
        widget=DayFirstDateInput)
    departed_to = django_filters.DateFilter(
        field_name="departed_on", lookup_expr="lte", label=_("Left home until"),
        widget=DayFirstDateInput)

    class Meta:
        model = Migrant
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["destination_state"].queryset = State.objects.order_by("name_en")
        districts = district_choices(user=user) if user is not None else District.objects.none()
        # The district filter is for those who see more than one district.
        if _sees_many_districts(user):
            self.filters["origin_district"].queryset = districts
        else:
            del self.filters["origin_district"]
        self.filters["origin_block"].queryset = Block.objects.filter(
            district__in=districts).order_by("name_en")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        if re.fullmatch(r"(\+?91|0)?[6-9]\d{9}", digits) and not re.search(r"[A-Za-z]", value):
            return queryset.filter(mobile=digits[-10:])
        return queryset.filter(Q(name__icontains=value) | Q(worker__name_latin__icontains=value))


class SurveyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Survey.Kind.choices, label=_("Kind"),
                                       empty_label=_("Any kind"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = Survey
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if _sees_many_districts(user):
            self.filters["district"].queryset = district_choices(user=user)
        else:
            del self.filters["district"]
