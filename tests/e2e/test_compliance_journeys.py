"""Bonded and child labour in the browser: a released labourer followed from the rescue to
court, and a rescued child up to the Child Welfare Committee's order.

Inputs are found by their ``name`` (the same in both languages) and select options by
value; the menus, links and buttons a user clicks, and the stages they read, by their text.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import BondedCase, ChildCase, RehabComponent, RescueOperation
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.conftest import TOTP_SECRET, add_totp
from tests.core.factories import UserFactory
from tests.e2e.test_registration_journeys import staff_logs_in

# The labour officer's own journey (verification) runs in make test; these case journeys
# of the same role run, in both languages, with the slow suite (make test-slow).
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.slow]


def day(value) -> str:
    """A date as an officer types it: day first."""
    return value.strftime("%d/%m/%Y")


def open_menu_item(j, menu: str, item: str) -> None:
    """Open a menu of the main navigation and follow one of its links (on a phone the
    navigation is folded behind the menu button first)."""
    nav = j.page.get_by_role("navigation", name=j.t("Main", "मुख्य"))
    toggler = nav.get_by_role("button", name=j.t("Menu", "मेनू"))
    if toggler.is_visible():
        toggler.click()
    nav.get_by_role("button", name=menu, exact=True).click()
    nav.get_by_role("link", name=item, exact=True).click()


@pytest.fixture
def officer(raipur):
    return add_totp(UserFactory(username="officer.e2e", roles=[R.LABOUR_OFFICER],
                                jurisdiction=[raipur]), TOTP_SECRET)


def test_officer_follows_a_released_labourer_from_rescue_to_court(journey, raipur, officer):
    today = timezone.localdate()
    rescued_on = today - timedelta(days=10)
    j = journey("officer")
    staff_logs_in(j, officer.username)
    page = j.page

    # The rescue at a brick kiln of Raipur.
    open_menu_item(j, j.t("Rescue cases", "रेस्क्यू प्रकरण"),
                   j.t("Record a rescue", "रेस्क्यू दर्ज करें"))
    page.locator("[name=rescued_on]").fill(day(rescued_on))
    page.locator("[name=place]").fill("Brick kiln, Dharsiwa")
    expect(page.locator("[name=district]")).to_have_value(str(raipur.pk))
    page.locator("[name=agency]").fill("District administration and police")
    page.locator("[name=vigilance_committee]").fill("DVC Raipur")
    j.check_page("rescue")
    page.get_by_role("button", name=j.t("Record the rescue", "रेस्क्यू दर्ज करें")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brick kiln, Dharsiwa")
    operation = RescueOperation.objects.get()
    assert (operation.district, operation.rescued_on) == (raipur, rescued_on)
    j.check_page("operation")

    # The person released, with the release certificate.
    page.get_by_role("link", name=j.t("Add a released person",
                                      "मुक्त कराया गया व्यक्ति जोड़ें")).click()
    page.locator("[name=name]").fill("Budhram Dhruw")
    page.locator("[name=relative_name]").fill("Sukhram Dhruw")
    page.locator("[name=gender]").select_option("male")
    page.locator("[name=age]").fill("34")
    expect(page.locator("[name=origin_district]")).to_have_value(str(raipur.pk))
    page.locator("[name=employer_name]").fill("Kiln owner Ramesh Agrawal")
    page.locator("[name=work]").fill("Brick moulding")
    page.locator("[name=certificate_number]").fill("RC/17/2026")
    page.locator("[name=certificate_on]").fill(day(rescued_on))
    page.locator("[name=certificate_magistrate]").fill("SDM Dharsiwa")
    j.check_page("person")
    page.get_by_role("button", name=j.t("Record the person", "व्यक्ति को दर्ज करें")).click()
    awaiting_assistance = j.t("Awaiting immediate assistance", "तात्कालिक सहायता की प्रतीक्षा")
    expect(page.get_by_text(awaiting_assistance, exact=True)).to_be_visible()
    case = BondedCase.objects.get()
    assert (case.origin_district, case.release_district, case.released_on) == (
        raipur, raipur, rescued_on)
    assert case.number.startswith("BL-")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    j.check_page("case-new")

    # Immediate assistance, paid by the district a week after the release.
    page.get_by_role("link", name=j.t("Record or ask for the assistance",
                                      "सहायता दर्ज करें या उसका अनुरोध करें")).click()
    page.locator("[name=amount]").fill("30000")
    page.locator("[name=paid_on]").fill(day(rescued_on + timedelta(days=7)))
    j.check_page("assistance")
    page.get_by_role("button", name=j.t("Record the payment", "भुगतान दर्ज करें")).click()
    awaiting_package = j.t("Awaiting rehabilitation package", "पुनर्वास पैकेज की प्रतीक्षा")
    expect(page.get_by_text(awaiting_package, exact=True)).to_be_visible()

    # The package: cash assistance, paid out.
    page.get_by_role("link", name=j.t("Add a component", "घटक जोड़ें")).click()
    page.locator("[name=kind]").select_option("cash")
    page.locator("[name=amount]").fill("20000")
    page.locator("[name=status]").select_option("done")
    page.locator("[name=status_on]").fill(day(today))
    page.locator("[name=details]").fill("Paid into SBI account")
    j.check_page("component")
    page.get_by_role("button", name=j.t("Save the component", "घटक सहेजें")).click()
    expect(page.get_by_role("cell", name=j.t("Cash assistance", "नकद सहायता"), exact=True)
           ).to_be_visible()

    # The FIR against the employer.
    page.get_by_role("link", name=j.t("Record legal action", "क़ानूनी कार्रवाई दर्ज करें")).click()
    page.locator("[name=fir_police_station]").fill("Dharsiwa")
    page.locator("[name=fir_number]").fill("112/2026")
    page.locator("[name=fir_on]").fill(day(rescued_on + timedelta(days=1)))
    page.locator("[name=fir_sections]").fill("BLSA 1976 s.16-18")
    j.check_page("legal")
    page.get_by_role("button", name=j.t("Save the legal action", "क़ानूनी कार्रवाई सहेजें")).click()

    # Back on the case page: rehabilitated, with the FIR registered.
    rehabilitated = j.t("Rehabilitated", "पुनर्वास हो गया")
    fir_registered = j.t("FIR registered", "एफ़आईआर दर्ज")
    expect(page.get_by_text(fir_registered, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    # The stage badge comes before the "Time from release" label of the same words.
    expect(page.get_by_text(rehabilitated, exact=True).first).to_be_visible()
    expect(page.get_by_text(awaiting_package, exact=True)).to_have_count(0)
    expect(page.get_by_text(re.compile("112/2026"))).to_be_visible()
    case.refresh_from_db()
    assert case.stage == BondedCase.Stage.REHABILITATED
    assert case.legal_stage == BondedCase.LegalStage.FIR
    assert case.assistance_paid_on == rescued_on + timedelta(days=7)
    assert case.components.get().status == RehabComponent.Status.DONE
    j.check_page("case-done")

    # The list of cases shows it, with its stage (and, on a wide screen, its legal action).
    page.get_by_role("link", name=j.t("Bonded labour cases", "बंधुआ मज़दूरी के प्रकरण"),
                     exact=True).first.click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=case.number))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Budhram Dhruw")
    expect(row).to_contain_text(rehabilitated)
    if j.variant == "en-desktop":  # the column is hidden below the md breakpoint
        expect(row).to_contain_text(fir_registered)
    j.check_page("list")


def test_officer_records_a_rescued_child_and_the_cwc_order(journey, raipur, officer):
    today = timezone.localdate()
    rescued_on = today - timedelta(days=5)
    j = journey("officer")
    staff_logs_in(j, officer.username)
    page = j.page

    open_menu_item(j, j.t("Rescue cases", "रेस्क्यू प्रकरण"),
                   j.t("Rescued children", "रेस्क्यू किए गए बच्चे"))
    page.get_by_role("link", name=j.t("Record a rescued child",
                                      "रेस्क्यू किया गया बच्चा दर्ज करें")).first.click()
    expect(page.locator("[name=district]")).to_have_value(str(raipur.pk))
    page.locator("[name=rescued_on]").fill(day(rescued_on))
    page.locator("[name=name]").fill("Sonu Kumar")
    page.locator("[name=gender]").select_option("male")
    page.locator("[name=age]").fill("13")
    page.locator("[name=age_proof]").select_option("school")
    page.locator("[name=guardian_name]").fill("Ramesh Kumar")
    page.locator("[name=establishment_name]").fill("Sharma Dhaba, Station Road")
    page.locator("[name=employer_name]").fill("Vinod Sharma")
    page.locator("[name=work]").fill("Washing dishes")
    j.check_page("child-form")
    page.get_by_role("button", name=j.t("Record the child", "बच्चे को दर्ज करें")).click()
    awaiting_order = j.t("Awaiting the CWC order", "CWC आदेश की प्रतीक्षा")
    expect(page.get_by_text(awaiting_order, exact=True)).to_be_visible()
    case = ChildCase.objects.get()
    assert (case.district, case.age, case.rescued_on) == (raipur, 13, rescued_on)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    j.check_page("child-case")

    # The Child Welfare Committee's order restores the child to the family.
    page.get_by_role("link", name=j.t("Edit the CWC order and placement",
                                      "CWC आदेश और बच्चे को रखने की व्यवस्था बदलें")).click()
    page.locator("[name=cwc_order_number]").fill("CWC/RPR/45/2026")
    page.locator("[name=cwc_order_on]").fill(day(rescued_on + timedelta(days=2)))
    page.locator("[name=placement]").select_option("family")
    page.locator("[name=placement_details]").fill("With the parents in Abhanpur")
    j.check_page("order")
    page.get_by_role("button", name=j.t("Save", "सहेजें"), exact=True).click()
    awaiting_school = j.t("Awaiting school enrolment", "स्कूल में नामांकन की प्रतीक्षा")
    expect(page.get_by_text(awaiting_school, exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(j.t("Restored to family", "परिवार को सौंपा गया")))
           ).to_be_visible()
    case.refresh_from_db()
    assert case.stage == ChildCase.Stage.AWAITING_SCHOOL
    assert case.placement == ChildCase.Placement.FAMILY
    j.check_page("child-case-ordered")

    # Opening a minor's record is audited.
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SENSITIVE_READ, actor=officer,
        object_type="compliance.childcase", object_id=str(case.pk)).exists()
