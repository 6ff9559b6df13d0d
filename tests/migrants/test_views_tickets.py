"""The helpline pages: opening a ticket during a call or from a worker's account, the
ticket's page and its steps, the scoped list with its export, and public tracking."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend
from migrants.models import Ticket, TicketAction
from tests.core.factories import UserFactory
from tests.migrants.factories import HelpDeskFactory, gujarat, journey, maharashtra, ticket
from tests.registration.factories import WorkerFactory

pytestmark = pytest.mark.django_db
LIST = reverse("migrants:ticket_list")
CREATE = reverse("migrants:ticket_create")
TRACK = reverse("migrants:ticket_track")
TRACK_CODE = reverse("migrants:ticket_track_code")
TRACK_STATUS = reverse("migrants:ticket_track_status")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.SMS_LANGUAGE = "en"
    settings.LANGUAGE_CODE = "en"


def call_data(district, **overrides) -> dict:
    data = {"caller_name": "Sunita Bai", "caller_mobile": "98765 43210",
            "location_state": str(maharashtra().pk), "location_place": "Pune",
            "origin_district": str(district.pk), "category": Ticket.Category.WAGES_UNPAID,
            "priority": "", "desk": "", "migrant": "",
            "description": "Contractor has not paid two months' wages."}
    data.update(overrides)
    return data


def url(name, t):
    return reverse(f"migrants:{name}", args=[t.uuid])


def page(response) -> str:
    return response.content.decode()


# --- Opening a ticket during a call ------------------------------------------------------


def test_agent_opens_a_ticket_and_sees_the_acknowledgement_with_number_and_due_time(
        personas, district_a, login, client, django_capture_on_commit_callbacks):
    login(personas["helpline"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, call_data(district_a))
    created = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url() + "?opened=1"
    assert created.channel == Ticket.Channel.HELPLINE
    assert created.caller_mobile == "9876543210"
    assert created.priority == Ticket.Priority.NORMAL
    ack = page(client.get(response["Location"]))
    assert "Acknowledgement" in ack
    assert created.number in ack
    assert timezone.localtime(created.due_at).strftime("%d/%m/%Y %H:%M") in ack
    assert "data-print" in ack
    [sms] = CapturingSMSBackend.outbox
    assert sms.mobile == "9876543210"
    assert created.number in sms.text


def test_complaint_taken_by_a_help_desks_staff_is_marked_as_opened_at_the_desk(
        personas, district_a, login, client):
    desk = HelpDeskFactory(state=maharashtra())
    desk.staff.add(personas["helpline"])
    login(personas["helpline"])
    client.post(CREATE, call_data(district_a))
    assert Ticket.objects.get().channel == Ticket.Channel.DESK


def test_priority_defaults_from_the_category_and_the_rule_is_shown(personas, district_a,
                                                                   login, client):
    login(personas["helpline"])
    form = page(client.get(CREATE))
    assert "Priority by category, and the time to act" in form
    client.post(CREATE, call_data(district_a, category=Ticket.Category.RESCUE))
    assert Ticket.objects.get().priority == Ticket.Priority.CRITICAL


def test_agent_may_raise_the_priority_above_the_category_default(personas, district_a,
                                                                 login, client):
    login(personas["helpline"])
    client.post(CREATE, call_data(district_a, priority=Ticket.Priority.CRITICAL))
    assert Ticket.objects.get().priority == Ticket.Priority.CRITICAL


def test_invalid_call_keeps_the_input_shows_the_messages_and_saves_nothing(
        personas, district_a, login, client):
    login(personas["helpline"])
    response = client.post(CREATE, call_data(district_a, caller_mobile="12345",
                                             description=""))
    assert response.status_code == 200
    content = page(response)
    assert "Enter a 10-digit Indian mobile number" in content
    assert "This field is required." in content
    assert 'value="Sunita Bai"' in content
    assert 'value="Pune"' in content
    assert Ticket.objects.count() == 0
    assert CapturingSMSBackend.outbox == []


def test_find_by_mobile_lists_the_callers_journeys_to_link_one(personas, district_a, login,
                                                               client):
    mine = journey(actor=personas["officer_a"], district=district_a, mobile="9876543210",
                   name="Mohan Verma", destination_place="Nagpur")
    journey(actor=personas["officer_a"], district=district_a, mobile="9123456789",
            name="Someone Else")
    login(personas["helpline"])
    response = client.post(CREATE, {"caller_mobile": "9876543210", "find": "1"})
    content = page(response)
    assert "Mohan Verma" in content and "Nagpur" in content
    assert "Someone Else" not in content
    assert 'value="Nagpur"' in content  # the journey fills in where the caller is
    assert Ticket.objects.count() == 0
    client.post(CREATE, call_data(district_a, migrant=str(mine.pk)))
    assert Ticket.objects.get().migrant == mine


def test_officer_may_not_open_a_ticket(personas, login, client):
    login(personas["officer_a"])
    assert client.get(CREATE).status_code == 404


# --- A worker's own request ---------------------------------------------------------------


@pytest.fixture
def worker_journey(personas, district_a, district_b):
    profile = WorkerFactory(owner=personas["worker_a"], district=district_a,
                            mobile="9876500001", name="रामू साहू")
    return journey(actor=personas["officer_a"], district=district_a, worker=profile,
                   mobile="9876500001", destination_place="Surat",
                   destination_state=gujarat())


def test_worker_opens_their_own_ticket_and_sees_it(personas, district_a, worker_journey,
                                                   login, client,
                                                   django_capture_on_commit_callbacks):
    login(personas["worker_a"])
    form = page(client.get(CREATE))
    assert "Surat" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, {
            "migrant": str(worker_journey.pk), "location_state": str(gujarat().pk),
            "location_place": "Surat", "category": Ticket.Category.STRANDED,
            "description": "No money to come home."})
    created = Ticket.objects.get()
    assert created.channel == Ticket.Channel.WORKER
    assert created.caller_mobile == "9876500001"
    assert created.caller_name == "रामू साहू"
    assert created.origin_district == district_a
    assert created.migrant == worker_journey
    content = page(client.get(response["Location"]))
    assert created.number in content and "No money to come home." in content
    assert [m.mobile for m in CapturingSMSBackend.outbox] == ["9876500001"]
    assert created.number in page(client.get(LIST))


def test_worker_does_not_see_staff_names_on_their_ticket(personas, district_a, worker_journey,
                                                         login, client):
    agent = UserFactory(username="agent.kavita", first_name="Kavita", last_name="Nag",
                        roles=[R.HELPLINE_AGENT])
    mine = ticket(actor=agent, district=district_a, migrant=worker_journey)
    login(agent)
    client.post(url("ticket_note", mine), {"note-kind": "call", "note-text": "Called back."})
    login(personas["worker_a"])
    content = page(client.get(mine.get_absolute_url()))
    assert "Called back." in content
    assert "Kavita" not in content and "agent.kavita" not in content


def test_worker_gets_404_for_someone_elses_ticket_and_for_actions(personas, district_a,
                                                                  worker_journey, login,
                                                                  client):
    other = ticket(actor=personas["helpline"], district=district_a)
    mine = ticket(actor=personas["helpline"], district=district_a, migrant=worker_journey)
    login(personas["worker_a"])
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(url("ticket_note", mine),
                       {"note-kind": "note", "note-text": "x"}).status_code == 404
    content = page(client.get(LIST))
    assert mine.number in content and other.number not in content


def test_worker_without_a_journey_is_told_to_call_the_helpline(personas, login, client):
    login(personas["worker_a"])
    content = page(client.get(CREATE))
    assert "not in the migration register yet" in content
    assert "1800-233-0000" in content


# --- Steps on the ticket page --------------------------------------------------------------


@pytest.fixture
def open_ticket(personas, district_a):
    return ticket(actor=personas["helpline"], district=district_a)


def test_officer_adds_a_note_from_the_page(personas, open_ticket, login, client):
    login(personas["officer_a"])
    response = client.post(url("ticket_note", open_ticket),
                           {"note-kind": "note", "note-text": "Spoke to the contractor."},
                           follow=True)
    assert "Added to the ticket." in page(response)
    assert "Spoke to the contractor." in page(response)
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.IN_PROGRESS
    assert open_ticket.actions.filter(kind=TicketAction.Kind.NOTE).count() == 1


def test_agent_records_a_call(personas, open_ticket, login, client):
    login(personas["helpline"])
    client.post(url("ticket_note", open_ticket),
                {"note-kind": "call", "note-text": "Caller says he is safe."})
    assert open_ticket.actions.filter(kind=TicketAction.Kind.CALL,
                                      text="Caller says he is safe.").exists()


def test_note_without_text_shows_the_message_and_saves_nothing(personas, open_ticket, login,
                                                               client):
    login(personas["officer_a"])
    response = client.post(url("ticket_note", open_ticket),
                           {"note-kind": "note", "note-text": "  "})
    assert response.status_code == 200
    assert "Write what was done or said." in page(response)
    assert open_ticket.actions.count() == 1  # only "opened"


def test_agent_transfers_the_ticket_to_another_desk_with_the_reason(personas, district_a,
                                                                    login, client):
    first = HelpDeskFactory(name_en="Mumbai desk")
    other = HelpDeskFactory(name_en="Surat desk", state=gujarat(), city="Surat")
    t = ticket(actor=personas["helpline"], district=district_a)
    assert t.desk == first
    login(personas["helpline"])
    response = client.post(url("ticket_transfer", t),
                           {"transfer-desk": str(other.pk),
                            "transfer-reason": "Worker moved to Surat."}, follow=True)
    assert "Ticket transferred" in page(response)
    t.refresh_from_db()
    assert t.desk == other
    assert t.actions.get(kind=TicketAction.Kind.TRANSFER).text == \
        "Surat desk: Worker moved to Surat."


def test_officer_resolves_with_the_amount_recovered(personas, open_ticket, login, client,
                                                    django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("ticket_resolve", open_ticket), {
            "resolve-outcome": Ticket.Outcome.WAGES_RECOVERED, "resolve-amount": "18000",
            "resolve-note": "Contractor paid at the labour office."}, follow=True)
    assert "Ticket resolved" in page(response)
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.RESOLVED
    assert open_ticket.outcome_amount == 18000
    assert "resolved" in CapturingSMSBackend.outbox[-1].text
    # A resolved ticket offers no more steps.
    assert url("ticket_resolve", open_ticket) not in page(response)


def test_resolving_wages_recovered_without_the_amount_shows_the_message(personas,
                                                                        open_ticket, login,
                                                                        client):
    login(personas["officer_a"])
    response = client.post(url("ticket_resolve", open_ticket), {
        "resolve-outcome": Ticket.Outcome.WAGES_RECOVERED, "resolve-amount": "",
        "resolve-note": "Paid."})
    assert response.status_code == 200
    assert "Enter the amount recovered or paid." in page(response)
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.OPEN


def test_officer_of_another_district_gets_404_on_the_page_and_the_steps(personas,
                                                                        open_ticket, login,
                                                                        client):
    login(personas["officer_b"])
    assert client.get(open_ticket.get_absolute_url()).status_code == 404
    assert client.post(url("ticket_note", open_ticket),
                       {"note-kind": "note", "note-text": "x"}).status_code == 404
    assert client.post(url("ticket_resolve", open_ticket), {
        "resolve-outcome": Ticket.Outcome.NO_ACTION, "resolve-note": "x"}).status_code == 404
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.OPEN
    assert open_ticket.actions.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL,
                                     actor=personas["officer_b"]).exists()


def test_district_admin_sees_the_ticket_of_their_district(personas, open_ticket, login,
                                                          client):
    login(personas["district_admin_a"])
    assert client.get(open_ticket.get_absolute_url()).status_code == 200
    login(personas["district_admin_b"])
    assert client.get(open_ticket.get_absolute_url()).status_code == 404


# --- The list -----------------------------------------------------------------------------


def test_desk_bound_agent_sees_only_their_desks_tickets(personas, district_a, login, client):
    mumbai = HelpDeskFactory(name_en="Mumbai desk")
    HelpDeskFactory(name_en="Surat desk", state=gujarat(), city="Surat")
    agent = UserFactory(username="agent.mumbai", roles=[R.HELPLINE_AGENT])
    mumbai.staff.set([agent])
    ours = ticket(actor=personas["helpline"], district=district_a)
    theirs = ticket(actor=personas["helpline"], district=district_a,
                    location_state=gujarat(), location_place="Surat")
    login(agent)
    content = page(client.get(LIST))
    assert ours.number in content and theirs.number not in content
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_overdue_filter_lists_only_overdue_tickets_marked_in_words(personas, district_a,
                                                                  login, client):
    late = ticket(actor=personas["helpline"], district=district_a)
    on_time = ticket(actor=personas["helpline"], district=district_a)
    Ticket.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=5,
                                                                                 minutes=10))
    login(personas["officer_a"])
    content = page(client.get(LIST, {"overdue": "on"}))
    assert late.number in content and on_time.number not in content
    assert "OVERDUE" in content and "by 6 hours" in content
    full = page(client.get(LIST))
    assert "due in 71 hours" in full


def test_list_filters_by_category(personas, district_a, login, client):
    wages = ticket(actor=personas["helpline"], district=district_a)
    rescue = ticket(actor=personas["helpline"], district=district_a,
                    category=Ticket.Category.RESCUE)
    login(personas["helpline"])
    content = page(client.get(LIST, {"category": "rescue"}))
    assert rescue.number in content and wages.number not in content


def test_empty_list_says_so(personas, login, client):
    login(personas["officer_a"])
    assert "No tickets yet." in page(client.get(LIST))


def test_export_has_no_other_districts_tickets(personas, district_a, district_b, login,
                                               client):
    ours = ticket(actor=personas["helpline"], district=district_a)
    theirs = ticket(actor=personas["helpline"], district=district_b)
    login(personas["officer_a"])
    response = client.get(LIST, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [ours.number]
    assert theirs.number not in text
    assert "9876543210" not in text  # the caller's mobile is masked
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     actor=personas["officer_a"]).exists()


def test_list_queries_do_not_grow_with_the_tickets(personas, district_a, login, client,
                                                   django_assert_max_num_queries):
    HelpDeskFactory()
    for _ in range(12):
        ticket(actor=personas["helpline"], district=district_a)
    login(personas["state_admin"])
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert response.status_code == 200
    assert page(response).count("/migrants/tickets/") >= 12


def test_home_page_of_the_agent_shows_open_and_overdue_counts(personas, district_a, login,
                                                              client):
    late = ticket(actor=personas["helpline"], district=district_a)
    ticket(actor=personas["helpline"], district=district_a)
    Ticket.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    login(personas["helpline"])
    content = page(client.get(reverse("core:home")))
    assert "Open tickets (2)" in content
    assert "Overdue (1)" in content
    assert f"{LIST}?overdue=on" in content


# --- Public tracking ----------------------------------------------------------------------


def _code(mobile: str) -> str:
    [sms] = [m for m in CapturingSMSBackend.outbox if m.mobile == mobile]
    return re.search(r"code (\d{6})", sms.text).group(1)


def _normalised(response, number: str, mobile: str) -> str:
    """The page without what differs by request anyway (CSRF token, what was typed)."""
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page(response))
    return content.replace(number, "N").replace(mobile[-4:], "M")


def _ask(client, number, mobile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(TRACK, {"number": number, "mobile": mobile})
    return first, client.get(TRACK_CODE)


def test_tracking_answers_the_same_for_a_wrong_number_or_mobile(
        personas, open_ticket, client, django_capture_on_commit_callbacks):
    answers = []
    for number, mobile in [(open_ticket.number, "9876543210"),
                           ("GR-2000-999999", "9876543210"),
                           (open_ticket.number, "9111105678")]:
        client.cookies.clear()
        first, code_page = _ask(client, number, mobile, django_capture_on_commit_callbacks)
        assert first.status_code == 302 and first["Location"] == TRACK_CODE
        answers.append(_normalised(code_page, number, mobile))
    assert answers[0] == answers[1] == answers[2]
    # Only the right pair gets a code, to the complaint's own mobile.
    assert [m.mobile for m in CapturingSMSBackend.outbox] == ["9876543210"]


def test_wrong_code_after_a_wrong_pair_gets_the_same_message_as_after_a_right_one(
        personas, open_ticket, client, django_capture_on_commit_callbacks):
    answers = []
    for number in (open_ticket.number, "GR-2000-999999"):
        client.cookies.clear()
        _ask(client, number, "9876543210", django_capture_on_commit_callbacks)
        answers.append(_normalised(client.post(TRACK_CODE, {"code": "000000"}), number,
                                   "9876543210"))
    assert answers[0] == answers[1]
    assert "That code is not right" in answers[0]


def test_after_the_code_only_the_status_fields_are_shown(personas, district_a, client,
                                                         django_capture_on_commit_callbacks):
    t = ticket(actor=personas["helpline"], district=district_a,
               caller_name="Sunita Bai", description="Contractor Ravi beat my husband.")
    _ask(client, t.number.lower(), "+91 98765 43210", django_capture_on_commit_callbacks)
    response = client.post(TRACK_CODE, {"code": _code("9876543210")})
    assert response["Location"] == TRACK_STATUS
    content = page(client.get(TRACK_STATUS))
    assert t.number in content
    assert "Wages not paid" in content and "Open" in content
    assert timezone.localtime(t.due_at).strftime("%d/%m/%Y %H:%M") in content
    assert "Sunita" not in content
    assert "Contractor Ravi" not in content
    assert "Pune" not in content


def test_tracking_a_resolved_ticket_shows_the_outcome_but_not_the_notes(
        personas, open_ticket, login, client, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    client.post(url("ticket_resolve", open_ticket), {
        "resolve-outcome": Ticket.Outcome.RESCUED, "resolve-note": "Police raid at kiln 7."})
    client.logout()
    _ask(client, open_ticket.number, "9876543210", django_capture_on_commit_callbacks)
    client.post(TRACK_CODE, {"code": _code("9876543210")})
    content = page(client.get(TRACK_STATUS))
    assert "Rescued" in content and "Resolved on" in content
    assert "kiln 7" not in content


def test_status_page_without_a_code_goes_back_to_the_form(client):
    assert client.get(TRACK_STATUS)["Location"] == TRACK
    assert client.get(TRACK_CODE)["Location"] == TRACK


def test_tracking_is_rate_limited_also_for_a_wrong_pair(open_ticket, client,
                                                        django_capture_on_commit_callbacks):
    for _ in range(3):
        _ask(client, "GR-2000-999999", "9123456789", django_capture_on_commit_callbacks)
    response = client.post(TRACK, {"number": "GR-2000-999999", "mobile": "9123456789"})
    assert response.status_code == 200
    assert "Too many codes were asked for." in page(response)
