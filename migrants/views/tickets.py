"""Views of grievance tickets: the helpline's list, opening one during a call (or a worker's
own request), the ticket's page with its steps, and the public tracking by number and code."""

from __future__ import annotations

import math
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.forms import CodeForm
from core.models import OTPChallenge
from core.otp import otp_send, otp_verify
from core.ratelimit import rate_limit_consume
from core.roles import RoleCode as R
from core.sms import mask_mobile
from core.validators import normalise_mobile
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404
from migrants import selectors, services
from migrants.forms_tickets import (
    TicketFilter,
    TicketNoteForm,
    TicketOpenForm,
    TicketResolveForm,
    TicketTrackForm,
    TicketTransferForm,
    WorkerTicketForm,
)
from migrants.models import Ticket

T = Ticket.Status
OPEN_STATUSES = (T.OPEN, T.IN_PROGRESS)
# Staff who work tickets; core scoping decides which (desk, home districts, all).
STAFF = {R.HELPLINE_AGENT, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
VIEWERS = STAFF | {R.WORKER}
# Who takes calls and opens tickets for callers; a worker opens their own.
CALL_TAKERS = {R.HELPLINE_AGENT, R.STATE_ADMIN}
OPENERS = CALL_TAKERS | {R.WORKER}

TRACK_SESSION = "ticket_track"
TRACK_SHOWN_SESSION = "ticket_track_shown"
TRACK_SHOWN_SECONDS = 10 * 60
# A code of its own purpose: it cannot be used to log in or to give consent.
TRACK_OTP_PURPOSE = OTPChallenge.Purpose.TRACK


def _is_staff(user) -> bool:
    return user.has_role(*STAFF)


def _local(value, fmt="%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def due_annotate(tickets, *, now=None) -> list:
    """Mark each ticket with whole hours until or past its due time (round-the-clock SLA)."""
    now = now or timezone.now()
    for ticket in tickets:
        ticket.is_overdue = False
        ticket.due_in_hours = ticket.overdue_by_hours = None
        if ticket.status not in OPEN_STATUSES:
            continue
        seconds = (ticket.due_at - now).total_seconds()
        if seconds < 0:
            ticket.is_overdue = True
            ticket.overdue_by_hours = max(1, math.ceil(-seconds / 3600))
        else:
            ticket.due_in_hours = math.floor(seconds / 3600)
    return tickets


def _priority_rule() -> list[dict]:
    return [{"category": Ticket.Category(category).label,
             "priority": Ticket.Priority(priority).label,
             "hours": services.sla_hours(priority)}
            for category, priority in services.CATEGORY_PRIORITY.items()]


def _export_columns():
    # The caller's mobile is masked: the export leaves the portal.
    return [
        (_("Ticket number"), lambda t: t.number),
        (_("Opened at"), lambda t: _local(t.opened_at)),
        (_("Opened through"), lambda t: t.get_channel_display()),
        (_("Category"), lambda t: t.get_category_display()),
        (_("Priority"), lambda t: t.get_priority_display()),
        (_("Status"), lambda t: t.get_status_display()),
        (_("Escalation level"), lambda t: t.level),
        (_("Due by"), lambda t: _local(t.due_at)),
        (_("Caller"), lambda t: t.caller_name),
        (_("Caller's mobile"), lambda t: mask_mobile(t.caller_mobile)),
        (_("Home district"), lambda t: t.origin_district.name_en),
        (_("State where the worker is"), lambda t: t.location_state.name_en),
        (_("Place"), lambda t: t.location_place),
        (_("Help desk"), lambda t: t.desk.name_en if t.desk else ""),
        (_("Outcome"), lambda t: t.get_outcome_display()),
        (_("Amount (₹)"), lambda t: t.outcome_amount if t.outcome_amount is not None else ""),
        (_("Resolved at"), lambda t: _local(t.resolved_at)),
    ]


# --- The home pages -------------------------------------------------------------------
# Registered here because MigrantsConfig.ready imports no home module yet; this module is
# imported with the URLconf, so before any home page is served.


# --- The list ---------------------------------------------------------------------------


class TicketListView(PortalListView):
    """The tickets one may see, unresolved first and by due time, overdue ones marked."""

    allowed_roles = VIEWERS
    model = Ticket
    filterset_class = TicketFilter
    template_name = "migrants/ticket_list.html"
    export_name = "grievance-tickets"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        return selectors.ticket_list(user=self.request.user).annotate(
            is_done=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1),
                         output_field=IntegerField())).order_by("is_done", "due_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_staff"] = _is_staff(user)
        context["can_open"] = user.has_role(*OPENERS)
        context["title"] = _("Grievance tickets") if context["is_staff"] else _("My complaints")
        context["object_list"] = due_annotate(list(context["object_list"]))
        return context


# --- Opening a ticket ---------------------------------------------------------------------


class TicketCreateView(RoleRequiredMixin, FormView):
    """Open a ticket: the agent during a call, or a worker about one of their journeys.

    The agent's "Find" button looks up the caller's mobile in the migration register
    (and the registration records) and fills in what the journey already says.
    """

    allowed_roles = OPENERS
    template_name = "migrants/ticket_form.html"

    @property
    def is_call(self) -> bool:
        return self.request.user.has_role(*CALL_TAKERS)

    def get_form_class(self):
        return TicketOpenForm if self.is_call else WorkerTicketForm

    def _mobile(self) -> str:
        raw = (self.request.POST.get("caller_mobile") or self.request.GET.get("mobile")
               or "")
        try:
            return normalise_mobile(raw) if raw else ""
        except ValidationError:
            return ""

    def journeys(self):
        user = self.request.user
        journeys = selectors.migrant_list(user=user).order_by("-departed_on", "-created_at")
        if self.is_call:
            mobile = self._mobile()
            return journeys.filter(mobile=mobile) if mobile else journeys.none()
        return journeys.filter(worker__owner=user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["journeys"] = self.journeys()
        if self.is_call:
            kwargs["desks"] = selectors.desk_list().order_by("state__name_en", "city")
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.is_call and self._mobile():
            initial["caller_mobile"] = self._mobile()
        elif not self.is_call:
            journey = self.journeys().first()
            if journey is not None:
                initial.update(migrant=journey.pk, location_state=journey.destination_state_id,
                               location_place=journey.destination_place)
        return initial

    def post(self, request, *args, **kwargs):
        if self.is_call and "find" in request.POST:
            return self.find()
        return super().post(request, *args, **kwargs)

    def find(self):
        """Show the caller's journeys and registration without checking the rest of the form."""
        form_class = self.get_form_class()
        names = set(form_class.base_fields)
        initial = {key: value for key, value in self.request.POST.items() if key in names}
        initial["caller_mobile"] = self._mobile() or initial.get("caller_mobile", "")
        journeys = list(self.journeys()[:20])
        if journeys:
            latest = journeys[0]
            if not initial.get("origin_district"):
                initial["origin_district"] = latest.origin_district_id
            if not initial.get("location_state"):
                initial["location_state"] = latest.destination_state_id
            if not initial.get("location_place"):
                initial["location_place"] = latest.destination_place
            if not initial.get("caller_name"):
                initial["caller_name"] = latest.name
        form = form_class(initial=initial, **{k: v for k, v in self.get_form_kwargs().items()
                                              if k in ("journeys", "desks")})
        return self.render_to_response(self.get_context_data(form=form, searched=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_call"] = self.is_call
        context["priority_rule"] = _priority_rule()
        mobile = self._mobile()
        context["mobile"] = mobile
        if self.is_call:
            context["journeys_found"] = list(self.journeys()[:20]) if mobile else []
            context["worker_found"] = selectors.worker_find(user=user, mobile=mobile) \
                if mobile else None
        else:
            context["has_journeys"] = self.journeys().exists()
        context.setdefault("searched", False)
        return context

    def form_valid(self, form):
        user = self.request.user
        data = dict(form.cleaned_data)
        if self.is_call:
            # Staff of a help desk take complaints at the desk; the others at the helpline.
            channel = (Ticket.Channel.DESK if user.help_desks.exists()
                       else Ticket.Channel.HELPLINE)
        else:
            channel = Ticket.Channel.WORKER
            journey = data["migrant"]
            worker = journey.worker
            data.update(caller_name=worker.display_name or journey.name,
                        caller_mobile=user.mobile or worker.mobile,
                        origin_district=worker.district or journey.origin_district)
        try:
            ticket = services.ticket_open(actor=user, channel=channel, data=data,
                                          request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Complaint registered as %(number)s. An SMS with the "
                                         "number has been sent to %(mobile)s.")
                         % {"number": ticket.number, "mobile": mask_mobile(ticket.caller_mobile)})
        return redirect(ticket.get_absolute_url() + "?opened=1")


# --- One ticket -----------------------------------------------------------------------------


class TicketMixin(RoleRequiredMixin):
    """Load the ticket named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = VIEWERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the ticket exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.ticket = scoped_object_or_404(
                request, selectors.ticket_list(user=request.user).select_related(
                    "opened_by", "migrant__destination_state"), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)


def _transfer_desks(ticket: Ticket):
    desks = selectors.desk_list().order_by("state__name_en", "city", "name_en")
    return desks.exclude(pk=ticket.desk_id) if ticket.desk_id else desks


class TicketDetailView(TicketMixin, TemplateView):
    """The ticket: what happened, due by and level, its steps, and the steps one may add."""

    template_name = "migrants/ticket_detail.html"

    def action_forms(self) -> dict:
        """Return the unbound form of each step this user may add now."""
        ticket = self.ticket
        if not _is_staff(self.request.user) or not ticket.is_open:
            return {}
        return {"note": TicketNoteForm(prefix="note"),
                "transfer": TicketTransferForm(prefix="transfer",
                                               desks=_transfer_desks(ticket)),
                "resolve": TicketResolveForm(prefix="resolve")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, ticket = self.request.user, self.ticket
        actions = self.action_forms()
        actions.update(kwargs.get("bound_actions", {}))
        due_annotate([ticket])
        context["ticket"] = ticket
        context["actions"] = actions
        context["is_staff"] = _is_staff(user)
        # A worker sees the steps and times, not the names of the staff who took them.
        context["show_actors"] = context["is_staff"]
        context["steps"] = list(ticket.actions.select_related("actor"))
        context["just_opened"] = self.request.GET.get("opened") == "1"
        return context


class TicketActionView(TicketDetailView):
    """One step on the ticket (a POST): validate, call one service, show the result.

    On a bad entry or a refusal the ticket's page is shown again with the form,
    what was typed and the message.
    """

    action = ""
    allowed_roles = STAFF
    done_message = ""
    # Which field a service refusal belongs to, by its code (otherwise the whole form).
    error_fields: dict = {}
    http_method_names = ["post"]

    def get_action_form(self):
        return self.form_class(self.request.POST, prefix=self.action)

    def perform(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_action_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                field = self.error_fields.get(getattr(exc, "code", None))
                form.add_error(field, exc)
            else:
                messages.success(request, self.done_message)
                return redirect(self.ticket)
        return self.render_to_response(self.get_context_data(bound_actions={self.action: form}))


class TicketNoteView(TicketActionView):
    action = "note"
    form_class = TicketNoteForm
    done_message = _("Added to the ticket.")
    error_fields = {"text_required": "text"}

    def perform(self, form):
        services.ticket_note_add(actor=self.request.user, ticket_id=self.ticket.pk,
                                 kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
                                 request=self.request)


class TicketTransferView(TicketActionView):
    action = "transfer"
    form_class = TicketTransferForm
    done_message = _("Ticket transferred to the other help desk.")

    def get_action_form(self):
        return TicketTransferForm(self.request.POST, prefix=self.action,
                                  desks=_transfer_desks(self.ticket))

    def perform(self, form):
        services.ticket_transfer(actor=self.request.user, ticket_id=self.ticket.pk,
                                 desk=form.cleaned_data["desk"],
                                 text=form.cleaned_data["reason"], request=self.request)


class TicketResolveView(TicketActionView):
    action = "resolve"
    form_class = TicketResolveForm
    done_message = _("Ticket resolved; the caller is told by SMS.")
    error_fields = {"amount": "amount", "outcome": "outcome"}

    def perform(self, form):
        data = form.cleaned_data
        services.ticket_resolve(actor=self.request.user, ticket_id=self.ticket.pk,
                                outcome=data["outcome"], note=data["note"],
                                amount=data["amount"], request=self.request)


# --- Public tracking by number and mobile code -------------------------------------------------


def _ticket_for_tracking(*, number: str, mobile: str) -> Ticket | None:
    # A read for a selector (migrants/selectors.py is not this module's to change).
    return Ticket.objects.filter(number=number, caller_mobile=mobile).first()


class TicketTrackView(FormView):
    """Ask for the complaint number and mobile; send a code if they belong together.

    The answer is the same whether or not they match (and the same rate limits
    apply), so the page cannot be used to learn who complained or about what.
    """

    template_name = "migrants/ticket_track_form.html"
    form_class = TicketTrackForm

    def form_valid(self, form):
        number, mobile = form.cleaned_data["number"], form.cleaned_data["mobile"]
        ticket = _ticket_for_tracking(number=number, mobile=mobile)
        try:
            if ticket is not None:
                text = gettext("Shram Portal: code {code} shows the status of complaint "
                               "%(number)s. Do not share it.") % {"number": ticket.number}
                challenge_id = str(otp_send(request=self.request, mobile=mobile,
                                            purpose=TRACK_OTP_PURPOSE, text=text).id)
            else:
                # No SMS to a number that did not complain, but the same limits.
                if not (rate_limit_consume(self.request, action="otp_send", key=mobile)
                        and rate_limit_consume(self.request, action="otp_send_global",
                                               key="portal")):
                    raise ValidationError(gettext(
                        "Too many codes were asked for. Please wait a few minutes and try "
                        "again."), code="rate_limited")
                challenge_id = str(uuid.uuid4())
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        self.request.session.pop(TRACK_SHOWN_SESSION, None)
        self.request.session[TRACK_SESSION] = {"id": challenge_id, "number": number,
                                               "mobile": mobile, "tries": 0}
        return redirect("migrants:ticket_track_code")


class TicketTrackCodeView(FormView):
    """The caller enters the code that came by SMS (if the number and mobile matched)."""

    template_name = "migrants/ticket_track_confirm.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if TRACK_SESSION not in request.session:
            return redirect("migrants:ticket_track")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = self.request.session[TRACK_SESSION]
        context["number"] = pending["number"]
        context["masked_mobile"] = mask_mobile(pending["mobile"])
        return context

    def form_valid(self, form):
        session = self.request.session
        pending = session[TRACK_SESSION]
        try:
            # Counted here for both kinds of request, so that a made-up challenge locks
            # after as many wrong codes as a real one.
            if pending["tries"] >= settings.OTP_MAX_ATTEMPTS:
                raise ValidationError(gettext("Too many wrong codes. Please ask for a new code."),
                                      code="locked")
            challenge = otp_verify(request=self.request, challenge_id=pending["id"],
                                   code=form.cleaned_data["code"], purpose=TRACK_OTP_PURPOSE)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid":
                pending["tries"] += 1
                session[TRACK_SESSION] = pending
            form.add_error("code", exc)
            return self.form_invalid(form)
        ticket = _ticket_for_tracking(number=pending["number"], mobile=challenge.mobile)
        del session[TRACK_SESSION]
        if ticket is None:
            return redirect("migrants:ticket_track")
        session[TRACK_SHOWN_SESSION] = {"id": ticket.pk,
                                        "until": time.time() + TRACK_SHOWN_SECONDS}
        return redirect("migrants:ticket_track_status")


class TicketTrackStatusView(TemplateView):
    """The complaint's status, for a while after the code: status fields only, no names."""

    template_name = "migrants/ticket_track_detail.html"

    def get(self, request, *args, **kwargs):
        shown = request.session.get(TRACK_SHOWN_SESSION)
        if not shown or shown["until"] < time.time():
            request.session.pop(TRACK_SHOWN_SESSION, None)
            return redirect("migrants:ticket_track")
        ticket = Ticket.objects.filter(pk=shown["id"]).first()
        if ticket is None:
            return redirect("migrants:ticket_track")
        # Only these fields reach the template: never names, description or notes.
        status = {"number": ticket.number, "category": ticket.get_category_display(),
                  "status": ticket.get_status_display(), "status_code": ticket.status,
                  "opened_at": ticket.opened_at, "due_at": ticket.due_at,
                  "is_open": ticket.is_open, "resolved_at": ticket.resolved_at,
                  "outcome": ticket.get_outcome_display()}
        return self.render_to_response(self.get_context_data(status=status))


urls = [
    path("tickets/", TicketListView.as_view(), name="ticket_list"),
    path("tickets/new/", TicketCreateView.as_view(), name="ticket_create"),
    path("tickets/<uuid:uuid>/", TicketDetailView.as_view(), name="ticket_detail"),
    path("tickets/<uuid:uuid>/note/", TicketNoteView.as_view(), name="ticket_note"),
    path("tickets/<uuid:uuid>/transfer/", TicketTransferView.as_view(),
         name="ticket_transfer"),
    path("tickets/<uuid:uuid>/resolve/", TicketResolveView.as_view(), name="ticket_resolve"),
    path("track/", TicketTrackView.as_view(), name="ticket_track"),
    path("track/code/", TicketTrackCodeView.as_view(), name="ticket_track_code"),
    path("track/status/", TicketTrackStatusView.as_view(), name="ticket_track_status"),
]
