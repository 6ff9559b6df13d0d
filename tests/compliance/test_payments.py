"""Bonded labour payments through welfare's batches, and the bank's answer copied back.

The district asks (``bonded_assistance_request``, ``rehab_component_payment_request``);
welfare turns the request into a sanctioned application of a request-only scheme; the
maker, the checker and the bank pay it like any other; ``case_payments_sync`` (beat)
copies the answer into the case.
"""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance import services
from compliance.models import BondedCase, RehabComponent
from registration.models import Worker
from tests.compliance.factories import BondedCaseFactory, RescueOperationFactory, days_ago
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from tests.welfare.test_payments import answer, batch_ready, lines_of, response, row
from welfare import services as welfare_services
from welfare.models import Application, Scheme
from welfare.rules import eligibility_check

pytestmark = pytest.mark.django_db
A = Application.Status
S = BondedCase.Stage
REQUEST_ONLY = "This assistance is paid on an officer's request; it is not applied for."
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _amounts(settings):
    # Not the scheme's own amount (30000): the request carries the configured one.
    settings.COMPLIANCE_ASSISTANCE_AMOUNT = 25000
    settings.SMS_LANGUAGE = "en"


@pytest.fixture
def worker(district_a):
    return active_worker(district=district_a)


@pytest.fixture
def case(personas, district_a, worker):
    """A person released in district A, linked to their active registration."""
    operation = RescueOperationFactory(district=district_a, created_by=personas["officer_a"])
    return BondedCaseFactory(number=f"BL-1999-{next(_numbers):05d}", operation=operation,
                             worker=worker)


def reloaded(case: BondedCase) -> BondedCase:
    return BondedCase.objects.get(pk=case.pk)


def pay(personas, application: Application, status: str = "SUCCESS") -> Application:
    """Take the sanctioned application through a batch, its file and the bank's answer."""
    batch = batch_ready(personas)
    answer(personas, batch, response(row(lines_of(batch)[application.pk], status)))
    application.refresh_from_db()
    return application


def ask_assistance(personas, case) -> Application:
    return services.bonded_assistance_request(actor=personas["officer_a"],
                                              case_id=case.pk).assistance_payment


# --- Asking for immediate assistance ----------------------------------------------------


def test_assistance_request_is_a_sanctioned_blia_application_of_the_configured_amount(
        personas, case, worker):
    payment = ask_assistance(personas, case)
    assert (payment.scheme.code, payment.status, payment.worker) == ("blia", A.SANCTIONED,
                                                                     worker)
    assert payment.amount_sanctioned == Decimal("25000")
    case = reloaded(case)
    assert (case.assistance_payment, case.assistance_amount) == (payment, Decimal("25000"))
    assert case.assistance_paid_on is None and case.stage == S.AWAITING_ASSISTANCE


def test_asking_again_returns_the_same_application(personas, case):
    first = ask_assistance(personas, case)
    second = ask_assistance(personas, case)
    assert second == first
    assert Application.objects.count() == 1


def test_request_without_a_linked_registration_is_refused(personas, case):
    BondedCase.objects.filter(pk=case.pk).update(worker=None)
    with pytest.raises(ValidationError) as error:
        ask_assistance(personas, case)
    assert error.value.messages == [
        "Link the person's registration first: the payment goes to the bank account recorded "
        "there."]
    assert reloaded(case).assistance_payment is None
    assert not Application.objects.exists()


def test_request_for_a_worker_without_a_bank_account_is_refused(personas, case, worker):
    Worker.objects.filter(pk=worker.pk).update(ifsc="")
    with pytest.raises(ValidationError) as error:
        ask_assistance(personas, case)
    assert error.value.messages == [
        f"Record {worker.display_name}'s bank account and IFSC in the registration first."]
    assert (reloaded(case).assistance_payment, reloaded(case).assistance_amount) == (None, None)
    assert not Application.objects.exists()


def test_request_for_a_worker_whose_registration_is_not_active_is_refused(personas, case,
                                                                          worker):
    Worker.objects.filter(pk=worker.pk).update(status=Worker.Status.EXPIRED)
    with pytest.raises(ValidationError) as error:
        ask_assistance(personas, case)
    assert error.value.messages == [
        f"{worker.display_name}'s registration is not active; payments go to active workers "
        "only."]
    assert reloaded(case).assistance_payment is None
    assert not Application.objects.exists()


def test_assistance_asked_for_is_not_also_recorded_as_paid_by_the_district(personas, case):
    ask_assistance(personas, case)
    with pytest.raises(ValidationError) as error:
        services.bonded_assistance_record(actor=personas["officer_a"], case_id=case.pk,
                                          amount=Decimal("25000"), paid_on=days_ago(1))
    assert error.value.messages == [
        "Immediate assistance has been asked for through a payment batch; it is recorded when "
        "the bank pays it."]
    assert reloaded(case).assistance_paid_on is None


# --- The request-only scheme --------------------------------------------------------------


def test_payment_request_needs_an_officer(personas, worker):
    with pytest.raises(ValidationError) as error:
        welfare_services.payment_request_create(
            actor=personas["maker"], worker_id=worker.pk, scheme_code="blia",
            amount=Decimal("25000"), reference="BL-1999-99999/assistance")
    assert error.value.messages == ["Only an officer may ask for a payment."]
    assert not Application.objects.exists()


def test_payment_is_not_requested_under_a_scheme_that_is_applied_for(personas, worker):
    SchemeFactory(code="tool", amount=Decimal("5000"))
    with pytest.raises(ValidationError) as error:
        welfare_services.payment_request_create(
            actor=personas["officer_a"], worker_id=worker.pk, scheme_code="tool",
            amount=Decimal("5000"), reference="BL-1999-99999/cash")
    assert error.value.messages == ["Payments under this scheme are applied for, not requested."]
    assert not Application.objects.exists()


def test_rule_engine_tells_a_worker_the_assistance_is_paid_on_request(worker):
    result = eligibility_check(scheme=Scheme.objects.get(code="blia"), worker=worker)
    assert REQUEST_ONLY in result.reasons


def test_worker_cannot_apply_for_the_request_only_scheme(personas, worker):
    scheme = Scheme.objects.get(code="blia")
    with pytest.raises(ValidationError) as error:
        welfare_services.application_submit(actor=personas["worker_a"], worker_id=worker.pk,
                                            scheme_id=scheme.pk,
                                            channel=Application.Channel.SELF)
    assert REQUEST_ONLY in error.value.messages
    assert not Application.objects.exists()


def test_request_only_schemes_are_not_in_the_public_catalogue(client, db):
    SchemeFactory(code="tool", name_en="Tool kit")
    page = client.get(reverse("welfare:scheme_list")).content.decode()
    assert "Tool kit" in page
    assert "Bonded labour" not in page


# --- The bank's answer, copied back ------------------------------------------------------


def test_paid_assistance_is_copied_into_the_case_which_then_awaits_the_package(personas,
                                                                               case):
    payment = pay(personas, ask_assistance(personas, case))
    assert payment.status == A.PAID
    assert services.case_payments_sync() == {"assisted": 1, "components_done": 0}
    case = reloaded(case)
    assert case.assistance_paid_on == payment.paid_on
    assert case.stage == S.AWAITING_PACKAGE


def test_syncing_again_changes_nothing(personas, case):
    pay(personas, ask_assistance(personas, case))
    services.case_payments_sync()
    before = reloaded(case)
    assert services.case_payments_sync() == {"assisted": 0, "components_done": 0}
    after = reloaded(case)
    assert (after.updated_at, after.assistance_paid_on, after.stage) == (
        before.updated_at, before.assistance_paid_on, before.stage)


def test_failed_assistance_payment_leaves_the_case_awaiting_assistance(personas, case):
    payment = pay(personas, ask_assistance(personas, case), "FAILED")
    assert payment.status == A.PAYMENT_FAILED
    assert services.case_payments_sync() == {"assisted": 0, "components_done": 0}
    case = reloaded(case)
    assert (case.assistance_paid_on, case.stage) == (None, S.AWAITING_ASSISTANCE)


def test_paid_assistance_lets_the_case_be_handed_over(personas, case, district_b):
    pay(personas, ask_assistance(personas, case))
    services.case_payments_sync()
    services.bonded_case_hand_over(actor=personas["officer_a"], case_id=case.pk,
                                   district=district_b)
    assert reloaded(case).origin_district == district_b


def test_component_request_is_a_sanctioned_blrh_application_and_starts_the_component(
        personas, case):
    officer = personas["officer_a"]
    services.rehab_component_save(actor=officer, case_id=case.pk, kind="cash",
                                  amount=Decimal("50000"), status="planned",
                                  status_on=days_ago(1))
    component = services.rehab_component_payment_request(actor=officer, case_id=case.pk,
                                                         kind="cash")
    assert (component.payment.scheme.code, component.payment.status,
            component.payment.amount_sanctioned) == ("blrh", A.SANCTIONED, Decimal("50000"))
    assert component.status == RehabComponent.Status.IN_PROGRESS


def test_a_component_already_done_is_never_asked_to_be_paid_again(personas, case):
    officer = personas["officer_a"]
    services.rehab_component_save(actor=officer, case_id=case.pk, kind="cash",
                                  amount=Decimal("50000"), status="done",
                                  status_on=days_ago(1))
    with pytest.raises(ValidationError) as caught:
        services.rehab_component_payment_request(actor=officer, case_id=case.pk, kind="cash")
    assert caught.value.messages == ["This component is already done; it is not paid again."]
    assert not Application.objects.filter(scheme__code="blrh").exists()


def test_paid_component_is_done_and_the_case_rehabilitated(personas, case):
    officer = personas["officer_a"]
    services.bonded_assistance_record(actor=officer, case_id=case.pk, amount=Decimal("25000"),
                                      paid_on=days_ago(5))
    services.rehab_component_save(actor=officer, case_id=case.pk, kind="cash",
                                  amount=Decimal("50000"), status="planned",
                                  status_on=days_ago(1))
    component = services.rehab_component_payment_request(actor=officer, case_id=case.pk,
                                                         kind="cash")
    assert reloaded(case).stage == S.REHABILITATING
    payment = pay(personas, component.payment)
    assert services.case_payments_sync() == {"assisted": 0, "components_done": 1}
    component.refresh_from_db()
    assert (component.status, component.status_on) == (RehabComponent.Status.DONE,
                                                       payment.paid_on)
    assert reloaded(case).stage == S.REHABILITATED


def test_other_applications_paid_in_the_same_batch_touch_no_case(personas, case, worker):
    scheme = SchemeFactory(code="tool", amount=Decimal("5000"))
    application_at("sanctioned", worker=worker, scheme=scheme, officer=personas["officer_a"])
    pay(personas, ask_assistance(personas, case))
    assert services.case_payments_sync() == {"assisted": 1, "components_done": 0}
