"""Who sees which journeys, surveys, tickets and help desks (core scoping and the selectors)."""

import pytest

from core.roles import RoleCode as R
from core.scoping import scoped
from migrants import selectors
from migrants.models import HelpDesk, Migrant, Survey, Ticket
from tests.core.factories import UserFactory
from tests.migrants.factories import HelpDeskFactory, SurveyFactory, gujarat, journey, ticket
from tests.registration.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas, district_a, district_b):
    """A journey, a survey and a ticket of each district."""
    made = {}
    for key, district in (("a", district_a), ("b", district_b)):
        officer = personas[f"officer_{key}"]
        made[f"journey_{key}"] = journey(actor=officer, district=district)
        made[f"survey_{key}"] = SurveyFactory(district=district, created_by=officer)
        made[f"ticket_{key}"] = ticket(actor=personas["helpline"], district=district)
    return made


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_a"])
def test_district_staff_see_their_districts_records_only(personas, records, persona):
    user = personas[persona]
    assert list(selectors.migrant_list(user=user)) == [records["journey_a"]]
    assert list(selectors.survey_list(user=user)) == [records["survey_a"]]
    assert list(selectors.ticket_list(user=user)) == [records["ticket_a"]]


def test_officer_of_another_district_does_not_find_the_record(personas, records):
    user = personas["officer_b"]
    assert not selectors.migrant_list(user=user).filter(pk=records["journey_a"].pk).exists()
    assert not selectors.survey_list(user=user).filter(pk=records["survey_a"].pk).exists()
    assert not selectors.ticket_list(user=user).filter(pk=records["ticket_a"].pk).exists()


def test_state_admin_sees_every_district(personas, records):
    user = personas["state_admin"]
    assert selectors.migrant_list(user=user).count() == 2
    assert selectors.survey_list(user=user).count() == 2
    assert selectors.ticket_list(user=user).count() == 2


def test_officer_sees_a_survey_of_another_district_they_are_a_surveyor_of_once(
        personas, records):
    records["survey_a"].surveyors.set([personas["officer_b"], personas["officer_a"]])
    surveys = list(selectors.survey_list(user=personas["officer_b"]))
    assert sorted(s.pk for s in surveys) == sorted([records["survey_a"].pk,
                                                    records["survey_b"].pk])


def test_helpline_agent_of_no_desk_sees_every_ticket_and_journey(personas, records):
    user = personas["helpline"]
    assert selectors.ticket_list(user=user).count() == 2
    assert selectors.migrant_list(user=user).count() == 2


def test_desk_staff_see_their_desks_tickets_and_those_they_opened_only(personas, district_a):
    pune = HelpDeskFactory(name_en="Pune desk")
    ahmedabad = HelpDeskFactory(name_en="Ahmedabad desk", state=gujarat())
    agent = UserFactory(roles=[R.HELPLINE_AGENT])
    pune.staff.add(agent)
    for_desk = ticket(actor=personas["helpline"], district=district_a)
    opened_by_agent = ticket(actor=agent, district=district_a, location_state=gujarat())
    other = ticket(actor=personas["helpline"], district=district_a, location_state=gujarat())
    assert (for_desk.desk, opened_by_agent.desk, other.desk) == (pune, ahmedabad, ahmedabad)
    seen = set(selectors.ticket_list(user=agent))
    assert seen == {for_desk, opened_by_agent}


def test_worker_sees_their_own_journeys_and_tickets(personas, district_a):
    me, someone = personas["worker_a"], personas["worker_b"]
    mine = journey(actor=personas["officer_a"], district=district_a,
                   worker=WorkerFactory(district=district_a, owner=me))
    theirs = journey(actor=personas["officer_a"], district=district_a,
                     worker=WorkerFactory(district=district_a, owner=someone))
    unlinked = journey(actor=personas["officer_a"], district=district_a)
    my_ticket = ticket(actor=personas["helpline"], district=district_a, migrant=mine)
    ticket(actor=personas["helpline"], district=district_a, migrant=theirs)
    ticket(actor=personas["helpline"], district=district_a, migrant=unlinked)
    ticket(actor=personas["helpline"], district=district_a)
    assert list(selectors.migrant_list(user=me)) == [mine]
    assert list(selectors.ticket_list(user=me)) == [my_ticket]
    assert list(selectors.survey_list(user=me)) == []


def test_worker_sees_the_ticket_they_opened_themselves(personas, district_a):
    me = personas["worker_a"]
    own = ticket(actor=me, district=district_a, channel=Ticket.Channel.WORKER)
    ticket(actor=personas["worker_b"], district=district_a, channel=Ticket.Channel.WORKER)
    assert list(selectors.ticket_list(user=me)) == [own]


@pytest.mark.parametrize("persona", ["csc_a", "employer_a", "maker"])
def test_operators_employers_and_accounts_see_no_journeys_surveys_or_tickets(
        personas, records, persona):
    user = personas[persona]
    for model in (Migrant, Survey, Ticket):
        assert not scoped(user, model).exists()
    assert selectors.migrants_out_by_state(user=user) == []


@pytest.mark.parametrize("persona", ["state_admin", "officer_b", "helpline", "csc_a",
                                     "employer_a", "worker_a", "checker"])
def test_help_desks_are_visible_to_everyone(personas, persona):
    desk = HelpDeskFactory(name_en="Mumbai desk")
    closed = HelpDeskFactory(name_en="Old desk", is_active=False)
    assert set(scoped(personas[persona], HelpDesk)) == {desk, closed}
    assert list(selectors.desk_list()) == [desk]


def test_surveyor_sees_only_the_surveys_assigned_and_the_journeys_they_captured(
        personas, district_a, client):
    from django.urls import reverse

    from migrants import services
    from tests.conftest import mfa_login
    from tests.migrants.factories import entry

    surveyor = UserFactory(roles=[R.SURVEYOR], jurisdiction=[district_a])
    mine = SurveyFactory(district=district_a, created_by=personas["officer_a"],
                         surveyors=[surveyor])
    other = SurveyFactory(district=district_a, created_by=personas["officer_a"])
    services.survey_entries_sync(actor=surveyor, survey=mine, entries=[entry(survey=mine)])
    journey(actor=personas["officer_a"], district=district_a)  # the officer's, not theirs
    assert list(scoped(surveyor, Survey)) == [mine]
    assert [m.created_by for m in scoped(surveyor, Migrant)] == [surveyor]
    mfa_login(client, surveyor)
    assert client.get(reverse("migrants:survey_capture", args=[mine.uuid])).status_code == 200
    assert client.get(reverse("migrants:survey_capture", args=[other.uuid])).status_code == 404
    # Planning surveys and importing sheets are office work.
    assert client.get(reverse("migrants:survey_create")).status_code == 404
    assert client.get(reverse("migrants:survey_import", args=[mine.uuid])).status_code == 404
