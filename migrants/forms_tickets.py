"""Forms and filters of the helpline pages: grievance tickets, their tracking and help desks."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import District, State
from core.roles import RoleCode as R
from core.validators import normalise_mobile
from migrants.models import HelpDesk, Ticket, TicketAction

PRIORITY_FROM_CATEGORY = ""


class JourneyChoiceField(forms.ModelChoiceField):
    """A journey shown as a caller recognises it: who, where to, since when."""

    def label_from_instance(self, obj):
        departed = obj.departed_on.strftime("%d/%m/%Y") if obj.departed_on else "—"
        return _("%(name)s, %(district)s → %(place)s (%(state)s), left on %(departed)s") % {
            "name": obj.name, "district": obj.origin_district.name,
            "place": obj.destination_place, "state": obj.destination_state.name,
            "departed": departed}


class _TicketFieldsMixin:
    def _set_querysets(self, journeys):
        self.fields["location_state"].queryset = State.objects.order_by("name_en")
        if "migrant" in self.fields:
            self.fields["migrant"].queryset = journeys


class TicketOpenForm(_TicketFieldsMixin, forms.ModelForm):
    """What the helpline agent takes down during a call."""

    caller_mobile = forms.CharField(
        label=_("Caller's mobile"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    migrant = JourneyChoiceField(
        queryset=None, required=False, label=_("Journey of this caller"),
        widget=forms.RadioSelect, empty_label=_("None of these / not recorded"),
        help_text=_("Journeys in the migration register with the caller's mobile number."))
    priority = forms.ChoiceField(
        label=_("Priority"), required=False,
        choices=[(PRIORITY_FROM_CATEGORY, _("As the category sets (see the table)")),
                 *Ticket.Priority.choices],
        help_text=_("Leave it to the category unless the caller's situation is worse."))
    desk = forms.ModelChoiceField(
        queryset=HelpDesk.objects.none(), required=False, label=_("Help desk"),
        empty_label=_("The help desk of that state (chosen automatically)"))

    class Meta:
        model = Ticket
        fields = ["caller_name", "caller_mobile", "migrant", "location_state",
                  "location_place", "origin_district", "category", "priority", "desk",
                  "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, journeys, desks, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_querysets(journeys)
        self.fields["origin_district"].queryset = District.objects.order_by("name_en")
        self.fields["desk"].queryset = desks

    def clean_caller_mobile(self):
        return normalise_mobile(self.cleaned_data["caller_mobile"])

    def clean_description(self):
        return self.cleaned_data["description"].strip()


class WorkerTicketForm(_TicketFieldsMixin, forms.ModelForm):
    """A worker's own request for help, about one of their journeys."""

    migrant = JourneyChoiceField(queryset=None, label=_("Which journey is it about?"),
                                 widget=forms.RadioSelect, empty_label=None)

    class Meta:
        model = Ticket
        fields = ["migrant", "location_state", "location_place", "category", "description"]
        labels = {"location_state": _("State where you are now"),
                  "location_place": _("Town or city where you are now"),
                  "description": _("What happened? Write it in your own words")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, journeys, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_querysets(journeys)

    def clean_description(self):
        return self.cleaned_data["description"].strip()


class TicketNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), widget=forms.RadioSelect, initial=TicketAction.Kind.NOTE,
        choices=[(TicketAction.Kind.NOTE, _("Note")),
                 (TicketAction.Kind.CALL, _("Call made or received"))])
    text = forms.CharField(label=_("What was done or said"),
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write what was done or said.")})


class TicketTransferForm(forms.Form):
    desk = forms.ModelChoiceField(queryset=HelpDesk.objects.none(), label=_("To help desk"))
    reason = forms.CharField(label=_("Why"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, desks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks


class TicketResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", "---------"), *Ticket.Outcome.choices])
    amount = forms.DecimalField(
        label=_("Amount recovered or paid (₹)"), required=False, max_digits=12,
        decimal_places=2, validators=[MinValueValidator(0)],
        help_text=_("Needed when wages were recovered or compensation paid."))
    note = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}))


class TicketTrackForm(forms.Form):
    number = forms.CharField(label=_("Complaint number"), max_length=20,
                             help_text=_("As in the SMS, e.g. GR-2026-000123."),
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    mobile = forms.CharField(
        label=_("Mobile number given with the complaint"), max_length=20,
        help_text=_("We will send a 6-digit code to this number by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel-national"}))

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])


class HelpDeskForm(forms.ModelForm):
    staff = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Staff (helpline agents)"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see this desk's tickets. An agent of no desk sees every ticket."))

    class Meta:
        model = HelpDesk
        fields = ["name_en", "name_hi", "state", "city", "address", "phone", "email",
                  "staff", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}),
                   "phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = State.objects.order_by("name_en")
        self.fields["staff"].queryset = get_user_model().objects.filter(
            is_active=True, roles__code=R.HELPLINE_AGENT).distinct().order_by("username")


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Ticket.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    category = django_filters.ChoiceFilter(choices=Ticket.Category.choices,
                                           label=_("Category"), empty_label=_("Any category"))
    priority = django_filters.ChoiceFilter(choices=Ticket.Priority.choices,
                                           label=_("Priority"), empty_label=_("Any priority"))
    desk = django_filters.ModelChoiceFilter(queryset=HelpDesk.objects.none(),
                                            label=_("Help desk"), empty_label=_("Any desk"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue only"), widget=forms.CheckboxInput)

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["desk"].queryset = HelpDesk.objects.select_related("state").order_by(
            "state__name_en", "city", "name_en")

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(status__in=[Ticket.Status.OPEN, Ticket.Status.IN_PROGRESS])
                               & Q(due_at__lt=timezone.now()))
