"""Applications through their pages: applying, the lists, the officer's actions, documents."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from core.sms import CapturingSMSBackend
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import services
from welfare.models import Application, ApplicationDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
A = Application.Status


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def apply_url(worker, code):
    return reverse("welfare:application_create", args=[worker.uuid, code])


def action_url(application, action):
    return reverse(f"welfare:application_{action}", args=[application.uuid])


def edu_post(worker, scheme, **overrides):
    child = worker.family.filter(relation__in=["son", "daughter"]).first()
    data = {"beneficiary": str(child.pk), "slab": str(scheme.slabs.last().pk),
            "document_school_certificate": pdf("school.pdf"),
            "document_marksheet": pdf("marks.pdf"), "declaration": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Applying -------------------------------------------------------------------------


def test_worker_applies_with_documents_and_gets_the_acknowledgement_with_its_number(
        client, login, personas, worker_a, edu_scheme, django_capture_on_commit_callbacks):
    login(personas["worker_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(worker_a, "edu"), edu_post(worker_a, edu_scheme))
    application = Application.objects.get(worker=worker_a)
    assert response.status_code == 302
    assert response.url == application.get_absolute_url() + "?submitted=1"
    assert application.channel == Application.Channel.SELF
    assert application.amount_claimed == Decimal("3000")
    assert application.documents.count() == 2
    page = client.get(response.url).content.decode()
    assert application.number in page and "Print acknowledgement" in page
    assert "data-print" in page
    assert any(application.number in sms.text for sms in CapturingSMSBackend.outbox)


def test_csc_operator_applies_for_a_worker_they_registered_through_the_csc_channel(
        client, login, personas, district_a, mat_scheme):
    worker = active_worker(district=district_a, registered_by=personas["csc_a"])
    login(personas["csc_a"])
    response = client.post(apply_url(worker, "mat"), {"beneficiary": "worker",
                                                      "declaration": "on"})
    assert response.status_code == 302
    assert Application.objects.get(worker=worker).channel == Application.Channel.CSC


def test_csc_operator_gets_404_applying_for_a_worker_they_did_not_register(
        client, login, personas, worker_a, mat_scheme):
    login(personas["csc_a"])
    assert client.get(apply_url(worker_a, "mat")).status_code == 404


def test_document_of_the_wrong_type_is_refused_and_nothing_is_saved(
        client, login, personas, worker_a, edu_scheme):
    login(personas["worker_a"])
    bad = SimpleUploadedFile("school.pdf", b"MZ\x90\x00 not a pdf at all",
                             content_type="application/pdf")
    response = client.post(apply_url(worker_a, "edu"), edu_post(
        worker_a, edu_scheme, document_school_certificate=bad))
    assert response.status_code == 200
    assert "A document must be a PDF, JPEG or PNG file." in response.content.decode()
    assert response.context["form"]["slab"].value() == str(edu_scheme.slabs.last().pk)
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


def test_missing_document_is_named_and_nothing_is_saved(client, login, personas, worker_a,
                                                        edu_scheme):
    login(personas["worker_a"])
    response = client.post(apply_url(worker_a, "edu"), edu_post(
        worker_a, edu_scheme, document_marksheet=None))
    assert "Attach the marksheet of the last class." in response.content.decode()
    assert not Application.objects.exists()


def test_the_same_claim_twice_gets_a_clear_message(client, login, personas, worker_a,
                                                   edu_scheme):
    first = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                           officer=personas["officer_a"])
    login(personas["worker_a"])
    response = client.post(apply_url(worker_a, "edu"), edu_post(
        worker_a, edu_scheme, beneficiary=str(first.family_member_id)))
    assert response.status_code == 200
    assert (f"This claim has already been made (application {first.number})."
            in response.content.decode())
    assert Application.objects.count() == 1


def test_apply_form_offers_only_the_children_for_an_education_claim(client, login, personas,
                                                                   worker_a, edu_scheme):
    login(personas["worker_a"])
    form = client.get(apply_url(worker_a, "edu")).context["form"]
    offered = {label.split(" (")[0] for _value, label in form.fields["beneficiary"].choices}
    assert offered == {"Radha", "Mohan"}
    assert len(form.document_fields) == 2 and "slab" in form.fields


def test_worker_who_cannot_apply_sees_the_reasons_and_no_form(client, login, personas,
                                                              district_a, edu_scheme):
    worker = active_worker(district=district_a, owner=personas["worker_a"],
                           registered_days_ago=5)
    login(personas["worker_a"])
    body = client.get(apply_url(worker, "edu")).content.decode()
    assert "You cannot apply for this scheme yet, because:" in body
    assert "at least 90 days" in body
    assert "Submit application" not in body


# --- Lists ----------------------------------------------------------------------------


def test_worker_sees_their_own_applications_as_my_applications(client, login, personas,
                                                               worker_a, worker_b,
                                                               mat_scheme):
    mine = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                          officer=personas["officer_a"])
    other = application_at("submitted", worker=worker_b, scheme=mat_scheme,
                           officer=personas["officer_b"], family_member=worker_b.family.get(
                               relation="spouse"))
    login(personas["worker_a"])
    body = client.get(reverse("welfare:application_list")).content.decode()
    assert "My applications" in body
    assert mine.number in body and other.number not in body


def test_csc_operator_sees_only_the_applications_of_their_workers(client, login, personas,
                                                                  district_a, worker_a,
                                                                  mat_scheme):
    theirs = application_at("submitted", scheme=mat_scheme, officer=personas["officer_a"],
                            worker=active_worker(district=district_a,
                                                 registered_by=personas["csc_a"]))
    not_theirs = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                officer=personas["officer_a"])
    login(personas["csc_a"])
    body = client.get(reverse("welfare:application_list")).content.decode()
    assert theirs.number in body and not_theirs.number not in body
    assert client.get(not_theirs.get_absolute_url()).status_code == 404


def test_officer_queue_lists_waiting_applications_oldest_first_with_days_waiting(
        client, login, personas, district_a, mat_scheme, mar_scheme):
    older = application_at("submitted", worker=active_worker(district=district_a),
                           scheme=mat_scheme, officer=personas["officer_a"])
    newer = application_at("verified", worker=active_worker(district=district_a),
                           scheme=mar_scheme, officer=personas["officer_a"])
    application_at("sanctioned", worker=active_worker(district=district_a),
                   scheme=mat_scheme, officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.get(reverse("welfare:application_queue"))
    assert [a.number for a in response.context["object_list"]] == [older.number, newer.number]
    assert "Days waiting" in response.content.decode()


def test_list_pages_take_a_bounded_number_of_queries(client, login, personas, district_a,
                                                     mat_scheme, mar_scheme,
                                                     django_assert_max_num_queries):
    for _index in range(6):
        application_at("submitted", worker=active_worker(district=district_a),
                       scheme=mat_scheme, officer=personas["officer_a"])
    login(personas["officer_a"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("welfare:application_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("welfare:application_queue")).status_code == 200


def test_search_finds_an_application_by_its_number(client, login, personas, worker_a,
                                                   district_a, mat_scheme):
    wanted = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                            officer=personas["officer_a"])
    other = application_at("submitted", worker=active_worker(district=district_a),
                           scheme=mat_scheme, officer=personas["officer_a"])
    login(personas["officer_a"])
    body = client.get(reverse("welfare:application_list"), {"q": wanted.number}).content.decode()
    assert wanted.number in body and other.number not in body


def test_csv_export_masks_the_bank_account_and_has_no_aadhaar(client, login, personas,
                                                              worker_a, mat_scheme):
    application_at("submitted", worker=worker_a, scheme=mat_scheme,
                   officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.get(reverse("welfare:application_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "Bank account" in rows[0] and not any("aadhaar" in h.lower() for h in rows[0])
    assert f"XXXXXX{worker_a.bank_account_last4}" in rows[1]
    from core.crypto import decrypt_text
    assert decrypt_text(worker_a.bank_account_encrypted) not in text
    assert worker_a.aadhaar_last4 not in ",".join(rows[1][:3])


# --- The officer's actions ------------------------------------------------------------


def test_officer_verifies_a_submitted_application(client, login, personas, worker_a,
                                                  mat_scheme):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.post(action_url(application, "verify"))
    application.refresh_from_db()
    assert response.status_code == 302 and application.status == A.VERIFIED
    assert application.verified_by == personas["officer_a"]


def test_officer_sanctions_the_amount_prefilled_to_the_claim(client, login, personas,
                                                             worker_a, mat_scheme):
    application = application_at("verified", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    page = client.get(application.get_absolute_url())
    assert page.context["actions"]["sanction"].initial["amount"] == Decimal("20000")
    assert "You may sanction up to ₹50,000 on one application." in page.content.decode()
    client.post(action_url(application, "sanction"), {"amount": "20000"})
    application.refresh_from_db()
    assert application.status == A.SANCTIONED
    assert application.amount_sanctioned == Decimal("20000")


def test_officer_over_their_delegated_limit_is_told_to_send_it_up(client, login, personas,
                                                                  worker_a):
    scheme = SchemeFactory(code="big", amount=Decimal("75000"))
    application = application_at("verified", worker=worker_a, scheme=scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.post(action_url(application, "sanction"), {"amount": "75000"})
    assert response.status_code == 200
    assert "Your delegated limit is ₹50,000" in response.content.decode()
    application.refresh_from_db()
    assert application.status == A.VERIFIED


def test_sending_back_without_a_reason_is_refused(client, login, personas, worker_a,
                                                  mat_scheme):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.post(action_url(application, "send_back"), {"send_back-reason": " "})
    assert "Write the reason, so that the worker knows what to do." in response.content.decode()
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


def test_officer_sends_back_with_a_reason_and_the_worker_is_told(
        client, login, personas, worker_a, mat_scheme, django_capture_on_commit_callbacks):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    CapturingSMSBackend.outbox.clear()
    login(personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(application, "send_back"),
                    {"send_back-reason": "The certificate is not readable."})
    application.refresh_from_db()
    assert application.status == A.SENT_BACK
    assert application.decision_reason == "The certificate is not readable."
    assert CapturingSMSBackend.outbox


def test_rejecting_without_a_reason_is_refused(client, login, personas, worker_a,
                                               mat_scheme):
    application = application_at("verified", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    response = client.post(action_url(application, "reject"), {"reject-reason": ""})
    assert "Write the reason, so that the worker knows what to do." in response.content.decode()
    application.refresh_from_db()
    assert application.status == A.VERIFIED


def test_officer_rejects_with_a_reason(client, login, personas, worker_a, mat_scheme):
    application = application_at("verified", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_a"])
    client.post(action_url(application, "reject"), {"reject-reason": "Not a BOC worker."})
    application.refresh_from_db()
    assert application.status == A.REJECTED
    assert application.decision_reason == "Not a BOC worker."


def test_officer_of_another_district_gets_404_on_the_page_and_the_actions(
        client, login, personas, worker_a, mat_scheme):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["officer_b"])
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.post(action_url(application, "verify")).status_code == 404
    assert client.post(action_url(application, "reject"),
                       {"reject-reason": "x"}).status_code == 404
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL,
                                     object_id=str(application.pk)).exists()


def test_worker_cannot_reach_the_officer_actions(client, login, personas, worker_a,
                                                 mat_scheme):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["worker_a"])
    assert client.post(action_url(application, "verify")).status_code == 404
    assert client.post(action_url(application, "sanction"),
                       {"amount": "20000"}).status_code == 404
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200 and "Verify" not in page.content.decode()
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


def test_worker_sees_the_steps_without_the_names_of_the_officers(client, login, personas,
                                                                 worker_a, mat_scheme):
    personas["officer_a"].first_name = "Anil"
    personas["officer_a"].last_name = "Verma"
    personas["officer_a"].save()
    application = application_at("verified", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["worker_a"])
    body = client.get(application.get_absolute_url()).content.decode()
    assert "Verified, awaiting sanction" in body and "Anil Verma" not in body
    login(personas["officer_a"])
    assert "Anil Verma" in client.get(application.get_absolute_url()).content.decode()


def test_worker_corrects_a_sent_back_application_and_sends_it_again(
        client, login, personas, worker_a, edu_scheme):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=personas["officer_a"])
    services.application_send_back(actor=personas["officer_a"], application_id=application.pk,
                                   reason="Marksheet unreadable.")
    login(personas["worker_a"])
    response = client.post(action_url(application, "resubmit"),
                           {"document_marksheet": pdf("marks-again.pdf")})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert application.documents.filter(kind="marksheet").count() == 2


def test_officer_sends_a_failed_payment_again_with_a_new_account(
        client, login, personas, worker_a, mat_scheme, django_capture_on_commit_callbacks):
    application = application_at("sanctioned", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payment_batch_create(actor=personas["maker"])
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.bank_simulation_run(actor=personas["checker"], batch_id=batch.pk,
                                     failure_rate=1)
    application.refresh_from_db()
    assert application.status == A.PAYMENT_FAILED
    login(personas["officer_a"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert batch.number in page and "Send for payment again" in page
    mismatch = client.post(action_url(application, "payment_retry"), {
        "reason": "New account", "account_number": "123456789012",
        "account_number_again": "123456789013"})
    assert "The two account numbers are not the same." in mismatch.content.decode()
    assert "123456789012" not in mismatch.content.decode()
    client.post(action_url(application, "payment_retry"), {
        "reason": "Worker gave a new account", "account_number": "123456789012",
        "account_number_again": "123456789012", "ifsc": "SBIN0001234"})
    application.refresh_from_db()
    worker_a.refresh_from_db()
    assert application.status == A.SANCTIONED
    assert worker_a.bank_account_last4 == "9012"


# --- Documents ------------------------------------------------------------------------


def test_officer_downloads_a_document_as_an_attachment_and_the_read_is_audited(
        client, login, personas, worker_a, edu_scheme):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=personas["officer_a"])
    document = application.documents.first()
    login(personas["officer_a"])
    response = client.get(reverse("welfare:application_document",
                                  args=[application.uuid, document.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ,
                                     object_id=str(document.pk)).exists()


def test_officer_of_another_district_gets_404_for_a_document(client, login, personas,
                                                             worker_a, edu_scheme):
    application = application_at("submitted", worker=worker_a, scheme=edu_scheme,
                                 officer=personas["officer_a"])
    document = application.documents.first()
    login(personas["officer_b"])
    assert client.get(reverse("welfare:application_document",
                              args=[application.uuid, document.uuid])).status_code == 404


# --- Home pages -----------------------------------------------------------------------


def test_officer_home_page_links_the_welfare_queue_with_its_count(client, login, personas,
                                                                  worker_a, mat_scheme):
    application_at("submitted", worker=worker_a, scheme=mat_scheme,
                   officer=personas["officer_a"])
    login(personas["officer_a"])
    body = client.get(reverse("core:home")).content.decode()
    assert "Welfare applications awaiting you (1)" in body


def test_worker_home_page_lists_their_applications(client, login, personas, worker_a,
                                                   mat_scheme):
    application = application_at("submitted", worker=worker_a, scheme=mat_scheme,
                                 officer=personas["officer_a"])
    login(personas["worker_a"])
    assert application.number in client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize("persona", ["state_admin", "district_admin_a", "csc_a"])
def test_home_page_of_other_welfare_roles_still_renders(client, login, personas, persona):
    login(personas[persona])
    assert client.get(reverse("core:home")).status_code == 200
