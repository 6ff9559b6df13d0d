"""Forms and list filters of accidents, safety committees and training workshops.

Forms check the shape of what is typed (dates day first, the time of an accident, files
by their content); the services in ``compliance.services.safety`` check the rules that
need the database (jurisdiction, a fatal accident's deaths, dates against the accident)
and raise ``ValidationError`` keyed by field names that these forms map back.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import Accident, CommitteeMember, Factory, Workshop
from core.forms import DayFirstDateField
from core.models import District
from core.roles import RoleCode as R
from core.scoping import scoped

# Investigation reports and committee minutes are scanned documents: allow more than the
# 5 MB of a worker's document, but not without limit.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
PDF_TYPES = {"application/pdf": "pdf"}
MINUTES_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def clean_upload(upload, *, types: dict, message) -> object:
    """Check an upload by its size and content (not its name); give it a neutral name."""
    import filetype

    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(_("The file must be smaller than 10 MB."), code="file_size")
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in types:
        raise ValidationError(message, code="file_type")
    upload.name = f"{uuid_module.uuid4().hex}.{types[kind.mime]}"
    return upload


def official_districts(user):
    """Return the districts an official may filter by: their own, or the state's."""
    if user.has_role(R.STATE_ADMIN):
        return District.objects.filter(state__code=settings.PORTAL_STATE_CODE).order_by(
            "name_en")
    return District.objects.filter(pk__in=list(user.district_ids)).order_by("name_en")


def add_service_error(form, exc: ValidationError, renames: dict | None = None) -> None:
    """Put a service's refusal on the form: by field when the form has it, else on top."""
    renames = renames or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        field = renames.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise ValidationError(message)
    return value


# --- Accidents ----------------------------------------------------------------------------


def year_choices() -> list[tuple[str, str]]:
    """Return the last ten years, newest first, and "all years"."""
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - 10, -1)] + [
        ("all", _("All years"))]


class AccidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Factory"),
                                  help_text=_("Name or licence number"))
    severity = django_filters.ChoiceFilter(choices=Accident.Severity.choices,
                                           label=_("Severity"), empty_label=_("Any severity"))
    year = django_filters.ChoiceFilter(method="filter_year", label=_("Year"),
                                       choices=year_choices, empty_label=None)
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = Accident
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        # An employer sees their own factories only: there is no district to choose.
        if not user.has_role(R.STATE_ADMIN) and not user.district_ids:
            del self.filters["district"]
        else:
            self.filters["district"].queryset = official_districts(user)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(factory__establishment__name__icontains=value)
                               | Q(factory__licence_number__icontains=value))

    def filter_year(self, queryset, name, value):
        if not value or value == "all":
            return queryset
        return queryset.filter(occurred_at__year=int(value))


class AccidentForm(forms.Form):
    """An accident: when (a day-first date and a 24-hour time), where, how bad, what happened."""

    occurred_on = DayFirstDateField(label=_("Date of the accident"))
    occurred_time = forms.TimeField(
        label=_("Time of the accident"), input_formats=["%H:%M", "%H:%M:%S"],
        help_text=_("24-hour clock, e.g. 14:30."),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "placeholder": "HH:MM"}))
    place = forms.CharField(label=_("Where in the factory"), max_length=200)
    # No default: a severity is chosen, never left at the first option.
    severity = forms.ChoiceField(label=_("Severity"),
                                 choices=[("", _("Choose the severity"))]
                                 + Accident.Severity.choices)
    persons_killed = forms.IntegerField(label=_("Persons killed"), min_value=0,
                                        max_value=32767, initial=0)
    persons_injured = forms.IntegerField(label=_("Persons injured"), min_value=0,
                                         max_value=32767, initial=0)
    cause = forms.CharField(label=_("What happened"),
                            widget=forms.Textarea(attrs={"rows": 4}))

    # The service names the combined moment; the form shows it on the date.
    service_fields = {"occurred_at": "occurred_on"}

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("occurred_on"), cleaned.get("occurred_time")
        if day and time:
            # Typed in the portal's time (India): the inspector and the employer mean that.
            cleaned["occurred_at"] = timezone.make_aware(datetime.combine(day, time),
                                                         timezone.get_default_timezone())
        return cleaned

    def accident_data(self) -> dict:
        """Return what ``accident_report`` takes as ``data``."""
        keys = ("occurred_at", "place", "severity", "persons_killed", "persons_injured",
                "cause")
        return {key: self.cleaned_data[key] for key in keys}


class InvestigationForm(forms.Form):
    investigated_on = DayFirstDateField(label=_("Date of the investigation"))
    investigation = forms.CharField(label=_("Investigation report"),
                                    help_text=_("Causes found, responsibility and the "
                                                "measures directed."),
                                    widget=forms.Textarea(attrs={"rows": 6}))
    investigation_file = forms.FileField(
        label=_("Investigation report (PDF)"), required=False,
        help_text=_("Optional. A PDF smaller than 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def clean_investigation_file(self):
        upload = self.cleaned_data.get("investigation_file")
        if not upload:
            return None
        return clean_upload(upload, types=PDF_TYPES,
                            message=_("The report must be a PDF file."))


# --- Safety committees --------------------------------------------------------------------


class CommitteeMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    side = forms.ChoiceField(label=_("Represents"),
                             choices=[("", _("Choose a side"))] + CommitteeMember.Side.choices)
    designation = forms.CharField(label=_("Designation"), max_length=100, required=False)
    joined_on = DayFirstDateField(label=_("Member since"))

    def clean_joined_on(self):
        return _not_in_future(self.cleaned_data.get("joined_on"),
                              _("The date cannot be in the future."))


class CommitteeMeetingForm(forms.Form):
    held_on = DayFirstDateField(label=_("Date of meeting"))
    minutes = forms.FileField(
        label=_("Minutes (PDF, JPEG or PNG)"), help_text=_("Smaller than 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(MINUTES_TYPES)}))

    def clean_minutes(self):
        return clean_upload(self.cleaned_data["minutes"], types=MINUTES_TYPES,
                            message=_("The minutes must be a PDF, JPEG or PNG file."))


class CommitteesMissingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Factory"),
                                  help_text=_("Name or licence number"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = Factory
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = official_districts(self.request.user)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(establishment__name__icontains=value)
                               | Q(licence_number__icontains=value))


# --- Training workshops -------------------------------------------------------------------


class WorkshopFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Topic or trainer"))
    level = django_filters.ChoiceFilter(
        method="filter_level", label=_("Level"), empty_label=_("Any level"),
        choices=[("state", _("State")), ("district", _("District"))])

    class Meta:
        model = Workshop
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(topic__icontains=value) | Q(trainer__icontains=value))

    def filter_level(self, queryset, name, value):
        if value == "state":
            return queryset.filter(district__isnull=True)
        if value == "district":
            return queryset.filter(district__isnull=False)
        return queryset


class WorkshopForm(forms.Form):
    """A workshop: a district's (the inspector's), or the state's (the state admin's)."""

    district = forms.ModelChoiceField(queryset=District.objects.none(), label=_("District"))
    held_on = DayFirstDateField(label=_("Date"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    trainer = forms.CharField(label=_("Trainer"), max_length=150)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        field.queryset = official_districts(user)
        if user.has_role(R.STATE_ADMIN):
            field.required = False
            field.empty_label = _("State level (no district)")
        else:
            field.empty_label = None


class AttendanceForm(forms.Form):
    factory = forms.ModelChoiceField(queryset=Factory.objects.none(), label=_("Factory"))
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=32767)

    def __init__(self, *args, user, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        factories = scoped(user, Factory).select_related("establishment").order_by(
            "establishment__name")
        if workshop.district_id:
            factories = factories.filter(district_id=workshop.district_id)
        self.fields["factory"].queryset = factories
        self.fields["factory"].empty_label = _("Choose a factory")
        self.fields["factory"].label_from_instance = (
            lambda f: f"{f.establishment.name} ({f.licence_number})")
