"""BOC welfare cess: the amount, months of delay and interest (compliance.rules), the
services (self-assessment, assessment order, payment and its receipt) and the
defaulters and collections reports (compliance.selectors_safety).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance import rules, selectors_safety, services
from compliance.models import CessAssessment, CessPayment, ConstructionProject
from core.models import Job
from employers.models import Establishment
from tests.compliance.factories_safety import (
    CessAssessmentFactory,
    ConstructionProjectFactory,
)
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

TODAY = timezone.localdate()
D = Decimal


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- rules.cess_amount ------------------------------------------------------------------------


def test_cess_is_one_percent_of_the_cost():
    assert rules.cess_amount(D("50000000")) == D("500000")


def test_cess_is_rounded_to_the_rupee_half_up():
    assert (rules.cess_amount(D("1234550")), rules.cess_amount(D("1234549"))) == (
        D("12346"), D("12345"))


def test_a_rate_given_overrides_the_configured_one():
    assert rules.cess_amount(D("1000000"), D("0.02")) == D("20000")
    assert rules.cess_amount(D("1000000"), "0.015") == D("15000")


def test_the_configured_rate_is_used_by_default(settings):
    settings.COMPLIANCE_CESS_RATE = 0.02
    assert rules.cess_amount(D("1000000")) == D("20000")


# --- rules.months_late ------------------------------------------------------------------------


@pytest.mark.parametrize(("due_on", "paid_on", "months"), [
    (date(2026, 1, 15), date(2026, 1, 10), 0),   # early
    (date(2026, 1, 15), date(2026, 1, 15), 0),   # on the due day
    (date(2026, 1, 15), date(2026, 1, 16), 1),   # the next day opens a month
    (date(2026, 1, 15), date(2026, 2, 15), 1),   # the same day next month closes it
    (date(2026, 1, 15), date(2026, 2, 16), 2),   # one day after opens the second
    (date(2026, 1, 15), date(2026, 3, 15), 2),
    (date(2025, 12, 15), date(2026, 1, 16), 2),  # across the year end
    (date(2026, 1, 31), date(2026, 2, 1), 1),
    (date(2026, 1, 31), date(2026, 2, 28), 1),   # February has no 31st: still one month
    (date(2026, 1, 31), date(2026, 3, 1), 2),
    (date(2024, 1, 31), date(2024, 2, 29), 1),   # leap year
    (date(2024, 1, 30), date(2024, 2, 29), 1),
    (date(2024, 1, 31), date(2024, 3, 1), 2),
    (date(2026, 2, 28), date(2026, 3, 28), 1),
    (date(2026, 2, 28), date(2026, 3, 29), 2),
])
def test_months_late_counts_a_part_of_a_month_as_a_month(due_on, paid_on, months):
    assert rules.months_late(due_on, paid_on) == months


# --- rules.cess_dues ----------------------------------------------------------------------------

DUE = date(2026, 1, 15)


def dues(payments=(), *, today, amount="100000", **kwargs) -> dict:
    return rules.cess_dues(amount=D(amount), due_on=DUE, payments=list(payments),
                           today=today, **kwargs)


def test_nothing_paid_before_the_due_day_owes_no_interest():
    assert dues(today=DUE) == {"principal": D("100000.00"), "interest": D("0.00"),
                               "interest_paid": D("0.00"), "total": D("100000.00"),
                               "months_late": 0}


def test_paid_in_full_on_the_due_day_owes_nothing():
    result = dues([(DUE, D("100000"))], today=date(2026, 6, 1))
    assert (result["total"], result["interest"], result["interest_paid"],
            result["months_late"]) == (D("0"), D("0"), D("0"), 0)


def test_unpaid_past_the_due_day_owes_two_percent_a_month_or_part():
    # 16 Jan to 16 Mar: two months and a day, so three months: 100000 x 2% x 3 = 6000.
    result = dues(today=date(2026, 3, 16))
    assert (result["principal"], result["interest"], result["total"],
            result["months_late"]) == (D("100000"), D("6000"), D("106000"), 3)


def test_paid_late_in_full_with_interest_owes_nothing():
    # Paid 10 Mar, due 15 Jan: two months late, 100000 x 2% x 2 = 4000 of interest;
    # 104000 clears the interest first, then the principal.
    result = dues([(date(2026, 3, 10), D("104000"))], today=date(2026, 8, 1))
    assert (result["principal"], result["interest"], result["interest_paid"],
            result["total"]) == (D("0"), D("0"), D("4000"), D("0"))


def test_paying_only_the_principal_late_leaves_the_interest_owed_as_principal():
    # Paid 100000 on 10 Mar: the 4000 of interest is cleared first, so 96000 reaches the
    # principal and 4000 of it stays owed. On 10 Mar nothing more has accrued.
    result = dues([(date(2026, 3, 10), D("100000"))], today=date(2026, 3, 10))
    assert (result["principal"], result["interest"], result["interest_paid"],
            result["total"]) == (D("4000"), D("0"), D("4000"), D("4000"))
    # A month later (to 15 Apr: the third month) the 4000 earns 2%: 80.
    later = dues([(date(2026, 3, 10), D("100000"))], today=date(2026, 4, 10))
    assert (later["principal"], later["interest"], later["total"]) == (
        D("4000"), D("80"), D("4080"))


def test_partial_payments_go_to_interest_first_and_interest_runs_on_the_rest_only():
    # Due 15 Jan, 100000.
    # 10 Feb pays 50000: month 1 charged on 100000 = 2000 interest; 2000 clears it and
    #   48000 reaches the principal, leaving 52000.
    # 20 Mar pays 20000: now 3 months late; months 2 and 3 charged on 52000 only:
    #   52000 x 2% x 2 = 2080; 2080 clears it and 17920 reaches the principal: 34080.
    # 10 Apr (still 3 months): nothing more. Interest paid 2000 + 2080 = 4080.
    payments = [(date(2026, 3, 20), D("20000")), (date(2026, 2, 10), D("50000"))]
    result = dues(payments, today=date(2026, 4, 10))
    assert result == {"principal": D("34080.00"), "interest": D("0.00"),
                      "interest_paid": D("4080.00"), "total": D("34080.00"),
                      "months_late": 3}
    # 16 Apr opens month 4, on 34080: 681.60 of interest.
    later = dues(payments, today=date(2026, 4, 16))
    assert (later["principal"], later["interest"], later["total"]) == (
        D("34080.00"), D("681.60"), D("34761.60"))


def test_a_payment_smaller_than_the_interest_leaves_the_principal_untouched():
    # 20 Feb is two months late: 4000 of interest; 1000 pays part of it.
    result = dues([(date(2026, 2, 20), D("1000"))], today=date(2026, 2, 20))
    assert (result["principal"], result["interest"], result["interest_paid"],
            result["total"]) == (D("100000"), D("3000"), D("1000"), D("103000"))


def test_a_payment_in_time_reduces_the_principal_that_later_earns_interest():
    # 60000 paid on the due day; 40000 stays unpaid. 16 Feb is a month and a day late:
    # two months, 40000 x 2% x 2 = 1600.
    result = dues([(DUE, D("60000"))], today=date(2026, 2, 16))
    assert (result["principal"], result["interest"], result["total"]) == (
        D("40000"), D("1600"), D("41600"))


def test_the_interest_rate_may_be_given():
    result = dues(today=date(2026, 2, 1), rate_per_month="0.015")
    assert result["interest"] == D("1500")


# --- Services -----------------------------------------------------------------------------------

pytest_db = pytest.mark.django_db


@pytest.fixture
def project(personas, district_a) -> ConstructionProject:
    """Employer A's builder's project in district A, costing 5 crore."""
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   kind=Establishment.Kind.CONSTRUCTION,
                                   sector="construction")
    return ConstructionProjectFactory(establishment=builder)


def self_assess(project, actor, cost="50000000"):
    return services.cess_self_assess(actor=actor, project_id=project.pk, cost=D(cost))


def order(project, actor, cost="60000000", number="CESS/RPR/2026/17",
          reason="Built-up area larger than declared", **kwargs):
    return services.cess_order_issue(actor=actor, project_id=project.pk, cost=D(cost),
                                     order_number=number, reason=reason, **kwargs)


def pay(project, actor, amount):
    return services.cess_pay(actor=actor, project_id=project.pk, amount=D(amount))


@pytest_db
def test_a_factory_cannot_register_a_construction_project(personas, district_a):
    factory = EstablishmentFactory(owner=personas["employer_a"], district=district_a)
    with pytest.raises(ValidationError) as caught:
        services.project_register(actor=personas["employer_a"], establishment_id=factory.pk,
                                  data={"starts_on": TODAY, "completes_on": TODAY})
    assert caught.value.messages == [
        "Construction projects belong to a builder or a contractor."]
    assert not ConstructionProject.objects.exists()


@pytest_db
def test_a_project_completing_before_it_starts_is_refused(personas, district_a):
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   kind=Establishment.Kind.CONTRACTOR)
    with pytest.raises(ValidationError) as caught:
        services.project_register(actor=personas["employer_a"], establishment_id=builder.pk,
                                  data={"name": "Tower", "site": "Plot 1",
                                        "estimated_cost": D("1000000"), "starts_on": TODAY,
                                        "completes_on": days_ago(1),
                                        "approval_authority": "RDA"})
    assert caught.value.message_dict == {"completes_on": ["Completion comes after the start."]}
    assert not ConstructionProject.objects.exists()


@pytest_db
def test_self_assessment_is_the_rate_of_the_cost_due_in_the_configured_days(personas,
                                                                           project,
                                                                           settings):
    assessment = self_assess(project, personas["employer_a"], cost="12345678")
    assert (assessment.kind, assessment.rate, assessment.amount, assessment.due_on) == (
        CessAssessment.Kind.SELF, D("0.01"), D("123457"),
        TODAY + timedelta(days=settings.COMPLIANCE_CESS_DUE_DAYS))


@pytest_db
def test_self_assessment_of_no_cost_is_refused(personas, project):
    with pytest.raises(ValidationError) as caught:
        self_assess(project, personas["employer_a"], cost="0")
    assert caught.value.message_dict == {"cost": ["Give the cost of construction."]}
    assert not CessAssessment.objects.exists()


@pytest_db
def test_another_employer_cannot_self_assess_the_project(project):
    stranger = UserFactory(roles=["employer"])
    with pytest.raises(ConstructionProject.DoesNotExist):
        self_assess(project, stranger)
    assert not CessAssessment.objects.exists()


@pytest_db
def test_an_assessment_order_stands_over_the_self_assessment(personas, project):
    self_assess(project, personas["employer_a"])
    ordered = order(project, personas["officer_a"])
    assert services.current_assessment(project) == ordered
    assert ordered.amount == D("600000")
    assert services.project_dues(project)["total"] == D("600000")


@pytest_db
def test_an_assessment_order_blocks_a_later_self_assessment(personas, project):
    order(project, personas["officer_a"])
    with pytest.raises(ValidationError) as caught:
        self_assess(project, personas["employer_a"])
    assert caught.value.messages == [
        "An assessment order stands for this project; cess is paid as ordered."]
    assert list(CessAssessment.objects.values_list("kind", flat=True)) == ["order"]


@pytest_db
def test_an_order_needs_its_number_and_reason(personas, project):
    with pytest.raises(ValidationError) as caught:
        order(project, personas["officer_a"], number=" ", reason="")
    assert caught.value.message_dict == {"order_number": ["Give the order's number."],
                                         "reason": ["Give the reason for the order."]}
    assert not CessAssessment.objects.exists()


@pytest_db
def test_an_order_may_set_its_own_due_day(personas, project):
    ordered = order(project, personas["officer_a"], due_on=TODAY + timedelta(days=10))
    assert ordered.due_on == TODAY + timedelta(days=10)


@pytest_db
def test_an_officer_of_another_district_cannot_issue_an_order(personas, project):
    with pytest.raises(ConstructionProject.DoesNotExist):
        order(project, personas["officer_b"])
    assert not CessAssessment.objects.exists()


@pytest_db
def test_the_district_admin_sees_the_project_but_cannot_issue_an_order(personas, project):
    with pytest.raises(ValidationError) as caught:
        order(project, personas["district_admin_a"])
    assert caught.value.messages == ["Only a labour officer issues an assessment order."]
    assert not CessAssessment.objects.exists()


@pytest_db
def test_paying_before_any_assessment_is_refused(personas, project):
    with pytest.raises(ValidationError) as caught:
        pay(project, personas["employer_a"], "1000")
    assert caught.value.messages == ["Assess the cess before paying it."]
    assert not CessPayment.objects.exists()


@pytest_db
def test_paying_more_than_is_owed_is_refused(personas, project):
    self_assess(project, personas["employer_a"])
    with pytest.raises(ValidationError) as caught:
        pay(project, personas["employer_a"], "500001")
    assert caught.value.message_dict == {"amount": [
        "The amount is more than what is owed (₹5,00,000)."]}
    assert not CessPayment.objects.exists()


@pytest_db
def test_another_employer_cannot_pay_for_the_project(personas, project):
    self_assess(project, personas["employer_a"])
    with pytest.raises(ConstructionProject.DoesNotExist):
        pay(project, UserFactory(roles=["employer"]), "1000")
    assert not CessPayment.objects.exists()


@pytest_db
def test_a_payment_gets_a_challan_reference_and_a_receipt_pdf(
        personas, project, django_capture_on_commit_callbacks):
    self_assess(project, personas["employer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(project, personas["employer_a"], "200000")
    payment.refresh_from_db()
    assert payment.challan_reference.startswith("SIM")
    assert (payment.amount, payment.paid_on, payment.district) == (
        D("200000"), TODAY, project.district)
    job = Job.objects.get(kind="cess_receipt")
    assert (job.status, job.params) == (Job.Status.DONE, {"payment_id": payment.pk})
    with payment.receipt.open("rb") as receipt:
        assert receipt.read(4) == b"%PDF"
    assert services.project_dues(project)["total"] == D("300000")


@pytest_db
def test_paying_the_rest_leaves_nothing_owed(personas, project):
    self_assess(project, personas["employer_a"])
    pay(project, personas["employer_a"], "200000")
    pay(project, personas["employer_a"], "300000")
    assert services.project_dues(project)["total"] == D("0")
    assert CessPayment.objects.count() == 2


# --- Defaulters and collections -------------------------------------------------------------


def payment(project, amount, paid_on, reference):
    return CessPayment.objects.create(project=project, district=project.district,
                                      amount=D(amount), paid_on=paid_on,
                                      challan_reference=reference,
                                      paid_by=project.establishment.owner)


@pytest.fixture
def projects(district_a, district_b) -> dict[str, ConstructionProject]:
    """Projects of 1 lakh cess each, in every state of payment."""
    def make(label, *, due_on, district=district_a):
        project = ConstructionProjectFactory(
            name=label, establishment=EstablishmentFactory(
                district=district, kind=Establishment.Kind.CONSTRUCTION))
        CessAssessmentFactory(project=project, cost=D("10000000"), amount=D("100000"),
                              due_on=due_on)
        return project

    made = {"unpaid past due": make("unpaid past due", due_on=days_ago(10)),
            "paid late, interest unpaid": make("paid late, interest unpaid",
                                               due_on=days_ago(40)),
            "paid in time": make("paid in time", due_on=days_ago(40)),
            "paid late with interest": make("paid late with interest", due_on=days_ago(40)),
            "not yet due": make("not yet due", due_on=TODAY + timedelta(days=5)),
            "unpaid in B": make("unpaid in B", due_on=days_ago(10), district=district_b)}
    payment(made["paid late, interest unpaid"], "100000", days_ago(5), "CH-1")
    payment(made["paid in time"], "60000", days_ago(45), "CH-2")
    payment(made["paid in time"], "40000", days_ago(40), "CH-3")
    # 35 days late is two months (a month and a part): 2 x 2000 of interest.
    payment(made["paid late with interest"], "104000", days_ago(5), "CH-4")
    return made


@pytest_db
def test_defaulters_are_the_projects_owing_cess_or_interest_past_their_due_day(
        personas, projects):
    rows = selectors_safety.cess_defaulters(user=personas["officer_a"], today=TODAY)
    assert {project.name: dues["total"] > 0 for project, dues in rows} == {
        "unpaid past due": True, "paid late, interest unpaid": True}


@pytest_db
def test_a_defaulter_paid_late_in_principal_owes_the_interest(personas, projects):
    rows = dict(selectors_safety.cess_defaulters(user=personas["officer_a"], today=TODAY))
    late = rows[projects["paid late, interest unpaid"]]
    assert late["interest_paid"] == D("4000")
    assert late["total"] == D("4000")


@pytest_db
def test_the_state_admin_sees_defaulters_of_every_district(personas, projects):
    rows = selectors_safety.cess_defaulters(user=personas["state_admin"], today=TODAY)
    assert {project.name for project, _dues in rows} == {
        "unpaid past due", "paid late, interest unpaid", "unpaid in B"}


@pytest_db
def test_collections_are_summed_per_district_and_month(personas, district_a, district_b):
    in_a = ConstructionProjectFactory(establishment=EstablishmentFactory(district=district_a))
    in_b = ConstructionProjectFactory(establishment=EstablishmentFactory(district=district_b))
    payment(in_a, "1000", date(2026, 10, 3), "C-1")
    payment(in_a, "2000", date(2026, 10, 31), "C-2")
    payment(in_a, "500", date(2026, 11, 1), "C-3")
    payment(in_b, "300", date(2026, 11, 20), "C-4")
    sums = {(row["district__name_en"], row["month"]): (row["amount"], row["payments"])
            for row in selectors_safety.cess_collections(user=personas["state_admin"])}
    assert sums == {("Raipur", date(2026, 10, 1)): (D("3000"), 2),
                    ("Raipur", date(2026, 11, 1)): (D("500"), 1),
                    ("Bilaspur", date(2026, 11, 1)): (D("300"), 1)}
    mine = selectors_safety.cess_collections(user=personas["officer_a"])
    assert {row["district__name_en"] for row in mine} == {"Raipur"}
