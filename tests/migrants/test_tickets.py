"""Grievance tickets of the helpline: numbers, priorities, round-the-clock SLAs in hours,
help desks, the steps taken, resolution and the escalation beat job."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend
from migrants import selectors, services
from migrants.models import Ticket, TicketAction
from migrants.tasks import tickets_escalate_task
from tests.core.factories import UserFactory
from tests.migrants.factories import HelpDeskFactory, gujarat, ticket

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")
K = TicketAction.Kind


@pytest.fixture(autouse=True)
def _sms_in_english(settings):
    settings.SMS_LANGUAGE = "en"


def kinds(t: Ticket) -> list[str]:
    return list(t.actions.values_list("kind", flat=True))


# --- Opening -------------------------------------------------------------------------


def test_numbers_are_consecutive_in_the_year(personas, district_a):
    with time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=IST), tick=False):
        first = ticket(actor=personas["helpline"], district=district_a)
        second = ticket(actor=personas["helpline"], district=district_a)
    assert (first.number, second.number) == ("GR-2026-000001", "GR-2026-000002")


def test_number_takes_the_year_of_the_indian_date(personas, district_a):
    with time_machine.travel(datetime(2026, 12, 31, 23, 50, tzinfo=IST), tick=False):
        last = ticket(actor=personas["helpline"], district=district_a)
    # 00:10 in India is still 31 December in UTC.
    with time_machine.travel(datetime(2027, 1, 1, 0, 10, tzinfo=IST), tick=False):
        first = ticket(actor=personas["helpline"], district=district_a)
    assert (last.number, first.number) == ("GR-2026-000001", "GR-2027-000001")


@pytest.mark.parametrize(("category", "priority"), [
    (Ticket.Category.RESCUE, Ticket.Priority.CRITICAL),
    (Ticket.Category.ACCIDENT, Ticket.Priority.HIGH),
    (Ticket.Category.WAGES_UNPAID, Ticket.Priority.NORMAL),
])
def test_priority_comes_from_the_category(personas, district_a, category, priority):
    opened = ticket(actor=personas["helpline"], district=district_a, category=category)
    assert opened.priority == priority


def test_priority_chosen_by_the_agent_is_kept(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a,
                    category=Ticket.Category.WAGES_UNPAID, priority=Ticket.Priority.HIGH)
    assert opened.priority == Ticket.Priority.HIGH


@pytest.mark.parametrize(("category", "hours"), [
    (Ticket.Category.RESCUE, 4), (Ticket.Category.STRANDED, 24),
    (Ticket.Category.OTHER, 72)])
def test_ticket_is_due_its_sla_hours_after_opening_round_the_clock(personas, district_a,
                                                                   category, hours):
    # Saturday night: the clock does not wait for a working day.
    moment = datetime(2026, 8, 1, 22, 30, tzinfo=IST)
    with time_machine.travel(moment, tick=False):
        opened = ticket(actor=personas["helpline"], district=district_a, category=category)
    assert settings.MIGRANTS_TICKET_SLA_HOURS[opened.priority] == hours
    assert opened.opened_at == moment
    assert opened.due_at == moment + timedelta(hours=hours)


def test_ticket_goes_to_the_first_open_desk_of_the_state_where_the_worker_is(personas,
                                                                             district_a):
    HelpDeskFactory(name_en="Closed desk", is_active=False)
    HelpDeskFactory(name_en="Ahmedabad desk", state=gujarat())
    mumbai = HelpDeskFactory(name_en="Mumbai desk")
    HelpDeskFactory(name_en="Pune desk")
    opened = ticket(actor=personas["helpline"], district=district_a)
    assert opened.desk == mumbai


def test_ticket_for_a_state_without_a_desk_has_none(personas, district_a):
    HelpDeskFactory(state=gujarat())
    assert ticket(actor=personas["helpline"], district=district_a).desk is None


def test_desk_chosen_by_the_agent_is_kept(personas, district_a):
    HelpDeskFactory(name_en="Mumbai desk")
    pune = HelpDeskFactory(name_en="Pune desk")
    assert ticket(actor=personas["helpline"], district=district_a, desk=pune).desk == pune


def test_opening_logs_an_opened_step_and_an_audit_event(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    action, = opened.actions.all()
    assert (action.kind, action.actor, action.text) == (
        K.OPENED, personas["helpline"], "Contractor has not paid two months' wages.")
    assert opened.status == Ticket.Status.OPEN and opened.level == 0
    assert AuditEvent.objects.filter(summary="ticket opened (wages, normal)",
                                     district=district_a).count() == 1


def test_caller_gets_an_sms_with_the_number_after_commit(personas, district_a,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opened = ticket(actor=personas["helpline"], district=district_a,
                        caller_mobile="9898989898")
    sms, = CapturingSMSBackend.outbox
    assert sms.mobile == "9898989898"
    assert opened.number in sms.text


def test_no_sms_goes_when_the_ticket_is_not_committed(personas, district_a):
    ticket(actor=personas["helpline"], district=district_a)
    assert CapturingSMSBackend.outbox == []


# --- Working on a ticket ----------------------------------------------------------------


def test_first_note_moves_an_open_ticket_to_in_progress(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    services.ticket_note_add(actor=personas["officer_a"], ticket_id=opened.pk, kind=K.NOTE,
                             text="  Spoke to the contractor.  ")
    services.ticket_note_add(actor=personas["officer_a"], ticket_id=opened.pk, kind=K.CALL,
                             text="Called the worker back.")
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.IN_PROGRESS
    assert kinds(opened) == [K.OPENED, K.NOTE, K.STATUS, K.CALL]
    note = opened.actions.get(kind=K.NOTE)
    assert (note.actor, note.text) == (personas["officer_a"], "Spoke to the contractor.")


def test_steps_are_timestamped(personas, district_a):
    with time_machine.travel(datetime(2026, 8, 1, 22, 0, tzinfo=IST), tick=False):
        opened = ticket(actor=personas["helpline"], district=district_a)
    moment = datetime(2026, 8, 2, 3, 15, tzinfo=IST)
    with time_machine.travel(moment, tick=False):
        services.ticket_note_add(actor=personas["helpline"], ticket_id=opened.pk,
                                 kind=K.CALL, text="Called at night.")
    call = opened.actions.get(kind=K.CALL)
    assert call.at == moment
    assert opened.actions.get(kind=K.STATUS).at == moment


@pytest.mark.parametrize("text", ["", "   ", None])
def test_note_without_text_is_refused_and_nothing_changes(personas, district_a, text):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.ticket_note_add(actor=personas["helpline"], ticket_id=opened.pk,
                                 kind=K.NOTE, text=text)
    assert error.value.messages == ["Write what was done or said."]
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.OPEN
    assert kinds(opened) == [K.OPENED]


def test_note_of_another_kind_is_refused(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.ticket_note_add(actor=personas["helpline"], ticket_id=opened.pk,
                                 kind=K.ESCALATED, text="Escalating by hand.")
    assert error.value.messages == ["Unknown kind of step."]
    assert kinds(opened) == [K.OPENED]


def test_transfer_to_another_desk_logs_the_step(personas, district_a):
    HelpDeskFactory(name_en="Mumbai desk")
    pune = HelpDeskFactory(name_en="Pune desk")
    opened = ticket(actor=personas["helpline"], district=district_a)
    services.ticket_transfer(actor=personas["helpline"], ticket_id=opened.pk, desk=pune,
                             text="Worker is in Pune.")
    opened.refresh_from_db()
    assert opened.desk == pune
    step = opened.actions.get(kind=K.TRANSFER)
    assert (step.actor, step.text) == (personas["helpline"], "Pune desk: Worker is in Pune.")
    assert AuditEvent.objects.filter(summary=f"transferred to desk {pune.pk}").count() == 1


def test_transfer_to_the_same_desk_logs_nothing(personas, district_a):
    mumbai = HelpDeskFactory(name_en="Mumbai desk")
    opened = ticket(actor=personas["helpline"], district=district_a)
    services.ticket_transfer(actor=personas["helpline"], ticket_id=opened.pk, desk=mumbai,
                             text="")
    assert kinds(opened) == [K.OPENED]


# --- Resolving ------------------------------------------------------------------------


def test_resolving_records_outcome_and_amount_and_tells_the_caller(
        personas, district_a, django_capture_on_commit_callbacks):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                outcome=Ticket.Outcome.WAGES_RECOVERED, note="Paid in cash.",
                                amount=Decimal("18500"))
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.RESOLVED
    assert (opened.outcome, opened.outcome_amount, opened.outcome_note) == (
        Ticket.Outcome.WAGES_RECOVERED, Decimal("18500.00"), "Paid in cash.")
    assert opened.resolved_at is not None
    assert opened.actions.last().text == "Resolved: Wages recovered"
    sms, = CapturingSMSBackend.outbox
    assert sms.mobile == opened.caller_mobile
    assert opened.number in sms.text and "Wages recovered" in sms.text


@pytest.mark.parametrize("outcome", ["", "paid"])
def test_resolving_without_a_known_outcome_is_refused(personas, district_a, outcome):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                outcome=outcome, note="")
    assert error.value.messages == ["Choose the outcome."]
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.OPEN and opened.outcome == ""


@pytest.mark.parametrize("outcome", [Ticket.Outcome.WAGES_RECOVERED,
                                     Ticket.Outcome.COMPENSATION])
def test_money_outcome_without_the_amount_is_refused(personas, district_a, outcome):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                outcome=outcome, note="")
    assert error.value.messages == ["Enter the amount recovered or paid."]
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.OPEN
    assert kinds(opened) == [K.OPENED]


def test_negative_amount_is_refused_with_a_message(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                outcome=Ticket.Outcome.COMPENSATION, note="",
                                amount=Decimal("-500"))
    assert error.value.messages == ["Enter the amount recovered or paid."]
    opened.refresh_from_db()
    assert opened.status == Ticket.Status.OPEN


def test_resolving_twice_with_the_same_outcome_changes_nothing(
        personas, district_a, django_capture_on_commit_callbacks):
    opened = ticket(actor=personas["helpline"], district=district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                outcome=Ticket.Outcome.RESCUED, note="Brought to the camp.")
    opened.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                        outcome=Ticket.Outcome.RESCUED, note="Again.")
    assert (again.resolved_at, again.outcome_note) == (opened.resolved_at,
                                                       "Brought to the camp.")
    assert kinds(opened) == [K.OPENED, K.STATUS]
    assert len(CapturingSMSBackend.outbox) == 1


def test_resolved_ticket_refuses_another_outcome_notes_and_transfers(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                            outcome=Ticket.Outcome.RESCUED, note="")
    refused = f"Ticket {opened.number} is already resolved."
    attempts = [
        lambda: services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                                        outcome=Ticket.Outcome.NO_ACTION, note=""),
        lambda: services.ticket_note_add(actor=personas["officer_a"], ticket_id=opened.pk,
                                         kind=K.NOTE, text="Late note."),
        lambda: services.ticket_transfer(actor=personas["helpline"], ticket_id=opened.pk,
                                         desk=HelpDeskFactory(), text="Late transfer."),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == [refused]
    opened.refresh_from_db()
    assert (opened.status, opened.outcome, opened.desk) == (
        Ticket.Status.RESOLVED, Ticket.Outcome.RESCUED, None)
    assert kinds(opened) == [K.OPENED, K.STATUS]


# --- Escalation -------------------------------------------------------------------------


@pytest.fixture
def admins(personas, district_a):
    """District admins of A without an email or no longer active, a state admin without one."""
    UserFactory(username="distadmin.a2", email="", roles=[R.DISTRICT_ADMIN],
                jurisdiction=[district_a])
    UserFactory(username="distadmin.a3", is_active=False, roles=[R.DISTRICT_ADMIN],
                jurisdiction=[district_a])
    UserFactory(username="stateadmin2", email="", roles=[R.STATE_ADMIN])
    return personas


def test_overdue_ticket_rises_a_level_with_a_new_due_time(admins, district_a):
    opened = ticket(actor=admins["helpline"], district=district_a,
                    category=Ticket.Category.RESCUE)
    late = opened.due_at + timedelta(minutes=1)
    assert services.tickets_escalate(now=late) == 1
    opened.refresh_from_db()
    assert opened.level == 1
    assert opened.due_at == late + timedelta(hours=4)
    step = opened.actions.last()
    assert (step.kind, step.actor, step.text) == (K.ESCALATED, None,
                                                 "level 1: not resolved in time")
    assert AuditEvent.objects.filter(summary="escalated to level 1",
                                     district=district_a).count() == 1


def test_first_escalation_emails_the_district_admins_of_the_home_district(
        admins, district_a, mailoutbox, django_capture_on_commit_callbacks):
    opened = ticket(actor=admins["helpline"], district=district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.tickets_escalate(now=opened.due_at + timedelta(minutes=1))
    mail, = mailoutbox
    assert mail.to == ["distadmin.a@example.test"]
    assert opened.number in mail.subject
    assert "level 1" in mail.body


def test_escalation_also_sends_an_sms_to_the_admins_with_a_mobile(
        admins, district_a, django_capture_on_commit_callbacks):
    admin = admins["district_admin_a"]
    admin.mobile = "9876500999"
    admin.save(update_fields=["mobile"])
    opened = ticket(actor=admins["helpline"], district=district_a)
    CapturingSMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.tickets_escalate(now=opened.due_at + timedelta(minutes=1))
    [sms] = [m for m in CapturingSMSBackend.outbox if m.mobile == "9876500999"]
    assert opened.number in sms.text


def test_second_escalation_emails_the_state_admins(admins, district_a, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    opened = ticket(actor=admins["helpline"], district=district_a)
    services.tickets_escalate(now=opened.due_at + timedelta(minutes=1))
    opened.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tickets_escalate(now=opened.due_at + timedelta(minutes=1)) == 1
    opened.refresh_from_db()
    assert opened.level == 2
    mail, = mailoutbox
    assert mail.to == ["stateadmin@example.test"]
    assert "level 2" in mail.body


def test_ticket_not_yet_due_is_left_alone(personas, district_a, mailoutbox):
    opened = ticket(actor=personas["helpline"], district=district_a)
    assert services.tickets_escalate(now=opened.due_at - timedelta(minutes=1)) == 0
    assert services.tickets_escalate(now=opened.due_at) == 0
    opened.refresh_from_db()
    assert opened.level == 0
    assert kinds(opened) == [K.OPENED]


def test_resolved_ticket_is_never_escalated(personas, district_a, mailoutbox,
                                            django_capture_on_commit_callbacks):
    opened = ticket(actor=personas["helpline"], district=district_a)
    services.ticket_resolve(actor=personas["officer_a"], ticket_id=opened.pk,
                            outcome=Ticket.Outcome.REFERRED, note="")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tickets_escalate(now=opened.due_at + timedelta(days=3)) == 0
    opened.refresh_from_db()
    assert opened.level == 0
    assert mailoutbox == []


def test_job_run_twice_at_the_same_moment_escalates_once(personas, district_a,
                                                         django_capture_on_commit_callbacks,
                                                         mailoutbox):
    opened = ticket(actor=personas["helpline"], district=district_a)
    late = opened.due_at + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tickets_escalate(now=late) == 1
        assert services.tickets_escalate(now=late) == 0
    opened.refresh_from_db()
    assert opened.level == 1
    assert opened.actions.filter(kind=K.ESCALATED).count() == 1
    assert len(mailoutbox) == 1


def test_level_never_passes_two(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    moment = opened.due_at
    for _ in range(4):
        moment += timedelta(days=10)
        services.tickets_escalate(now=moment)
    opened.refresh_from_db()
    assert opened.level == 2
    assert opened.actions.filter(kind=K.ESCALATED).count() == 2


def test_overdue_list_shows_unresolved_tickets_past_their_due_time(personas, district_a):
    late = ticket(actor=personas["helpline"], district=district_a)
    resolved = ticket(actor=personas["helpline"], district=district_a)
    ticket(actor=personas["helpline"], district=district_a)  # still in time
    Ticket.objects.filter(pk__in=[late.pk, resolved.pk]).update(
        due_at=timezone.now() - timedelta(hours=1))
    services.ticket_resolve(actor=personas["officer_a"], ticket_id=resolved.pk,
                            outcome=Ticket.Outcome.NO_ACTION, note="")
    assert list(selectors.ticket_overdue(user=personas["officer_a"])) == [late]


def test_beat_runs_the_escalation_task_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["migrants-ticket-escalation"]
    assert entry["task"] == "migrants.tasks.tickets_escalate_task"
    assert entry["schedule"] <= 15 * 60


def test_escalation_task_escalates_overdue_tickets(personas, district_a):
    opened = ticket(actor=personas["helpline"], district=district_a)
    Ticket.objects.filter(pk=opened.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    tickets_escalate_task.apply()
    opened.refresh_from_db()
    assert opened.level == 1
    assert opened.due_at > timezone.now() + timedelta(hours=71)
