import django_filters
import pghistory.models
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, District
from core.scoping import scoped

DATE = forms.DateInput(attrs={"type": "date"})


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains",
                                     label=_("User"))
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, label=_("Action"),
                                         empty_label=_("Any action"))
    record = django_filters.CharFilter(method="filter_record", label=_("Record (type or id)"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(),
                                                label=_("District"),
                                                empty_label=_("Any district"))
    date_from = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte",
                                          label=_("From"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte",
                                        label=_("To"), widget=DATE)

    class Meta:
        model = AuditEvent
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            # A district admin's choice lists only the districts they may see.
            self.filters["district"].queryset = scoped(user, District)

    def filter_record(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(object_id=value)
        return queryset.filter(object_type__icontains=value)


class RowChangeFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="pgh_obj_model", lookup_expr="icontains",
                                      label=_("Record type"))
    object_id = django_filters.CharFilter(field_name="pgh_obj_id", label=_("Record id"))
    user = django_filters.NumberFilter(field_name="pgh_context__user", label=_("User id"))
    date_from = django_filters.DateFilter(field_name="pgh_created_at", lookup_expr="date__gte",
                                          label=_("From"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="pgh_created_at", lookup_expr="date__lte",
                                        label=_("To"), widget=DATE)

    class Meta:
        model = pghistory.models.MiddlewareEvents
        fields = []
