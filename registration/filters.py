"""Filters of registration lists."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Block
from core.scoping import scoped
from registration.identity import aadhaar_hash
from registration.models import Camp, Worker


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"),
        help_text=_("Registration number, reference, mobile, name or last 4 digits of Aadhaar"))
    status = django_filters.ChoiceFilter(choices=Worker.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    channel = django_filters.ChoiceFilter(choices=Worker.Channel.choices, label=_("Channel"),
                                          empty_label=_("Any channel"))
    category = django_filters.ChoiceFilter(choices=Worker.Category.choices,
                                           label=_("Category"), empty_label=_("Any category"))
    block = django_filters.ModelChoiceFilter(queryset=Block.objects.none(), label=_("Block"),
                                             empty_label=_("Any block"))
    camp = django_filters.ModelChoiceFilter(queryset=Camp.objects.none(), label=_("Camp"),
                                            empty_label=_("Any camp"))

    class Meta:
        model = Worker
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            districts = list(user.district_ids)
            blocks = Block.objects.filter(district_id__in=districts) if districts else \
                Block.objects.none()
            if user.has_role("state_admin"):
                blocks = Block.objects.all()
            self.filters["block"].queryset = blocks.select_related("district").order_by(
                "district__name_en", "name_en")
            self.filters["camp"].queryset = scoped(user, Camp).order_by("-starts_on")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        if re.fullmatch(r"\d{4}", value):
            return queryset.filter(aadhaar_last4=value)
        if re.fullmatch(r"[6-9]\d{9}", digits) and len(digits) == len(value.replace(" ", "")):
            return queryset.filter(mobile=digits)
        if "-" in value and any(c.isdigit() for c in value):
            return queryset.filter(registration_number__iexact=value)
        if re.fullmatch(r"[0-9A-Fa-f]{10}", value):
            # The reference is the first 10 hex digits; the UUID's text has a hyphen after 8.
            value = value.lower()
            return queryset.filter(uuid__startswith=f"{value[:8]}-{value[8:]}")
        if re.fullmatch(r"\d{12}", value):
            # A whole Aadhaar number is looked up by its keyed hash, never stored or shown.
            return queryset.filter(aadhaar_hash=aadhaar_hash(value))
        return queryset.filter(Q(name__icontains=value) | Q(name_latin__icontains=value))
