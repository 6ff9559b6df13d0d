"""Application services: submit, the officer's decisions, limits of sanction, retry, constraints."""

import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import timezone

from core.crypto import decrypt_text
from core.models import AuditEvent
from core.sms import CapturingSMSBackend
from registration.models import FamilyMember, Worker
from tests.welfare.factories import (
    SchemeFactory,
    active_worker,
    application_at,
    documents_for,
    pdf_upload,
)
from welfare import bankfiles, services
from welfare.models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    PaymentBatch,
    PaymentLine,
)
from welfare.services import applications

pytestmark = pytest.mark.django_db
S = Application.Status
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


@pytest.fixture(autouse=True)
def _sms_in_english(settings):
    # Texts are asserted in English; test_sms_to_a_worker_without_a_login_is_in_hindi
    # covers the language of workers who have no login of their own.
    settings.SMS_LANGUAGE = "en"


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


def django_capture():
    """Run the after-commit work (jobs, SMS) at the end of the block, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def sms_texts() -> list[str]:
    return [message.text for message in CapturingSMSBackend.outbox]


def submit(worker, scheme, officer, **kwargs):
    kwargs.setdefault("documents", documents_for(scheme))
    return services.application_submit(actor=officer, worker_id=worker.pk, scheme_id=scheme.pk,
                                       channel=Application.Channel.OFFICER, **kwargs)


def daughter(worker):
    return worker.family.get(relation=FamilyMember.Relation.DAUGHTER)


# --- Submit --------------------------------------------------------------------------


def test_submission_without_the_required_documents_is_refused_and_nothing_saved(
        worker_a, edu_scheme, officer):
    with pytest.raises(ValidationError) as error:
        submit(worker_a, edu_scheme, officer, family_member_id=daughter(worker_a).pk,
               slab_id=edu_scheme.slabs.first().pk,
               documents=[("marksheet", pdf_upload(), "application/pdf")])
    assert error.value.messages == ["Attach: School or college fee receipt / certificate."]
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_ineligible_submission_gives_every_reason_and_saves_nothing(district_a, edu_scheme,
                                                                    officer):
    worker = active_worker(district=district_a, registered_days_ago=10)
    with django_capture():
        with pytest.raises(ValidationError) as error:
            submit(worker, edu_scheme, officer,
                   family_member_id=worker.family.get(relation="spouse").pk)
    assert error.value.messages == [
        "The worker must have been registered for at least 90 days (registered for 10 days).",
        "Choose the son or daughter the claim is for.",
        "Choose the slab (e.g. the class) the claim is for.",
    ]
    assert not Application.objects.exists()
    assert not ApplicationTransition.objects.exists()
    assert not AuditEvent.objects.filter(object_type__icontains="application").exists()
    assert CapturingSMSBackend.outbox == []


def test_submission_records_the_claim_its_documents_and_the_slab_amount(worker_a, edu_scheme,
                                                                       officer):
    slab = edu_scheme.slabs.get(label_en="Class 9 to 10")
    application = submit(worker_a, edu_scheme, officer, family_member_id=daughter(worker_a).pk,
                         slab_id=slab.pk)
    assert re.fullmatch(rf"WF-{timezone.localdate().year}-\d{{7}}", application.number)
    assert application.status == S.SUBMITTED
    assert application.amount_claimed == Decimal("3000")
    assert application.beneficiary_name == "Radha"
    assert application.district == worker_a.district
    assert sorted(application.documents.values_list("kind", flat=True)) == [
        "marksheet", "school_certificate"]
    assert application.transitions.get().to_status == S.SUBMITTED


def test_submission_sends_the_number_by_sms(worker_a, edu_scheme, officer):
    with django_capture():
        application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                     officer=officer)
    assert [(m.mobile, m.text) for m in CapturingSMSBackend.outbox] == [
        (worker_a.mobile, f"Shram Portal: your application {application.number} for EDU has "
                          "been received.")]


def test_sms_to_a_worker_without_a_login_is_in_hindi(settings, district_a, edu_scheme,
                                                     officer):
    settings.SMS_LANGUAGE = "hi"
    worker = active_worker(district=district_a)
    assert worker.owner is None
    with django_capture():
        application_at("submitted", worker=worker, scheme=edu_scheme, officer=officer)
    [message] = CapturingSMSBackend.outbox
    assert message.mobile == worker.mobile
    assert DEVANAGARI.search(message.text), message.text


def test_sms_to_a_worker_with_a_login_follows_their_language(settings, worker_a, edu_scheme,
                                                             officer):
    settings.SMS_LANGUAGE = "hi"
    assert worker_a.owner.preferred_language == "en"
    with django_capture():
        application_at("submitted", worker=worker_a, scheme=edu_scheme, officer=officer)
    [message] = CapturingSMSBackend.outbox
    assert not DEVANAGARI.search(message.text)


def test_application_numbers_follow_each_other_without_gaps(district_a, edu_scheme, officer):
    worker = active_worker(district=district_a)
    with pytest.raises(ValidationError):
        submit(worker, edu_scheme, officer)  # refused: its number is not used up
    first = application_at("submitted", worker=worker, scheme=edu_scheme, officer=officer)
    second = application_at("submitted", worker=worker, scheme=edu_scheme, officer=officer,
                            family_member=worker.family.get(relation="son"))
    assert int(second.number[-7:]) == int(first.number[-7:]) + 1 == 2


# --- Verify, sanction, send back, reject ---------------------------------------------


def test_verification_records_who_verified(worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    services.application_verify(actor=officer, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == S.VERIFIED
    assert application.verified_by == officer and application.verified_at


def test_repeated_verification_is_a_no_op(worker_a, edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    services.application_verify(actor=officer, application_id=application.pk)
    assert application.transitions.filter(to_status=S.VERIFIED).count() == 1


def test_verifying_a_sanctioned_application_is_refused_naming_its_number(worker_a, edu_scheme,
                                                                         officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError) as error:
        services.application_verify(actor=officer, application_id=application.pk)
    assert error.value.messages == [
        f"Application {application.number} cannot be verified from status “Sanctioned, "
        "awaiting payment”."]
    application.refresh_from_db()
    assert application.status == S.SANCTIONED


def test_sanctioning_an_unverified_application_is_refused(worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match=f"{application.number} cannot be sanctioned"):
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=Decimal("1000"))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.amount_sanctioned is None


def test_repeated_sanction_is_a_no_op(worker_a, edu_scheme, officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with django_capture():
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=Decimal("500"))
    application.refresh_from_db()
    assert application.amount_sanctioned == Decimal("1000")
    assert application.transitions.filter(to_status=S.SANCTIONED).count() == 1
    assert CapturingSMSBackend.outbox == []


def test_sanction_more_than_claimed_is_refused(worker_a, edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError) as error:
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=Decimal("1000.01"))
    assert error.value.messages == [
        "The amount sanctioned cannot be more than the amount claimed (₹1,000)."]
    application.refresh_from_db()
    assert application.status == S.VERIFIED


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), None])
def test_sanction_of_no_amount_is_refused(worker_a, edu_scheme, officer, amount):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match="Enter the amount to sanction"):
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=amount)


def test_sanction_of_less_than_claimed_is_recorded(worker_a, edu_scheme, officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer, amount=Decimal("750"))
    assert application.amount_sanctioned == Decimal("750")
    assert application.sanctioned_by == officer


@pytest.fixture
def big_scheme(db):
    return SchemeFactory(code="big", amount=Decimal("300000"))


def test_officer_cannot_sanction_beyond_the_delegated_limit(settings, worker_a, big_scheme,
                                                           officer):
    assert settings.WELFARE_SANCTION_LIMITS["labour_officer"] == 50000
    application = application_at("verified", worker=worker_a, scheme=big_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError) as error:
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=Decimal("50001"))
    assert error.value.messages == [
        "Your delegated limit is ₹50,000; send this application to the district or state "
        "admin to sanction."]
    services.application_sanction(actor=officer, application_id=application.pk,
                                  amount=Decimal("50000"))
    application.refresh_from_db()
    assert application.status == S.SANCTIONED


def test_district_admin_sanctions_up_to_the_district_limit(personas, worker_a, big_scheme,
                                                           officer):
    application = application_at("verified", worker=worker_a, scheme=big_scheme,
                                 officer=officer)
    admin = personas["district_admin_a"]
    with pytest.raises(ValidationError, match="delegated limit is ₹2,00,000"):
        services.application_sanction(actor=admin, application_id=application.pk,
                                      amount=Decimal("200001"))
    services.application_sanction(actor=admin, application_id=application.pk,
                                  amount=Decimal("200000"))
    application.refresh_from_db()
    assert application.status == S.SANCTIONED


def test_state_admin_has_no_sanction_limit(personas, worker_a, big_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=big_scheme,
                                 officer=officer)
    services.application_sanction(actor=personas["state_admin"], application_id=application.pk,
                                  amount=Decimal("300000"))
    application.refresh_from_db()
    assert application.amount_sanctioned == Decimal("300000")


def test_delegated_limit_follows_the_setting(settings, worker_a, big_scheme, officer):
    settings.WELFARE_SANCTION_LIMITS = {**settings.WELFARE_SANCTION_LIMITS,
                                        "labour_officer": 1000}
    application = application_at("verified", worker=worker_a, scheme=big_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match="delegated limit is ₹1,000;"):
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=Decimal("1001"))


def test_user_without_a_sanctioning_role_cannot_sanction_anything(personas, worker_a,
                                                                  edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match="delegated limit is ₹0"):
        services.application_sanction(actor=personas["maker"], application_id=application.pk,
                                      amount=Decimal("1"))


def test_sanction_beyond_the_schemes_budget_is_refused(personas, district_a, officer):
    scheme = SchemeFactory(amount=Decimal("5000"), budget_amount=Decimal("9000"))
    first, second = (application_at("verified", worker=active_worker(district=district_a),
                                    scheme=scheme, officer=officer) for _ in range(2))
    services.application_sanction(actor=officer, application_id=first.pk,
                                  amount=Decimal("5000"))
    with pytest.raises(ValidationError) as error:
        services.application_sanction(actor=officer, application_id=second.pk,
                                      amount=Decimal("5000"))
    assert error.value.messages == [
        f"The budget of {scheme.name_en} is used up; this sanction would exceed it."]
    services.application_sanction(actor=officer, application_id=second.pk,
                                  amount=Decimal("4000"))  # exactly what is left
    assert services.scheme_committed(scheme) == Decimal("9000")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sanctions_at_once_never_exceed_the_budget(personas, district_a, monkeypatch):
    officer = personas["officer_a"]
    scheme = SchemeFactory(amount=Decimal("5000"), budget_amount=Decimal("9000"))
    apps = [application_at("verified", worker=active_worker(district=district_a),
                           scheme=scheme, officer=officer) for _ in range(2)]
    both_checked, outcomes = threading.Barrier(2), []
    real_limit = applications.sanction_limit

    def limit_after_both(user):
        both_checked.wait(10)  # both are past their own checks before the budget's
        return real_limit(user)

    monkeypatch.setattr(applications, "sanction_limit", limit_after_both)

    def sanction(app):
        try:
            services.application_sanction(actor=officer, application_id=app.pk,
                                          amount=Decimal("5000"))
            outcomes.append("sanctioned")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sanction, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["budget", "sanctioned"]
    assert services.scheme_committed(scheme) == Decimal("5000")


def test_rejected_and_unsanctioned_claims_do_not_use_the_budget(district_a, officer):
    scheme = SchemeFactory(amount=Decimal("5000"), budget_amount=Decimal("5000"))
    waiting = application_at("verified", worker=active_worker(district=district_a),
                             scheme=scheme, officer=officer)
    refused = application_at("verified", worker=active_worker(district=district_a),
                             scheme=scheme, officer=officer)
    services.application_reject(actor=officer, application_id=refused.pk, reason="Fake card")
    assert services.scheme_committed(scheme) == 0
    services.application_sanction(actor=officer, application_id=waiting.pk,
                                  amount=Decimal("5000"))


def test_send_back_needs_a_reason(worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                  officer=officer)
    with pytest.raises(ValidationError) as error:
        services.application_send_back(actor=officer, application_id=application.pk,
                                       reason="   ")
    assert error.value.messages == ["Write the reason, so that the worker knows what to do."]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_reject_needs_a_reason(worker_a, edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match="Write the reason"):
        services.application_reject(actor=officer, application_id=application.pk, reason="")
    application.refresh_from_db()
    assert application.status == S.VERIFIED


def test_send_back_tells_the_worker_what_to_correct(worker_a, edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with django_capture():
        services.application_send_back(actor=officer, application_id=application.pk,
                                       reason="Marksheet is unreadable")
    application.refresh_from_db()
    assert application.status == S.SENT_BACK
    assert application.decision_reason == "Marksheet is unreadable"
    step = application.transitions.last()
    assert (step.from_status, step.to_status, step.actor, step.reason) == (
        S.VERIFIED, S.SENT_BACK, officer, "Marksheet is unreadable")
    assert sms_texts() == [f"Shram Portal: your application {application.number} needs a "
                           "correction: Marksheet is unreadable"]


def test_repeated_rejection_is_a_no_op(worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with django_capture():
        services.application_reject(actor=officer, application_id=application.pk,
                                    reason="Not a construction worker")
        services.application_reject(actor=officer, application_id=application.pk,
                                    reason="Not a construction worker")
    assert application.transitions.filter(to_status=S.REJECTED).count() == 1
    assert len(sms_texts()) == 1


def test_sanctioned_application_cannot_be_rejected_or_sent_back(worker_a, edu_scheme,
                                                                officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match=f"{application.number} cannot be rejected"):
        services.application_reject(actor=officer, application_id=application.pk,
                                    reason="Second thoughts")
    with pytest.raises(ValidationError, match=f"{application.number} cannot be sent back"):
        services.application_send_back(actor=officer, application_id=application.pk,
                                       reason="Second thoughts")
    application.refresh_from_db()
    assert application.status == S.SANCTIONED


def test_sent_back_application_is_resubmitted_and_verified_again(worker_a, edu_scheme,
                                                                 officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    services.application_send_back(actor=officer, application_id=application.pk,
                                   reason="Marksheet is unreadable")
    services.application_resubmit(actor=worker_a.owner, application_id=application.pk,
                                  documents=[("marksheet", pdf_upload("clear.pdf"),
                                              "application/pdf")])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.documents.filter(kind="marksheet").count() == 2
    services.application_verify(actor=officer, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == S.VERIFIED
    assert [t.to_status for t in application.transitions.all()] == [
        S.SUBMITTED, S.SENT_BACK, S.SUBMITTED, S.VERIFIED]


def test_resubmitting_an_application_not_sent_back_is_refused(worker_a, edu_scheme, officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(ValidationError, match=f"{application.number} cannot be resubmitted"):
        services.application_resubmit(actor=officer, application_id=application.pk)


def test_sent_back_application_still_holds_its_claim(worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    services.application_send_back(actor=officer, application_id=application.pk,
                                   reason="Fee receipt missing")
    with pytest.raises(ValidationError, match=f"already been made \\(application "
                                              f"{application.number}\\)"):
        application_at("submitted", worker=worker_a, scheme=edu_scheme, officer=officer)


# --- Payment retry after a failure -----------------------------------------------------


def pay_through_a_batch(personas, rows) -> PaymentBatch:
    """Make and approve a batch, then answer every line: rows map application -> status."""
    with django_capture():
        batch = services.payment_batch_create(actor=personas["maker"])
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    lines = ["REFERENCE,STATUS,UTR,REASON_CODE,AMOUNT"]
    for line in batch.lines.select_related("application"):
        status = rows[line.application_id]
        utr = f"UTR{line.reference}" if status == "SUCCESS" else ""
        reason = "AC01" if status == "FAILED" else ""
        lines.append(f"{line.reference},{status},{utr},{reason},{line.amount}")
    with django_capture():
        services.bank_response_upload(actor=personas["checker"], batch_id=batch.pk,
                                      content="\n".join(lines).encode(), name="response.csv")
    batch.refresh_from_db()
    return batch


def test_failed_payment_is_paid_again_to_the_new_account_under_a_new_reference(
        personas, worker_a, edu_scheme, officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    first_batch = pay_through_a_batch(personas, {application.pk: "FAILED"})
    application.refresh_from_db()
    assert application.status == S.PAYMENT_FAILED and application.failure_code == "AC01"

    services.application_payment_retry(
        actor=officer, application_id=application.pk, reason="Passbook checked at the office",
        account_number="123456789012", ifsc="HDFC0000123", account_holder="Sunita Bai")
    application.refresh_from_db()
    assert application.status == S.SANCTIONED and application.failure_code == ""
    worker_a.refresh_from_db()
    assert decrypt_text(worker_a.bank_account_encrypted) == "123456789012"

    second_batch = pay_through_a_batch(personas, {application.pk: "SUCCESS"})
    old, new = application.payment_lines.order_by("pk")
    assert (old.batch, old.status, old.account_last4) == (first_batch, "failed",
                                                          old.account_last4)
    assert old.account_last4 != "9012"
    assert (new.batch, new.status, new.account_last4, new.ifsc) == (
        second_batch, "paid", "9012", "HDFC0000123")
    assert new.reference != old.reference
    details = bankfiles.payment_file_read(second_batch.file.read()).details
    assert [(d[1], d[2], d[3], d[4]) for d in details] == [
        (new.reference, "SUNITA BAI", "123456789012", "HDFC0000123")]
    application.refresh_from_db()
    assert application.status == S.PAID and application.utr == f"UTR{new.reference}"


def test_retry_needs_what_was_corrected(personas, worker_a, edu_scheme, officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    pay_through_a_batch(personas, {application.pk: "FAILED"})
    with pytest.raises(ValidationError, match="Write what was corrected"):
        services.application_payment_retry(actor=officer, application_id=application.pk,
                                           reason="")
    application.refresh_from_db()
    assert application.status == S.PAYMENT_FAILED


def test_paid_application_cannot_be_sent_for_payment_again(personas, worker_a, edu_scheme,
                                                           officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    pay_through_a_batch(personas, {application.pk: "SUCCESS"})
    with pytest.raises(ValidationError,
                       match=f"{application.number} cannot be sent for payment again"):
        services.application_payment_retry(actor=officer, application_id=application.pk,
                                           reason="Try again")


# --- The database holds even when the services are bypassed ---------------------------


def test_a_second_live_claim_in_the_same_slot_is_refused_by_the_database(worker_a, edu_scheme,
                                                                        officer):
    first = application_at("submitted", worker=worker_a, scheme=edu_scheme, officer=officer)
    other = active_worker(district=worker_a.district)
    with pytest.raises(IntegrityError, match="welfare_application_within_limit"), \
            transaction.atomic():
        Application.objects.create(
            number="WF-TEST-1", scheme=edu_scheme, worker=other, district=other.district,
            channel="officer", applied_by=officer, beneficiary_name="Radha",
            beneficiary_key="x" * 64, limit_key=first.limit_key, period_key=first.period_key,
            claim_slot=first.claim_slot, amount_claimed=Decimal("1000"),
            submitted_at=timezone.now())


def test_the_same_claim_twice_is_refused_by_the_database(worker_a, edu_scheme, officer):
    first = application_at("submitted", worker=worker_a, scheme=edu_scheme, officer=officer)
    with pytest.raises(IntegrityError, match="welfare_application_no_repeat_claim"), \
            transaction.atomic():
        Application.objects.create(
            number="WF-TEST-2", scheme=edu_scheme, worker=worker_a, district=worker_a.district,
            channel="officer", applied_by=officer, beneficiary_name="Radha",
            beneficiary_key=first.beneficiary_key, limit_key="y", period_key=first.period_key,
            claim_slot=None, amount_claimed=Decimal("1000"), submitted_at=timezone.now())


def test_rejected_claim_leaves_its_slot_to_a_new_one_in_the_database(worker_a, edu_scheme,
                                                                     officer):
    first = application_at("submitted", worker=worker_a, scheme=edu_scheme, officer=officer)
    Application.objects.filter(pk=first.pk).update(status=S.REJECTED)
    Application.objects.create(
        number="WF-TEST-3", scheme=edu_scheme, worker=worker_a, district=worker_a.district,
        channel="officer", applied_by=officer, beneficiary_name="Radha",
        beneficiary_key=first.beneficiary_key, limit_key=first.limit_key,
        period_key=first.period_key, claim_slot=first.claim_slot,
        amount_claimed=Decimal("1000"), submitted_at=timezone.now())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parents_submitting_for_one_child_at_once_make_one_claim(personas, district_a,
                                                                     edu_scheme, monkeypatch):
    mother = active_worker(district=district_a)
    father = active_worker(district=district_a, gender="male", spouse=False)
    Worker.objects.filter(pk=father.pk).update(date_of_birth=date(1988, 3, 2))
    FamilyMember.objects.create(worker=father, name="Sunita Bai", relation="spouse",
                                date_of_birth=date(1990, 5, 17))
    start, checked, outcomes = threading.Barrier(2), threading.Barrier(2), []
    real_check = applications._missing_documents

    def both_found_eligible(*args):
        # Each parent locks only their own row: both pass the rules before either saves,
        # and the database's limit constraint has the last word.
        checked.wait(10)
        return real_check(*args)

    monkeypatch.setattr(applications, "_missing_documents", both_found_eligible)

    def submit_for_radha(worker):
        start.wait()
        try:
            outcomes.append(submit(worker, edu_scheme, personas["officer_a"],
                                   family_member_id=daughter(worker).pk,
                                   slab_id=edu_scheme.slabs.first().pk).number)
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_for_radha, args=(w,)) for w in (mother, father)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 2
    assert Application.objects.count() == 1
    refused, made = sorted(outcomes)
    assert refused == "This claim has already been made, or the scheme's limit has been reached."
    assert made == Application.objects.get().number


def test_sanctioned_status_without_an_amount_is_refused_by_the_database(worker_a, edu_scheme,
                                                                        officer):
    application = application_at("verified", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    with pytest.raises(IntegrityError, match="welfare_application_sanctioned_has_amount"), \
            transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status=S.SANCTIONED)


def test_batch_approved_by_its_maker_is_refused_by_the_database(personas, worker_a,
                                                                edu_scheme, officer):
    application_at("sanctioned", worker=worker_a, scheme=edu_scheme, officer=officer)
    batch = services.payment_batch_create(actor=personas["maker"])
    with pytest.raises(IntegrityError, match="welfare_batch_maker_is_not_checker"), \
            transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(
            status=PaymentBatch.Status.APPROVED, approved_by=personas["maker"],
            approved_at=timezone.now())


def test_approved_batch_without_a_checker_is_refused_by_the_database(personas, worker_a,
                                                                     edu_scheme, officer):
    application_at("sanctioned", worker=worker_a, scheme=edu_scheme, officer=officer)
    batch = services.payment_batch_create(actor=personas["maker"])
    with pytest.raises(IntegrityError, match="welfare_batch_approved_has_checker"), \
            transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(status=PaymentBatch.Status.APPROVED)


def open_line_copy(line, **changes) -> PaymentLine:
    fields = {"batch": line.batch, "application": line.application, "amount": line.amount,
              "account_holder": line.account_holder,
              "account_encrypted": line.account_encrypted,
              "account_last4": line.account_last4, "ifsc": line.ifsc,
              "reference": line.reference + "X", **changes}
    return PaymentLine.objects.create(**fields)


def test_two_open_lines_for_one_application_are_refused_by_the_database(personas, worker_a,
                                                                        edu_scheme, officer):
    application_at("sanctioned", worker=worker_a, scheme=edu_scheme, officer=officer)
    batch = services.payment_batch_create(actor=personas["maker"])
    line = batch.lines.get()
    for status in ("pending", "unknown"):
        with pytest.raises(IntegrityError, match="welfare_line_one_open_per_application"), \
                transaction.atomic():
            open_line_copy(line, status=status)


def test_a_second_paid_line_for_one_application_is_refused_by_the_database(
        personas, worker_a, edu_scheme, officer):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    batch = pay_through_a_batch(personas, {application.pk: "SUCCESS"})
    line = batch.lines.get()
    with pytest.raises(IntegrityError, match="welfare_line_paid_once"), transaction.atomic():
        open_line_copy(line, status="paid", utr="OTHERUTR")


def test_paid_line_without_a_utr_is_refused_by_the_database(personas, worker_a, edu_scheme,
                                                            officer):
    application_at("sanctioned", worker=worker_a, scheme=edu_scheme, officer=officer)
    batch = services.payment_batch_create(actor=personas["maker"])
    with pytest.raises(IntegrityError, match="welfare_line_paid_has_utr"), transaction.atomic():
        batch.lines.update(status="paid")


def test_reference_is_unique_for_ever_in_the_database(personas, worker_a, edu_scheme, officer):
    application_at("sanctioned", worker=worker_a, scheme=edu_scheme, officer=officer)
    batch = services.payment_batch_create(actor=personas["maker"])
    line = batch.lines.get()
    line.status = "failed"
    line.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        open_line_copy(line, reference=line.reference)


def test_budget_counts_only_this_financial_years_sanctions(district_a, officer):
    scheme = SchemeFactory(code="budget", amount=Decimal("5000"), limit_count=None,
                           budget_amount=Decimal("6000"))
    last_year = application_at("sanctioned", worker=active_worker(district=district_a),
                               scheme=scheme, officer=officer)
    # Sanctioned in an earlier financial year: this year's budget is whole again.
    Application.objects.filter(pk=last_year.pk).update(
        sanctioned_at=applications.financial_year_start() - timezone.timedelta(days=1))
    application = application_at("sanctioned", worker=active_worker(district=district_a),
                                 scheme=scheme, officer=officer)
    assert application.status == Application.Status.SANCTIONED
    assert services.scheme_committed(scheme) == Decimal("5000")


def test_resubmission_still_missing_a_document_is_refused_and_stores_no_file(
        worker_a, edu_scheme, officer):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=officer)
    services.application_send_back(actor=officer, application_id=application.pk,
                                   reason="Marksheet unreadable")
    application.documents.filter(kind="marksheet").delete()
    before = ApplicationDocument.objects.count()
    with pytest.raises(ValidationError, match="Attach"):
        services.application_resubmit(actor=officer, application_id=application.pk,
                                      documents=[])
    application.refresh_from_db()
    assert application.status == Application.Status.SENT_BACK
    assert ApplicationDocument.objects.count() == before
