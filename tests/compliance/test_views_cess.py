"""BOC welfare cess through its pages: projects, self-assessment, orders, payment and
receipt, the defaulters' list, collections, and who may see what."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from compliance import rules
from compliance.models import CessAssessment, CessPayment, ConstructionProject
from core.models import AuditEvent
from core.money import rupees
from core.roles import RoleCode as R
from employers.models import Establishment
from tests.compliance.factories_safety import CessAssessmentFactory, ConstructionProjectFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:project_list")
DEFAULTERS = reverse("compliance:cess_defaulters")
COLLECTIONS = reverse("compliance:cess_collections")


def url(name: str, obj) -> str:
    return reverse(name, kwargs={"uuid": obj.uuid})


def create_url(establishment) -> str:
    return reverse("compliance:project_create", args=[establishment.uuid])


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def page_text(response) -> str:
    return response.content.decode()


def paid(project, amount, *, on=None, reference=None) -> CessPayment:
    """A payment recorded as the gateway would have confirmed it."""
    return CessPayment.objects.create(
        project=project, district=project.district, amount=Decimal(amount),
        paid_on=on or timezone.localdate(),
        challan_reference=reference or f"SIMTEST{CessPayment.objects.count() + 1:06d}",
        paid_by=project.establishment.owner)


@pytest.fixture
def project_a(personas, district_a):
    """A project of employer A's construction establishment in district A (₹5 crore)."""
    return ConstructionProjectFactory(establishment__owner=personas["employer_a"],
                                      establishment__district=district_a,
                                      name="Shanti Nagar towers")


@pytest.fixture
def other_employer(db):
    return UserFactory(username="employer.other", roles=[R.EMPLOYER])


@pytest.fixture
def project_other(other_employer, district_a):
    """Another employer's project in the same district."""
    return ConstructionProjectFactory(establishment__owner=other_employer,
                                      establishment__district=district_a,
                                      name="Other builder's mall")


@pytest.fixture
def project_b(district_b):
    return ConstructionProjectFactory(establishment__district=district_b,
                                      name="Bilaspur bridge")


def past_due(project, *, days=45, amount="500000") -> CessAssessment:
    return CessAssessmentFactory(project=project, amount=Decimal(amount),
                                 cost=Decimal(amount) * 100, due_on=days_ago(days))


def order(project, officer, *, cost="80000000", number="BOC/7/2026") -> CessAssessment:
    return CessAssessmentFactory(project=project, kind=CessAssessment.Kind.ORDER,
                                 cost=Decimal(cost), amount=rules.cess_amount(cost),
                                 order_number=number, reason="Cost understated",
                                 assessed_by=officer)


# --- Registering a project --------------------------------------------------------------


def project_data(district, **overrides) -> dict:
    return {"name": "Green valley phase 2", "site": "Khasra 112, Saddu", "district": district.pk,
            "estimated_cost": "120000000", "starts_on": day(days_ago(10)),
            "completes_on": day(days_ago(-700)),
            "approval_authority": "Raipur Development Authority", "approval_number": "P/12",
            **overrides}


def test_employer_registers_a_project_of_their_construction_establishment(
        client, login, personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                         kind=Establishment.Kind.CONSTRUCTION)
    login(personas["employer_a"])
    response = client.post(create_url(establishment),
                           project_data(district_a))
    project = ConstructionProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.establishment == establishment
    assert project.estimated_cost == Decimal("120000000")


def test_the_list_offers_new_projects_only_for_builder_and_contractor_establishments(
        client, login, personas, district_a):
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   kind=Establishment.Kind.CONSTRUCTION, name="Builder")
    factory = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   name="Rice mill")
    login(personas["employer_a"])
    page = page_text(client.get(LIST))
    assert create_url(builder) in page
    assert create_url(factory) not in page


def test_a_project_of_a_factory_establishment_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a)
    login(personas["employer_a"])
    response = client.post(create_url(establishment),
                           project_data(district_a))
    assert response.status_code == 200
    assert "Construction projects belong to a builder or a contractor." in page_text(response)
    assert not ConstructionProject.objects.exists()


def test_a_project_completing_before_it_starts_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                         kind=Establishment.Kind.CONTRACTOR)
    login(personas["employer_a"])
    response = client.post(create_url(establishment),
                           project_data(district_a, completes_on=day(days_ago(20))))
    assert response.status_code == 200
    assert "Completion comes after the start." in page_text(response)
    assert not ConstructionProject.objects.exists()


def test_another_employers_establishment_gets_404_on_project_create(
        client, login, personas, district_a, other_employer):
    establishment = EstablishmentFactory(owner=other_employer, district=district_a,
                                         kind=Establishment.Kind.CONSTRUCTION)
    login(personas["employer_a"])
    assert client.get(create_url(establishment)).status_code == 404
    response = client.post(create_url(establishment),
                           project_data(district_a))
    assert response.status_code == 404
    assert not ConstructionProject.objects.exists()


# --- Self-assessment --------------------------------------------------------------------


def test_self_assessment_page_shows_the_cess_as_one_percent_of_the_cost(client, login,
                                                                       personas, project_a):
    login(personas["employer_a"])
    page = page_text(client.get(url("compliance:cess_self_assess", project_a)))
    assert "1% of ₹5,00,00,000 = ₹5,00,000" in page


def test_working_out_the_cess_shows_the_amount_without_saving_it(client, login, personas,
                                                                 project_a):
    login(personas["employer_a"])
    response = client.post(url("compliance:cess_self_assess", project_a),
                           {"cost": "72000000", "preview": "1"})
    assert response.status_code == 200
    assert "1% of ₹7,20,00,000 = ₹7,20,000" in page_text(response)
    assert not CessAssessment.objects.exists()


def test_self_assessment_saves_one_percent_of_the_cost_and_says_so(client, login, personas,
                                                                  project_a):
    login(personas["employer_a"])
    response = client.post(url("compliance:cess_self_assess", project_a),
                           {"cost": "60000000"}, follow=True)
    assessment = CessAssessment.objects.get()
    assert assessment.kind == CessAssessment.Kind.SELF
    assert assessment.amount == Decimal("600000")
    assert assessment.rate == Decimal("0.01")
    page = page_text(response)
    assert "1% of ₹6,00,00,000 = ₹6,00,000" in page
    assert "₹6,00,000" in page


def test_a_self_assessment_without_a_cost_above_zero_is_refused_and_nothing_is_saved(
        client, login, personas, project_a):
    login(personas["employer_a"])
    response = client.post(url("compliance:cess_self_assess", project_a), {"cost": "0"})
    assert response.status_code == 200
    assert "Give an amount above zero." in page_text(response)
    assert not CessAssessment.objects.exists()


# --- Assessment orders ------------------------------------------------------------------


def test_an_order_by_the_district_labour_officer_stands_over_the_self_assessment(
        client, login, personas, project_a):
    CessAssessmentFactory(project=project_a)
    login(personas["officer_a"])
    response = client.post(url("compliance:cess_order", project_a), {
        "cost": "80000000", "order_number": "BOC/7/2026", "reason": "Cost understated",
        "due_on": day(days_ago(-15))}, follow=True)
    ordered = CessAssessment.objects.get(kind=CessAssessment.Kind.ORDER)
    assert ordered.amount == Decimal("800000")
    assert ordered.assessed_by == personas["officer_a"]
    page = page_text(response)
    assert "Assessment order BOC/7/2026 is issued" in page
    dues = response.context["dues"]
    assert dues["assessment"] == ordered
    assert dues["total"] == Decimal("800000")
    assert [a.stands for a in response.context["assessments"]] == [True, False]


def test_an_order_blocks_further_self_assessment(client, login, personas, project_a):
    order(project_a, personas["officer_a"])
    login(personas["employer_a"])
    response = client.post(url("compliance:cess_self_assess", project_a), {"cost": "1000000"})
    assert response.status_code == 200
    assert "An assessment order stands for this project" in page_text(response)
    assert CessAssessment.objects.count() == 1
    detail = client.get(project_a.get_absolute_url())
    assert url("compliance:cess_self_assess", project_a) not in page_text(detail)


def test_an_order_without_a_reason_is_refused_and_nothing_is_saved(client, login, personas,
                                                                   project_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:cess_order", project_a), {
        "cost": "80000000", "order_number": "BOC/7/2026", "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert not CessAssessment.objects.exists()


# --- Paying -----------------------------------------------------------------------------


def test_paying_part_then_the_rest_shows_the_balance_and_then_nothing_owed(client, login,
                                                                          personas,
                                                                          project_a):
    CessAssessmentFactory(project=project_a)  # ₹5,00,000 due in 30 days
    login(personas["employer_a"])
    pay = url("compliance:cess_pay", project_a)
    assert client.get(pay).context["form"].initial["amount"] == Decimal("500000.00")
    response = client.post(pay, {"amount": "200000"}, follow=True)
    assert response.context["dues"]["principal"] == Decimal("300000")
    assert "₹3,00,000" in page_text(response)
    response = client.post(pay, {"amount": "300000"}, follow=True)
    assert response.context["dues"]["total"] == Decimal("0")
    assert "Nothing is owed: the cess is paid." in page_text(response)
    assert CessPayment.objects.count() == 2


def test_late_payment_shows_interest_and_a_part_payment_clears_it_first(client, login,
                                                                        personas, project_a):
    assessment = past_due(project_a)
    today = timezone.localdate()
    months = rules.months_late(assessment.due_on, today)
    interest = Decimal("500000") * Decimal("0.02") * months
    login(personas["employer_a"])
    page = page_text(client.get(project_a.get_absolute_url()))
    assert rupees(interest) in page
    assert f"{months} months late" in page
    assert rupees(Decimal("500000") + interest) in page
    response = client.post(url("compliance:cess_pay", project_a), {"amount": "100000"},
                           follow=True)
    dues = response.context["dues"]
    assert dues["interest"] == Decimal("0")
    assert dues["principal"] == Decimal("500000") - (Decimal("100000") - interest)
    response = client.post(url("compliance:cess_pay", project_a),
                           {"amount": str(dues["total"])}, follow=True)
    assert response.context["dues"]["total"] == Decimal("0")


def test_paying_more_than_is_owed_is_refused_and_nothing_is_saved(client, login, personas,
                                                                  project_a):
    CessAssessmentFactory(project=project_a)
    login(personas["employer_a"])
    response = client.post(url("compliance:cess_pay", project_a), {"amount": "500001"})
    assert response.status_code == 200
    assert "The amount is more than what is owed" in page_text(response)
    assert not CessPayment.objects.exists()


def test_paying_before_any_assessment_asks_to_assess_first(client, login, personas,
                                                           project_a):
    login(personas["employer_a"])
    response = client.get(url("compliance:cess_pay", project_a))
    assert "Assess the cess before paying it." in page_text(response)
    response = client.post(url("compliance:cess_pay", project_a), {"amount": "100"})
    assert response.status_code == 200
    assert not CessPayment.objects.exists()


def test_payment_names_the_challan_and_its_receipt_pdf_is_made_and_downloads(
        client, login, personas, project_a, django_capture_on_commit_callbacks):
    CessAssessmentFactory(project=project_a)
    login(personas["employer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("compliance:cess_pay", project_a), {"amount": "500000"})
    payment = CessPayment.objects.get()
    assert response["Location"] == project_a.get_absolute_url()
    page = page_text(client.get(response["Location"]))
    assert payment.challan_reference in page
    assert "The receipt is being prepared" in page
    payment.refresh_from_db()
    assert payment.receipt
    download = client.get(url("compliance:cess_receipt", payment))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert payment.challan_reference in text
    assert "5,00,000" in text


def test_a_receipt_not_made_yet_says_it_is_being_prepared(client, login, personas, project_a):
    payment = paid(project_a, "1000")
    login(personas["employer_a"])
    response = client.get(url("compliance:cess_receipt", payment))
    assert response.status_code == 200
    assert "is being prepared" in page_text(response)
    assert project_a.get_absolute_url() in page_text(response)


def test_a_receipt_is_404_for_another_employer_and_an_officer_of_another_district(
        client, login, personas, project_a, other_employer):
    payment = paid(project_a, "1000")
    for user in (other_employer, personas["officer_b"], personas["inspector_a"]):
        login(user)
        assert client.get(url("compliance:cess_receipt", payment)).status_code == 404
    login(personas["officer_a"])
    assert client.get(url("compliance:cess_receipt", payment)).status_code == 200


# --- Who may see and do what ------------------------------------------------------------


def test_officer_of_another_district_gets_404_on_the_project_and_its_forms(
        client, login, personas, project_a):
    login(personas["officer_b"])
    assert client.get(project_a.get_absolute_url()).status_code == 404
    response = client.post(url("compliance:cess_order", project_a), {
        "cost": "80000000", "order_number": "X/1", "reason": "Because"})
    assert response.status_code == 404
    assert not CessAssessment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_employer_gets_404_on_another_employers_project_and_its_forms(
        client, login, personas, project_other):
    CessAssessmentFactory(project=project_other)
    login(personas["employer_a"])
    assert client.get(project_other.get_absolute_url()).status_code == 404
    assert client.post(url("compliance:cess_self_assess", project_other),
                       {"cost": "100"}).status_code == 404
    assert client.post(url("compliance:cess_pay", project_other),
                       {"amount": "100"}).status_code == 404
    assert CessAssessment.objects.count() == 1
    assert not CessPayment.objects.exists()


def test_officers_cannot_self_assess_or_pay_and_employers_cannot_issue_orders(
        client, login, personas, project_a):
    login(personas["officer_a"])
    assert client.get(url("compliance:cess_self_assess", project_a)).status_code == 404
    assert client.get(url("compliance:cess_pay", project_a)).status_code == 404
    login(personas["employer_a"])
    assert client.get(url("compliance:cess_order", project_a)).status_code == 404


def test_district_admin_reads_the_project_but_gets_404_on_the_order_form(
        client, login, personas, project_a):
    login(personas["district_admin_a"])
    response = client.get(project_a.get_absolute_url())
    assert response.status_code == 200
    assert url("compliance:cess_order", project_a) not in page_text(response)
    assert client.get(url("compliance:cess_order", project_a)).status_code == 404


@pytest.mark.parametrize("persona", ["inspector_a", "csc_a", "worker_a", "helpline"])
def test_other_roles_get_404_on_every_cess_page(client, login, personas, project_a, persona):
    login(personas[persona])
    for address in (LIST, project_a.get_absolute_url(), DEFAULTERS, COLLECTIONS):
        assert client.get(address).status_code == 404, address


def test_the_project_page_offers_each_role_its_buttons(client, login, personas, project_a):
    CessAssessmentFactory(project=project_a)
    login(personas["employer_a"])
    page = page_text(client.get(project_a.get_absolute_url()))
    assert url("compliance:cess_self_assess", project_a) in page
    assert url("compliance:cess_pay", project_a) in page
    assert url("compliance:cess_order", project_a) not in page
    login(personas["officer_a"])
    page = page_text(client.get(project_a.get_absolute_url()))
    assert url("compliance:cess_order", project_a) in page
    assert url("compliance:cess_pay", project_a) not in page


# --- The list ---------------------------------------------------------------------------


def test_employer_never_sees_another_employers_project_in_the_list_or_export(
        client, login, personas, project_a, project_other, project_b):
    login(personas["employer_a"])
    page = page_text(client.get(LIST))
    assert "Shanti Nagar towers" in page
    assert "Other builder" not in page
    assert "Bilaspur bridge" not in page
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["Shanti Nagar towers"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_officer_list_has_the_district_only_and_filters_by_search(
        client, login, personas, project_a, project_other, project_b, district_a):
    login(personas["officer_a"])
    page = page_text(client.get(LIST))
    assert "Shanti Nagar towers" in page and "Other builder" in page
    assert "Bilaspur bridge" not in page
    page = page_text(client.get(LIST, {"q": "shanti", "district": district_a.pk}))
    assert "Shanti Nagar towers" in page
    assert "Other builder" not in page


def test_state_admin_filters_the_list_by_district(client, login, personas, project_a,
                                                  project_b, district_b):
    login(personas["state_admin"])
    page = page_text(client.get(LIST, {"district": district_b.pk}))
    assert "Bilaspur bridge" in page
    assert "Shanti Nagar towers" not in page


def test_list_shows_the_balance_and_marks_a_late_project(client, login, personas, project_a,
                                                         project_other):
    past_due(project_a)
    paid(project_a, "100000", on=days_ago(50))
    CessAssessmentFactory(project=project_other)
    login(personas["officer_a"])
    response = client.get(LIST)
    rows = {p.name: p for p in response.context["object_list"]}
    assert rows["Shanti Nagar towers"].balance == Decimal("400000")
    assert rows["Shanti Nagar towers"].is_late
    assert not rows["Other builder's mall"].is_late
    assert "₹4,00,000" in page_text(response)
    assert page_text(response).count('project-late"') == 1
    export = {row[0]: row for row in csv_rows(client.get(LIST, {"export": "csv"}))}
    assert export["Shanti Nagar towers"][7] == "400000.00"
    assert export["Shanti Nagar towers"][8] == "Yes"


def test_project_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                    django_assert_max_num_queries):
    for _n in range(12):
        project = ConstructionProjectFactory(establishment__district=district_a)
        past_due(project)
        paid(project, "1000")
    login(personas["officer_a"])
    with django_assert_max_num_queries(15):
        assert client.get(LIST).status_code == 200


# --- Defaulters and collections ---------------------------------------------------------


def test_defaulters_list_shows_a_project_past_due_with_interest_and_not_a_paid_one(
        client, login, personas, project_a, project_other):
    late = past_due(project_a)
    past_due(project_other)
    paid(project_other, "500000", on=days_ago(50))
    login(personas["officer_a"])
    response = client.get(DEFAULTERS)
    page = page_text(response)
    assert "Shanti Nagar towers" in page
    assert "Other builder" not in page
    months = rules.months_late(late.due_on, timezone.localdate())
    assert rupees(Decimal("500000") * Decimal("0.02") * months) in page
    [(project, dues)] = response.context["object_list"]
    assert dues["months_late"] == months


def test_defaulters_of_another_district_are_not_shown(client, login, personas, project_b):
    past_due(project_b)
    login(personas["officer_a"])
    assert "Bilaspur bridge" not in page_text(client.get(DEFAULTERS))
    login(personas["state_admin"])
    assert "Bilaspur bridge" in page_text(client.get(DEFAULTERS))


def test_defaulters_export_is_audited_and_has_the_dues(client, login, personas, project_a):
    late = past_due(project_a)
    login(personas["officer_a"])
    for fmt in ("csv", "xlsx"):
        response = client.get(DEFAULTERS, {"export": fmt})
        assert response.status_code == 200
    rows = csv_rows(client.get(DEFAULTERS, {"export": "csv"}))
    assert rows[1][0] == "Shanti Nagar towers"
    assert rows[1][3] == day(late.due_on)
    assert rows[1][5] == "500000.00"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_type="compliance.constructionproject").count() == 3


def test_defaulters_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                  django_assert_max_num_queries):
    for _n in range(12):
        project = ConstructionProjectFactory(establishment__district=district_a)
        past_due(project)
        paid(project, "1000", on=days_ago(10))
    login(personas["officer_a"])
    with django_assert_max_num_queries(15):
        response = client.get(DEFAULTERS)
    assert len(response.context["rows"]) == 12


def test_collections_sum_matches_the_payments_in_scope(client, login, personas, project_a,
                                                       project_other, project_b):
    paid(project_a, "200000")
    paid(project_other, "50000")
    paid(project_b, "75000")
    login(personas["officer_a"])
    response = client.get(COLLECTIONS)
    assert response.context["totals"] == {"amount": Decimal("250000"), "payments": 2}
    assert "₹2,50,000" in page_text(response)
    login(personas["state_admin"])
    response = client.get(COLLECTIONS)
    assert response.context["totals"]["amount"] == Decimal("325000")
    rows = csv_rows(client.get(COLLECTIONS, {"export": "csv"}))
    assert sum(Decimal(row[2]) for row in rows[1:]) == Decimal("325000")


def test_collections_filter_by_district(client, login, personas, project_a, project_b,
                                        district_b):
    paid(project_a, "200000")
    paid(project_b, "75000")
    login(personas["state_admin"])
    response = client.get(COLLECTIONS, {"district": district_b.pk})
    assert response.context["totals"] == {"amount": Decimal("75000"), "payments": 1}


def test_empty_reports_say_so(client, login, personas):
    login(personas["officer_a"])
    assert "No project owes cess past its due day." in page_text(client.get(DEFAULTERS))
    assert "No cess is collected yet." in page_text(client.get(COLLECTIONS))
    assert "No construction projects are registered yet." in page_text(client.get(LIST))
