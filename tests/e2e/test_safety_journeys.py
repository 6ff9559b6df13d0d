"""Factory safety and the construction cess in the browser: a safety inspector plans the
month and records an inspection; an employer registers a construction project, self-assesses
the cess, pays it and downloads the receipt.

Inputs are found by their ``name`` (the same in both languages); the menus, links and
buttons a user clicks, and what they read, by their text.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from compliance.forms_factories import month_value
from compliance.models import CessPayment, ConstructionProject, Inspection
from core.roles import RoleCode as R
from tests.compliance.factories_safety import FactoryFactory
from tests.conftest import PASSWORD, TOTP_SECRET, add_totp
from tests.core.factories import UserFactory
from tests.e2e.test_compliance_journeys import day, open_menu_item
from tests.e2e.test_registration_journeys import staff_logs_in
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def employer_logs_in(j, email: str) -> None:
    """An employer logs in with their email and password (no second factor)."""
    page = j.page
    j.goto("/accounts/login/")
    # The labels carry the required mark ("Login*"): matched by their words.
    page.get_by_label(j.t("Login", "लॉग इन आईडी")).fill(email)
    page.get_by_label(j.t("Password", "पासवर्ड")).fill(PASSWORD)
    page.get_by_role("button", name=j.t("Sign In", "लॉग इन करें")).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    if j.lang == "hi":
        # Accounts start in English; a Hindi reader switches once (it is saved).
        page.get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")


def test_inspector_plans_the_month_and_records_an_inspection(journey, raipur):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    inspector = add_totp(UserFactory(username="inspector.e2e", roles=[R.SAFETY_INSPECTOR],
                                     jurisdiction=[raipur]), TOTP_SECRET)
    factory = FactoryFactory(
        establishment=EstablishmentFactory(name="Raipur Steel Castings", district=raipur),
        risk_category="high", risk_score=80, is_hazardous=True)
    j = journey("inspector")
    staff_logs_in(j, inspector.username)
    page = j.page

    # The month's plan: next month is offered first; this month is chosen.
    open_menu_item(j, j.t("Factories and cess", "कारख़ाने और उपकर"),
                   j.t("Plan the month's inspections", "महीने के निरीक्षणों की योजना बनाएँ"))
    month = page.locator("[name=month]")
    expect(month).not_to_have_value(month_value(this_month))
    month.select_option(month_value(this_month))
    j.check_page("plan")
    page.get_by_role("button", name=j.t("Plan the inspections", "निरीक्षणों की योजना बनाएँ")
                     ).click()

    # The list, filtered to the month planned, shows the high-risk factory.
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Raipur Steel Castings"))
    expect(row).to_have_count(1)
    inspection = Inspection.objects.get()
    assert (inspection.factory, inspection.month, inspection.inspector,
            inspection.reason) == (factory, this_month, inspector, Inspection.Reason.HIGH_RISK)
    expect(row).to_contain_text(j.t("Planned", "प्रस्तावित"))
    expect(row).to_contain_text(f"{this_month:%m/%Y}")
    j.check_page("list-planned")

    # The inspection, then its report: everything in order but the fire exits.
    row.get_by_role("link", name="Raipur Steel Castings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raipur Steel Castings")
    j.check_page("inspection-planned")
    page.get_by_role("link", name=j.t("Record the report", "रिपोर्ट दर्ज करें")).first.click()
    page.locator("[name=inspected_on]").fill(day(today))
    for radio in page.locator("input[type=radio][value=in_order]").all():
        radio.check()
    page.locator("[name=check_fire][value=violation]").check()
    page.locator("[name=violations]").fill(
        "Section 38: fire exit of the melting shop blocked by scrap.")
    page.locator("[name=directions]").fill("Clear the fire exit and keep it clear.")
    page.locator("[name=compliance_due_on]").fill(day(today + timedelta(days=15)))
    j.check_page("report")
    page.get_by_role("button", name=j.t("Record the report", "रिपोर्ट दर्ज करें")).click()

    # The inspection page: the violation and the employer's compliance awaited.
    expect(page.get_by_text(j.t("The inspection report is recorded.",
                                "निरीक्षण रिपोर्ट दर्ज हो गई।"))).to_be_visible()
    expect(page.get_by_text(j.t("Awaiting the employer's compliance",
                                "नियोजक के अनुपालन की प्रतीक्षा"), exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("fire exit of the melting shop blocked"))).to_be_visible()
    checklist = page.locator(".inspection-checklist")
    violation = j.t("Violation", "उल्लंघन")
    expect(checklist.get_by_text(violation, exact=True)).to_have_count(1)
    expect(checklist.get_by_role("row").filter(has_text=j.t(
        "Fire exits clear, extinguishers charged",
        "आपातकालीन निकास खुले हैं, अग्निशामक यंत्र भरे हुए हैं"))).to_contain_text(violation)
    expect(page.get_by_text(day(today + timedelta(days=15)))).to_be_visible()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE
    assert inspection.compliance == Inspection.Compliance.PENDING
    assert [code for code, ok in inspection.checklist.items() if not ok] == ["fire"]
    assert len(inspection.checklist) == 10
    assert inspection.compliance_due_on == today + timedelta(days=15)
    j.check_page("inspection-done")


def test_employer_self_assesses_and_pays_cess_and_downloads_the_receipt(journey, raipur):
    employer = UserFactory(username="builder.e2e", email="owner@builder.example",
                           roles=[R.EMPLOYER])
    employer.set_password(PASSWORD)
    employer.save()
    # Verified at sign-up (the portal asks every employer to verify their email).
    EmailAddress.objects.create(user=employer, email=employer.email, verified=True,
                                primary=True)
    EstablishmentFactory(name="Sai Builders", kind="construction", sector="construction",
                         owner=employer, district=raipur)
    today = timezone.localdate()
    j = journey("employer")
    employer_logs_in(j, employer.email)
    page = j.page

    # My establishments → the builder firm → a new project.
    open_menu_item(j, j.t("My establishments", "मेरे प्रतिष्ठान"),
                   j.t("Establishments", "प्रतिष्ठान"))
    page.get_by_role("link", name="Sai Builders", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sai Builders")
    j.check_page("establishment")
    page.get_by_role("link", name=j.t("Register a construction project",
                                      "निर्माण परियोजना पंजीकृत करें")).click()
    page.locator("[name=name]").fill("Sai Heights, Tower A")
    expect(page.locator("[name=district]")).to_have_value(str(raipur.pk))
    page.locator("[name=site]").fill("Plot 7, Sector 21, Nava Raipur")
    page.locator("[name=estimated_cost]").fill("20000000")
    page.locator("[name=starts_on]").fill(day(today - timedelta(days=30)))
    page.locator("[name=completes_on]").fill(day(today + timedelta(days=700)))
    page.locator("[name=approval_authority]").fill("Nava Raipur Development Authority")
    page.locator("[name=approval_number]").fill("NRDA/BP/112/2026")
    j.check_page("project-form")
    page.get_by_role("button", name=j.t("Register the project", "परियोजना पंजीकृत करें")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sai Heights, Tower A")
    project = ConstructionProject.objects.get()
    assert (project.district, project.establishment.owner) == (raipur, employer)
    j.check_page("project-new")

    # The self-assessment: 1% of ₹2,00,00,000, worked out before it is submitted.
    page.get_by_role("link", name=j.t("Self-assess", "स्व-मूल्यांकन करें"), exact=True).click()
    page.locator("[name=cost]").fill("20000000")
    page.get_by_role("button", name=j.t("Work out the cess", "उपकर की गणना करें")).click()
    working = page.locator(".cess-working")
    expect(working).to_contain_text("1%")
    expect(working).to_contain_text("₹2,00,00,000")
    expect(working).to_contain_text("₹2,00,000")
    j.check_page("assess")
    page.get_by_role("button", name=j.t("Submit the self-assessment", "स्व-मूल्यांकन जमा करें")
                     ).click()
    expect(page.locator(".cess-total")).to_have_text("₹2,00,000")
    assessment = project.assessments.get()
    assert (assessment.kind, assessment.cost, assessment.amount) == ("self", 20000000, 200000)

    # Paying the whole of it through the (simulated) gateway.
    page.get_by_role("link", name=j.t("Pay cess", "उपकर का भुगतान करें"), exact=True).click()
    expect(page.locator("[name=amount]")).to_have_value("200000.00")
    j.check_page("pay")
    page.get_by_role("button", name=j.t("Pay now", "अभी भुगतान करें")).click()
    expect(page.locator(".cess-paid-up")).to_have_text(j.t(
        "Nothing is owed: the cess is paid.",
        "कुछ भी बकाया नहीं है: उपकर का भुगतान हो चुका है।"))
    expect(page.locator(".cess-total")).to_have_text("₹0")
    payment = CessPayment.objects.get()
    assert (payment.project, payment.amount, payment.paid_by) == (project, 200000, employer)
    payments = page.locator(".payment-table")
    expect(payments).to_contain_text(payment.challan_reference)
    j.check_page("project-paid")

    # The receipt (made in the background; Celery is eager in tests).
    with page.expect_download() as download:
        payments.get_by_role("link", name=j.t("Download the receipt", "रसीद डाउनलोड करें")
                             ).click()
    assert download.value.suggested_filename == f"cess-receipt-{payment.challan_reference}.pdf"
    with open(download.value.path(), "rb") as receipt:
        assert receipt.read(5) == b"%PDF-"
