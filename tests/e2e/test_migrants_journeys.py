"""Migrants in the browser: a village survey captured with the phone offline, sent later.

(A repeated or interrupted sync is proven at the service and endpoint level:
tests/migrants/test_sync.py and test_views_surveys.py.)"""

import time

import pytest
from playwright.sync_api import expect

from core.roles import RoleCode as R
from migrants.models import Migrant
from tests.conftest import TOTP_SECRET, add_totp
from tests.core.factories import UserFactory
from tests.e2e.test_registration_journeys import staff_logs_in
from tests.migrants.factories import SurveyFactory, maharashtra

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_officer_surveys_a_village_offline_and_the_entry_arrives_once_back_online(
        journey, raipur):
    officer = add_totp(UserFactory(username="officer.e2e", roles=[R.LABOUR_OFFICER],
                                   jurisdiction=[raipur]), TOTP_SECRET)
    destination = maharashtra()
    survey = SurveyFactory(district=raipur, block=raipur.blocks.first(), created_by=officer,
                           surveyors=[officer], name="Abhanpur door to door")
    j = journey("surveyor")
    staff_logs_in(j, officer.username)
    page = j.page
    j.goto(f"/migrants/surveys/{survey.uuid}/capture/")
    j.check_page("capture")

    # In the village: no network. The entry is kept on the phone.
    j.context.set_offline(True)
    page.locator("[name=household]").fill("H-12")
    page.locator("[name=name]").fill("Mohan Lal")
    page.locator("[name=mobile]").fill("9876511111")
    page.locator("[name=destination_state]").select_option(value=str(destination.pk))
    page.locator("[name=destination_place]").fill("Surat")
    page.locator("[name=departed_on]").fill("02/01/2026")
    page.get_by_role("button", name=j.t("Save on this phone", "इस फ़ोन पर सहेजें")).click()
    expect(page.locator("[data-pending-count]")).to_have_text("1")
    j.check_page("saved-offline")
    assert not Migrant.objects.exists()

    # Back in network: the phone sends what it kept by itself ("Send now" also would).
    j.context.set_offline(False)
    expect(page.locator("[data-pending-count]")).to_have_text("0")
    deadline = time.monotonic() + 10
    while not Migrant.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    migrant = Migrant.objects.get()
    assert (migrant.survey, migrant.name, migrant.destination_place) == (survey, "Mohan Lal",
                                                                         "Surat")
    j.check_page("sent")
    # Nothing is left on the phone to send twice: the page reloads with nothing waiting.
    page.reload()
    expect(page.locator("[data-pending-count]")).to_have_text("0")
    assert Migrant.objects.count() == 1


def test_helpline_agent_opens_a_ticket_sees_it_escalate_and_closes_it(journey, raipur):
    from datetime import timedelta

    from django.utils import timezone

    from migrants.models import Ticket
    from migrants.services import tickets_escalate
    from tests.migrants.factories import HelpDeskFactory
    from tests.migrants.factories import journey as record_journey

    agent = add_totp(UserFactory(username="helpline.e2e", roles=[R.HELPLINE_AGENT]),
                     TOTP_SECRET)
    officer = UserFactory(roles=[R.LABOUR_OFFICER], jurisdiction=[raipur])
    destination = maharashtra()
    HelpDeskFactory(state=destination, name_en="Pune help desk", city="Pune")
    record_journey(actor=officer, district=raipur, mobile="9876512345",
                   destination_state=destination)
    j = journey("helpline")
    staff_logs_in(j, agent.username)
    page = j.page
    j.goto("/migrants/tickets/new/")

    # The caller gives their mobile: their journey fills in where they are.
    page.locator("[name=caller_mobile]").fill("9876512345")
    page.get_by_role("button", name=j.t("Find by mobile", "मोबाइल से खोजें")).click()
    page.locator("[name=caller_name]").fill("Ramesh Sahu")
    page.locator("[name=migrant]").first.check()
    page.locator("[name=location_state]").select_option(value=str(destination.pk))
    page.locator("[name=location_place]").fill("Pune")
    page.locator("[name=origin_district]").select_option(value=str(raipur.pk))
    page.locator("[name=category]").select_option("wages")
    page.locator("[name=description]").fill("Contractor has not paid two months' wages.")
    j.check_page("open")
    page.get_by_role("button", name=j.t("Open the ticket", "शिकायत दर्ज करें")).click()
    ticket = Ticket.objects.get()
    expect(page.get_by_text(ticket.number).first).to_be_visible()
    j.check_page("opened")

    # Nobody acts in time: the beat job raises it a level.
    tickets_escalate(now=timezone.now() + timedelta(hours=73))
    page.reload()
    ticket.refresh_from_db()
    assert ticket.level == 1
    j.check_page("escalated")

    # The wages are recovered: the agent closes it with the outcome.
    page.locator("[name=resolve-outcome]").select_option("wages_recovered")
    page.locator("[name=resolve-amount]").fill("18000")
    page.locator("[name=resolve-note]").fill("Contractor paid after the labour office called.")
    page.get_by_role("button", name=j.t("Resolve the ticket", "शिकायत निपटाएँ")).click()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED and ticket.outcome_amount == 18000
    j.check_page("resolved")
