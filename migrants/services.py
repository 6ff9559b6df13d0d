"""Writes of the migrants app: journeys (also synced from phones), surveys, tickets.

Every service owns its transaction and writes its audit event in it; SMS and email
go after commit.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.selectors import district_officials
from core.services import officials_notify, yearly_sequence_next
from core.sms import sms_send
from migrants.models import (
    Companion,
    HelpDesk,
    Migrant,
    Survey,
    Ticket,
    TicketAction,
    TicketSequence,
)

T = Ticket.Status
# The priority a category gets unless the agent chooses another: lives first.
CATEGORY_PRIORITY = {
    Ticket.Category.RESCUE: Ticket.Priority.CRITICAL,
    Ticket.Category.DEATH: Ticket.Priority.HIGH,
    Ticket.Category.ACCIDENT: Ticket.Priority.HIGH,
    Ticket.Category.STRANDED: Ticket.Priority.HIGH,
    Ticket.Category.HARASSMENT: Ticket.Priority.HIGH,
    Ticket.Category.WAGES_UNPAID: Ticket.Priority.NORMAL,
    Ticket.Category.OTHER: Ticket.Priority.NORMAL,
}
TOP_LEVEL = 2  # 0: desk and home district's officers; 1: district admin; 2: state admin
MIGRANT_FIELDS = ["worker", "name", "mobile", "gender", "age", "origin_district", "origin_block",
                  "origin_village", "destination_state", "destination_place", "employer_name",
                  "employer_phone", "employer_licence", "sector", "work", "departed_on",
                  "expected_return_on", "returned_on", "household"]


# --- The register ----------------------------------------------------------------------


def _status_for(returned_on) -> str:
    return Migrant.Status.RETURNED if returned_on else Migrant.Status.AWAY


@transaction.atomic
def migrant_record(*, actor, data: dict, companions=(), survey: Survey | None = None,
                   client_uuid=None, request=None) -> tuple[Migrant, bool]:
    """Record a journey; return it and whether it is new.

    With ``client_uuid`` (an offline entry) a journey already recorded under that id
    is returned unchanged: a repeated or interrupted sync adds nothing.
    """
    if client_uuid is not None:
        existing = Migrant.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    values = {field: data[field] for field in MIGRANT_FIELDS if field in data}
    migrant = Migrant(client_uuid=client_uuid, survey=survey, created_by=actor,
                      status=_status_for(values.get("returned_on")), **values)
    try:
        with transaction.atomic():
            migrant.save()
    except IntegrityError:
        # The same entry arriving twice at once: the other request recorded it.
        if client_uuid is not None:
            return Migrant.objects.get(client_uuid=client_uuid), False
        raise
    Companion.objects.bulk_create(Companion(migrant=migrant, **companion)
                                  for companion in companions)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=migrant, district=migrant.origin_district,
                       summary="journey recorded" + (" (survey)" if survey else ""))
    return migrant, True


@transaction.atomic
def migrant_return_record(*, actor, migrant_id: int, returned_on, request=None) -> Migrant:
    """Record that the person came back home."""
    migrant = Migrant.objects.select_for_update().get(pk=migrant_id)
    if migrant.departed_on and returned_on < migrant.departed_on:
        raise ValidationError(_("The return cannot be before the departure (%(date)s).")
                              % {"date": migrant.departed_on.strftime("%d/%m/%Y")},
                              code="date_order")
    migrant.returned_on = returned_on
    migrant.status = Migrant.Status.RETURNED
    migrant.save(update_fields=["returned_on", "status", "updated_at"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=migrant, district=migrant.origin_district, summary="returned")
    return migrant


@transaction.atomic
def survey_create(*, actor, data: dict, surveyors=(), request=None) -> Survey:
    """Plan a survey of a block and assign its surveyors."""
    if data["block"].district_id != data["district"].pk:
        raise ValidationError(_("The block is not in the chosen district."), code="block")
    survey = Survey.objects.create(created_by=actor, **data)
    survey.surveyors.set(surveyors)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=survey, district=survey.district, summary="survey planned")
    return survey


def survey_entries_sync(*, actor, survey: Survey, entries: list[dict],
                        request=None) -> list[dict]:
    """Record a phone's offline entries; answer per entry (recorded, already, invalid).

    Each entry is ``{"client_uuid": ..., "data": {...}, "companions": [...]}``; the
    data is checked by the survey entry form. Each entry has its own transaction, so
    one invalid entry never loses the others.
    """
    from migrants.forms import SurveyEntryForm

    results = []
    for entry in entries:
        client_uuid = entry.get("client_uuid")
        try:
            # A garbled id must fail its own entry, not the lookup of the whole batch.
            entry_uuid = uuid.UUID(str(client_uuid)) if client_uuid else None
        except ValueError:
            entry_uuid = None
        form = SurveyEntryForm(data=entry.get("data") or {}, survey=survey)
        if entry_uuid is None or not form.is_valid():
            errors = form.errors.get_json_data() if entry_uuid else {
                "client_uuid": [{"message": str(_("Missing entry id.")), "code": "required"}]}
            results.append({"client_uuid": client_uuid, "status": "invalid", "errors": errors})
            continue
        data = {**form.cleaned_data, "origin_district": survey.district}
        companions = form.cleaned_companions(entry.get("companions") or [])
        migrant, created = migrant_record(actor=actor, data=data, companions=companions,
                                          survey=survey, client_uuid=entry_uuid,
                                          request=request)
        results.append({"client_uuid": client_uuid,
                        "status": "recorded" if created else "already",
                        "id": str(migrant.uuid)})
    return results


# --- Tickets ---------------------------------------------------------------------------


def _ticket_number(on) -> str:
    return f"GR-{on.year}-{yearly_sequence_next(TicketSequence, year=on.year):06d}"


def sla_hours(priority: str) -> int:
    return settings.MIGRANTS_TICKET_SLA_HOURS[priority]


def _act(ticket: Ticket, kind: str, actor, text: str = "") -> TicketAction:
    return TicketAction.objects.create(ticket=ticket, kind=kind, actor=actor, text=text)


def _tell_caller(ticket: Ticket, message, **params) -> None:
    with override(settings.SMS_LANGUAGE):
        text = str(message) % params
    mobile = ticket.caller_mobile
    transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))


@transaction.atomic
def ticket_open(*, actor, channel: str, data: dict, request=None) -> Ticket:
    """Open a ticket, due by its priority's SLA, with the destination state's help desk."""
    category = data["category"]
    priority = data.get("priority") or CATEGORY_PRIORITY[category]
    now = timezone.now()
    desk = data.get("desk") or HelpDesk.objects.filter(
        state=data["location_state"], is_active=True).order_by("pk").first()
    ticket = Ticket.objects.create(
        number=_ticket_number(timezone.localdate()), channel=channel, opened_by=actor,
        caller_name=data["caller_name"], caller_mobile=data["caller_mobile"],
        migrant=data.get("migrant"), category=category, priority=priority,
        description=data["description"], location_state=data["location_state"],
        location_place=data["location_place"], origin_district=data["origin_district"],
        desk=desk, due_at=now + timedelta(hours=sla_hours(priority)))
    _act(ticket, TicketAction.Kind.OPENED, actor, data["description"][:500])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=ticket, district=ticket.origin_district,
                       summary=f"ticket opened ({category}, {priority})")
    _tell_caller(ticket, gettext_lazy("Shram Portal helpline: your complaint is registered as "
                                      "%(number)s, to be acted on by %(due)s. Keep this number "
                                      "to follow it."),
                 number=ticket.number,
                 due=timezone.localtime(ticket.due_at).strftime("%d/%m/%Y %H:%M"))
    return ticket


def _locked_open(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if not ticket.is_open:
        raise ValidationError(_("Ticket %(number)s is already resolved.")
                              % {"number": ticket.number}, code="closed")
    return ticket


@transaction.atomic
def ticket_note_add(*, actor, ticket_id: int, kind: str, text: str, request=None) -> Ticket:
    """Add a note or a call record to an open ticket (the first one starts the work)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what was done or said."), code="text_required")
    if kind not in (TicketAction.Kind.NOTE, TicketAction.Kind.CALL):
        raise ValidationError(_("Unknown kind of step."), code="kind")
    ticket = _locked_open(ticket_id)
    _act(ticket, kind, actor, text)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=ticket, district=ticket.origin_district, summary=f"{kind} added")
    if ticket.status == T.OPEN:
        ticket.status = T.IN_PROGRESS
        ticket.save(update_fields=["status"])
        _act(ticket, TicketAction.Kind.STATUS, actor, str(T.IN_PROGRESS.label))
    return ticket


@transaction.atomic
def ticket_transfer(*, actor, ticket_id: int, desk: HelpDesk, text: str,
                    request=None) -> Ticket:
    """Hand a ticket to another help desk, saying why."""
    ticket = _locked_open(ticket_id)
    if ticket.desk_id == desk.pk:
        return ticket
    if not desk.is_active:
        raise ValidationError(_("That help desk is closed; choose an open one."),
                              code="desk_closed")
    ticket.desk = desk
    ticket.save(update_fields=["desk"])
    _act(ticket, TicketAction.Kind.TRANSFER, actor, f"{desk.name_en}: {text}".strip(": "))
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=ticket, district=ticket.origin_district,
                       summary=f"transferred to desk {desk.pk}")
    return ticket


@transaction.atomic
def ticket_resolve(*, actor, ticket_id: int, outcome: str, note: str, amount=None,
                   request=None) -> Ticket:
    """Resolve a ticket with its outcome (wages recovered with the amount, rescued, ...)."""
    if outcome not in Ticket.Outcome.values:
        raise ValidationError(_("Choose the outcome."), code="outcome")
    # Money recovered or paid is the point of these outcomes: it must be a real amount.
    if (outcome in (Ticket.Outcome.WAGES_RECOVERED, Ticket.Outcome.COMPENSATION)
            and (amount is None or amount <= 0)) or (amount is not None and amount < 0):
        raise ValidationError(_("Enter the amount recovered or paid."), code="amount")
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if ticket.status == T.RESOLVED and ticket.outcome == outcome:
        return ticket
    if not ticket.is_open:
        raise ValidationError(_("Ticket %(number)s is already resolved.")
                              % {"number": ticket.number}, code="closed")
    ticket.status = T.RESOLVED
    ticket.outcome = outcome
    ticket.outcome_amount = amount
    ticket.outcome_note = note
    ticket.resolved_at = timezone.now()
    ticket.save(update_fields=["status", "outcome", "outcome_amount", "outcome_note",
                               "resolved_at"])
    _act(ticket, TicketAction.Kind.STATUS, actor,
         f"{T.RESOLVED.label}: {Ticket.Outcome(outcome).label}")
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=ticket, district=ticket.origin_district,
                       summary=f"resolved: {outcome}")
    _tell_caller(ticket, gettext_lazy("Shram Portal helpline: your complaint %(number)s is "
                                      "resolved: %(outcome)s."),
                 number=ticket.number, outcome=Ticket.Outcome(outcome).label)
    return ticket


def _escalation_users(ticket: Ticket, level: int):
    """Return the active users a ticket escalated to ``level`` goes to."""
    if level == 1:
        return district_officials(district=ticket.origin_district, roles=[R.DISTRICT_ADMIN])
    return get_user_model().objects.filter(is_active=True,
                                           roles__code=R.STATE_ADMIN).distinct()


_ESCALATION_SMS = gettext_lazy("Shram Portal: grievance %(number)s was not resolved in time "
                               "and is now with you. Act by %(due)s.")


def _escalation_notify(ticket: Ticket) -> None:
    """Tell the level a ticket reached, by email and by SMS, after commit."""
    due = timezone.localtime(ticket.due_at)
    officials_notify(
        users=_escalation_users(ticket, ticket.level),
        subject=f"Overdue grievance {ticket.number} ({ticket.get_category_display()})",
        body=(f"Ticket {ticket.number} was not resolved in time and is now with you "
              f"(level {ticket.level}). Due by {due:%d/%m/%Y %H:%M}."),
        sms=_ESCALATION_SMS, number=ticket.number, due=f"{due:%d/%m/%Y %H:%M}")


def tickets_escalate(*, now=None) -> int:
    """Raise every overdue open ticket one level and tell that level (the beat job).

    Each ticket is escalated in its own transaction under its row lock, and only
    when it is still overdue: a rerun (or two beats at once) escalates nothing twice.
    """
    now = now or timezone.now()
    overdue = list(Ticket.objects.filter(status__in=[T.OPEN, T.IN_PROGRESS], due_at__lt=now,
                                         level__lt=TOP_LEVEL).values_list("pk", flat=True))
    raised = 0
    for ticket_id in overdue:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(skip_locked=True).filter(
                pk=ticket_id, due_at__lt=now, level__lt=TOP_LEVEL,
                status__in=[T.OPEN, T.IN_PROGRESS]).first()
            if ticket is None:
                continue
            ticket.level += 1
            ticket.due_at = now + timedelta(hours=sla_hours(ticket.priority))
            ticket.save(update_fields=["level", "due_at"])
            _act(ticket, TicketAction.Kind.ESCALATED, None,
                 f"level {ticket.level}: not resolved in time")
            audit_event_record(action=AuditEvent.Action.TRANSITION, actor_label="escalation",
                               obj=ticket, district=ticket.origin_district,
                               summary=f"escalated to level {ticket.level}")
            _escalation_notify(ticket)
            raised += 1
    return raised


SURVEY_SHEET_DIR = "imports/survey-sheets"


def survey_sheets_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete uploaded survey sheets never confirmed (they hold names and mobiles)."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(SURVEY_SHEET_DIR):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in default_storage.listdir(SURVEY_SHEET_DIR)[1]:
        path = f"{SURVEY_SHEET_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
