"""Filters of welfare lists."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import District
from core.roles import RoleCode as R
from registration.selectors import district_choices
from welfare.models import Application, Scheme


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"),
        help_text=_("Application number, registration number or the worker's mobile"))
    status = django_filters.ChoiceFilter(choices=Application.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    scheme = django_filters.ModelChoiceFilter(queryset=Scheme.objects.all(),
                                              label=_("Scheme"), empty_label=_("Any scheme"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["scheme"].queryset = Scheme.objects.order_by("name_en")
        # The district filter is for those who see more than one district.
        if user is not None and user.is_authenticated and (
                user.has_role(R.STATE_ADMIN, R.ACCOUNTS_MAKER, R.ACCOUNTS_CHECKER)
                or len(user.district_ids) > 1):
            self.filters["district"].queryset = district_choices(user=user)
        else:
            del self.filters["district"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        if re.fullmatch(r"(\+?91)?[6-9]\d{9}", digits) and not re.search(r"[A-Za-z]", value):
            return queryset.filter(worker__mobile=digits[-10:])
        return queryset.filter(Q(number__iexact=value)
                               | Q(worker__registration_number__iexact=value))
