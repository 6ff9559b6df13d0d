"""Registration through the pages, per channel, as each user would do it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from core.sms import CapturingSMSBackend
from registration.models import Worker
from tests.core.factories import BlockFactory
from tests.registration.factories import WorkerFactory, jpeg_bytes, valid_aadhaar

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_card_rendering(monkeypatch):
    # Card rendering has its own tests (test_cards.py); here only the workflow matters.
    from registration import tasks

    monkeypatch.setattr(tasks.labour_card_render_task, "delay_on_commit", lambda *a, **k: None)


def step_url(worker, step):
    return reverse("registration:worker_step", args=[worker.uuid, step])


def fill_all_steps(client, worker, district, *, aadhaar=None, category="unorganised"):
    """Post every step of the form as a user would; return the last response."""
    block = BlockFactory(district=district)
    responses = [
        client.post(step_url(worker, "personal"), {
            "name": "सुनीता बाई", "name_latin": "Sunita Bai", "relative_name": "रमेश",
            "relative_relation": "husband", "date_of_birth": "1992-03-04", "gender": "female",
            "mobile": worker.mobile or "9876500001", "aadhaar": aadhaar or valid_aadhaar()}),
        client.post(step_url(worker, "address"), {
            "district": district.pk, "block": block.pk, "address_line": "Ward 2",
            "pincode": "492001"}),
        client.post(step_url(worker, "work"), {"category": category,
                                               "occupation": _occupation_id(),
                                               "employer_name": ""}),
        client.post(step_url(worker, "bank"), {
            "bank_account_holder": "Sunita Bai", "account_number": "123456789012",
            "account_number_again": "123456789012", "ifsc": "sbin0001234"}),
        client.post(step_url(worker, "family"), {
            "nominee_name": "रमेश", "nominee_relation": "husband",
            "family-TOTAL_FORMS": "2", "family-INITIAL_FORMS": "0",
            "family-0-name": "राधा", "family-0-relation": "daughter",
            "family-0-date_of_birth": "2015-06-01", "family-0-gender": "female",
            "family-1-name": "", "family-1-relation": "", "family-1-date_of_birth": "",
            "family-1-gender": ""}),
        client.post(step_url(worker, "documents"), {
            "action": "photo",
            "photo": SimpleUploadedFile("me.jpg", jpeg_bytes(), content_type="image/jpeg")}),
    ]
    for response in responses:
        assert response.status_code == 302, getattr(response, "context", None) and \
            response.context.get("form").errors
    return client.post(reverse("registration:worker_submit", args=[worker.uuid]),
                       {"declaration": "on"})


def _occupation_id():
    from registration.models import Occupation

    return Occupation.objects.get(code="9313").pk


def test_worker_registers_themself_step_by_step_and_gets_an_acknowledgement(
        client, login, personas, district_a, django_capture_on_commit_callbacks):
    login(personas["worker_a"])
    response = client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    assert response.url == step_url(worker, "personal")
    assert worker.channel == Worker.Channel.SELF and worker.status == Worker.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = fill_all_steps(client, worker, district_a)
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SUBMITTED
    assert worker.family.get().name == "राधा"
    assert worker.bank_account_last4 == "9012" and worker.ifsc == "SBIN0001234"
    page = client.get(response.url)
    assert worker.reference in page.content.decode()
    assert "Acknowledgement" in page.content.decode()
    assert any("received" in sms.text for sms in CapturingSMSBackend.outbox)


def test_a_dropped_connection_loses_nothing_the_draft_reopens_at_the_next_step(
        client, login, personas, district_a):
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    client.post(step_url(worker, "personal"), {
        "name": "सुनीता", "relative_name": "रमेश", "relative_relation": "husband",
        "date_of_birth": "1992-03-04", "gender": "female", "mobile": "9876500001",
        "aadhaar": valid_aadhaar(), "save_exit": "1"})
    worker.refresh_from_db()
    assert worker.name == "सुनीता" and worker.draft_step == "address"
    page = client.get(worker.get_absolute_url())
    assert step_url(worker, "address") in page.content.decode()


def test_bad_aadhaar_gets_a_clear_message_and_saves_nothing(client, login, personas):
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    response = client.post(step_url(worker, "personal"), {
        "name": "सुनीता", "relative_name": "रमेश", "relative_relation": "husband",
        "date_of_birth": "1992-03-04", "gender": "female", "mobile": "9876500001",
        "aadhaar": "234567890123"})
    assert response.status_code == 200
    assert "not a valid Aadhaar number" in response.content.decode()
    worker.refresh_from_db()
    assert worker.name == "" and worker.aadhaar_hash is None


def test_the_hindi_page_says_the_aadhaar_is_wrong_in_hindi(client, login, personas):
    personas["worker_a"].preferred_language = "hi"
    personas["worker_a"].save()
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    response = client.post(step_url(worker, "personal"), {"aadhaar": "12345"})
    assert "आधार" in response.content.decode()


def test_duplicate_aadhaar_tells_a_worker_to_contact_the_office_without_details(
        client, login, personas, district_b):
    number = valid_aadhaar()
    other = WorkerFactory(aadhaar=number, district=district_b, status=Worker.Status.ACTIVE,
                          registration_number="CG-BSP-2026-0000001")
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    response = client.post(step_url(worker, "personal"), {
        "name": "सुनीता", "relative_name": "रमेश", "relative_relation": "husband",
        "date_of_birth": "1992-03-04", "gender": "female", "mobile": "9876500001",
        "aadhaar": number})
    body = response.content.decode()
    assert "already registered" in body and "contact the labour office" in body
    assert other.registration_number not in body


def test_officer_sees_and_links_the_duplicate_in_their_district(client, login, personas,
                                                               district_a):
    number = valid_aadhaar()
    other = WorkerFactory(aadhaar=number, district=district_a, status=Worker.Status.ACTIVE,
                          registration_number="CG-RPR-2026-0000009")
    login(personas["officer_a"])
    client.post(reverse("registration:worker_start"), {"mobile": "9876511111",
                                                       "district": district_a.pk})
    worker = Worker.objects.get(registered_by=personas["officer_a"])
    response = client.post(step_url(worker, "personal"), {
        "name": "सुनीता", "relative_name": "रमेश", "relative_relation": "husband",
        "date_of_birth": "1992-03-04", "gender": "female", "mobile": "9876511111",
        "aadhaar": number})
    assert other.get_absolute_url() in response.content.decode()


def test_csc_operator_registers_a_worker_after_the_workers_consent_code(
        client, login, personas, district_a, django_capture_on_commit_callbacks, settings):
    login(personas["csc_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:worker_start"), {"mobile": "9876522222"})
    assert response.url == reverse("registration:worker_consent")
    sms = CapturingSMSBackend.outbox[-1]
    assert sms.mobile == "9876522222"
    code = next(word for word in sms.text.split() if word.isdigit() and len(word) == 6)
    wrong = client.post(reverse("registration:worker_consent"), {"code": "000000"})
    assert wrong.status_code == 200 and not Worker.objects.exists()
    response = client.post(reverse("registration:worker_consent"), {"code": code})
    worker = Worker.objects.get()
    assert worker.channel == Worker.Channel.CSC and worker.consent_at is not None
    assert worker.registered_by == personas["csc_a"] and worker.mobile == "9876522222"
    with django_capture_on_commit_callbacks(execute=True):
        fill_all_steps(client, worker, district_a)
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SUBMITTED


def test_officer_registers_at_a_camp_and_the_camp_is_kept(client, login, personas, district_a):
    from django.utils import timezone

    from tests.registration.factories import CampFactory

    today = timezone.localdate()
    camp = CampFactory(district=district_a, starts_on=today, ends_on=today)
    login(personas["officer_a"])
    client.post(reverse("registration:worker_start"),
                {"mobile": "9876533333", "district": district_a.pk, "camp": camp.pk})
    worker = Worker.objects.get()
    assert worker.channel == Worker.Channel.CAMP and worker.camp == camp
    page = client.get(camp.get_absolute_url())
    assert page.status_code == 200 and page.context["total"] == 1


def test_officer_approves_from_the_queue_with_confirmation(client, login, personas,
                                                           district_a):
    worker = WorkerFactory(district=district_a)
    login(personas["officer_a"])
    queue = client.get(reverse("registration:worker_queue"))
    assert worker.reference in queue.content.decode()
    review = client.get(reverse("registration:worker_review", args=[worker.uuid]))
    assert review.status_code == 200
    confirm = client.get(reverse("registration:worker_decision", args=[worker.uuid, "approve"]))
    assert "Approve this registration?" in confirm.content.decode()
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SUBMITTED  # a GET changes nothing
    client.post(reverse("registration:worker_decision", args=[worker.uuid, "approve"]))
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ACTIVE
    assert worker.registration_number.startswith(f"CG-RPR-{worker.registered_on.year}-")


def test_sending_back_without_a_reason_is_refused_and_changes_nothing(client, login, personas,
                                                                      district_a):
    worker = WorkerFactory(district=district_a)
    login(personas["officer_a"])
    response = client.post(reverse("registration:worker_decision",
                                   args=[worker.uuid, "send-back"]), {"reason": ""})
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SUBMITTED


def test_a_sent_back_worker_sees_the_reason_corrects_and_resubmits(
        client, login, personas, district_a):
    worker = WorkerFactory(district=district_a, owner=personas["worker_a"],
                           channel=Worker.Channel.SELF)
    login(personas["officer_a"])
    client.post(reverse("registration:worker_decision", args=[worker.uuid, "send-back"]),
                {"reason": "Photo is not clear"})
    client.logout()
    login(personas["worker_a"])
    page = client.get(worker.get_absolute_url()).content.decode()
    assert "Photo is not clear" in page and "Correct and resubmit" in page
    client.post(step_url(worker, "documents"), {
        "action": "photo",
        "photo": SimpleUploadedFile("me.jpg", jpeg_bytes(color=(10, 10, 10)),
                                    content_type="image/jpeg")})
    client.post(reverse("registration:worker_submit", args=[worker.uuid]), {"declaration": "on"})
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["officer_b", "csc_b", "worker_b", "district_admin_b"])
def test_someone_outside_the_record_gets_404_and_the_refusal_is_audited(
        client, login, personas, district_a, persona):
    worker = WorkerFactory(district=district_a, owner=personas["worker_a"],
                           registered_by=personas["csc_a"])
    login(personas[persona])
    assert client.get(worker.get_absolute_url()).status_code == 404
    assert client.get(reverse("registration:worker_photo", args=[worker.uuid])
                      ).status_code == 404
    assert AuditEvent.objects.filter(action="refusal", object_id=str(worker.pk)).exists()


@pytest.mark.parametrize("persona", ["officer_a", "csc_a", "worker_a", "state_admin"])
def test_those_in_scope_see_the_record(client, login, personas, district_a, persona):
    worker = WorkerFactory(district=district_a, owner=personas["worker_a"],
                           registered_by=personas["csc_a"])
    login(personas[persona])
    assert client.get(worker.get_absolute_url()).status_code == 200


def test_documents_are_served_only_through_the_checked_view(client, login, personas,
                                                            district_a):
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    client.post(step_url(worker, "documents"), {
        "action": "document", "kind": "id_proof",
        "file": SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")})
    document = worker.documents.get()
    url = reverse("registration:document_file", args=[worker.uuid, document.uuid])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    login(personas["worker_b"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_disguised_file_is_refused_as_a_document(client, login, personas):
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    response = client.post(step_url(worker, "documents"), {
        "action": "document", "kind": "id_proof",
        "file": SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf",
                                   content_type="application/pdf")})
    assert "must be a PDF, JPEG or PNG" in response.content.decode()
    assert not worker.documents.exists()


def test_worker_list_export_masks_aadhaar_and_bank_and_is_audited(client, login, personas,
                                                                  district_a):
    number = valid_aadhaar()
    WorkerFactory(district=district_a, aadhaar=number)
    login(personas["officer_a"])
    response = client.get(reverse("registration:worker_list") + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert f"XXXX-XXXX-{number[-4:]}" in body and number not in body
    assert "XXXXXX4321" in body
    assert AuditEvent.objects.filter(action="export",
                                     object_type="registration.worker").exists()


def test_queue_search_finds_by_aadhaar_last_four_and_by_name(client, login, personas,
                                                            district_a):
    number = valid_aadhaar()
    WorkerFactory(district=district_a, aadhaar=number, name_latin="Kamla Devi")
    WorkerFactory(district=district_a, name_latin="Other Person")
    login(personas["officer_a"])
    by_digits = client.get(reverse("registration:worker_queue") + f"?q={number[-4:]}")
    assert by_digits.context["paginator"].count == 1
    by_name = client.get(reverse("registration:worker_queue") + "?q=kamla")
    assert by_name.context["paginator"].count == 1


def test_queue_lists_in_a_bounded_number_of_queries(client, login, personas, district_a,
                                                    django_assert_max_num_queries):
    for _ in range(15):
        WorkerFactory(district=district_a)
    login(personas["officer_a"])
    with django_assert_max_num_queries(20):
        client.get(reverse("registration:worker_queue"))


def test_state_admin_sets_a_target_and_sees_progress(client, login, personas, district_a):
    login(personas["state_admin"])
    from django.conf import settings

    district_a.state.code = settings.PORTAL_STATE_CODE
    district_a.state.save()
    response = client.post(reverse("registration:target_list"), {
        "district": district_a.pk, "starts_on": "2026-04-01", "ends_on": "2027-03-31",
        "target_count": "1000"})
    assert response.status_code == 302
    page = client.get(reverse("registration:target_list"))
    assert page.context["rows"][0]["target"].target_count == 1000


def test_officer_cannot_set_targets(client, login, personas, district_a):
    login(personas["officer_a"])
    response = client.post(reverse("registration:target_list"), {
        "district": district_a.pk, "starts_on": "2026-04-01", "ends_on": "2027-03-31",
        "target_count": "1000"})
    assert response.status_code == 404


def test_worker_sees_which_officer_reviewed_their_registration(client, login, personas,
                                                               district_a):
    worker = WorkerFactory(district=district_a, owner=personas["worker_a"],
                           channel=Worker.Channel.SELF)
    login(personas["officer_a"])
    client.get(reverse("registration:worker_review", args=[worker.uuid]))
    client.post(reverse("registration:worker_decision", args=[worker.uuid, "approve"]))
    client.logout()
    login(personas["worker_a"])
    page = client.get(reverse("core:my_record_history")).content.decode()
    assert "officer.a" in page
    assert "Sensitive record viewed" in page or "sensitive" in page.lower()


def test_officer_sees_the_records_change_history_on_its_page(client, login, personas,
                                                             district_a):
    worker = WorkerFactory(district=district_a)
    login(personas["officer_a"])
    client.post(reverse("registration:worker_decision", args=[worker.uuid, "approve"]))
    page = client.get(worker.get_absolute_url())
    assert page.context["changes"], "no history shown"
    assert "History of this record" in page.content.decode()


def test_state_admin_can_prove_every_change_and_view_of_a_workers_record(
        client, login, personas, district_a):
    from core.audit_chain import audit_seal

    worker = WorkerFactory(district=district_a)
    login(personas["officer_a"])
    client.get(reverse("registration:worker_review", args=[worker.uuid]))
    client.post(reverse("registration:worker_decision", args=[worker.uuid, "approve"]))
    client.logout()
    audit_seal()
    login(personas["state_admin"])
    detail = client.get(worker.get_absolute_url()).content.decode()
    audit_url = reverse("core:record_audit", args=["registration.worker", worker.pk])
    assert audit_url in detail
    page = client.get(audit_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "officer.a" in body  # the review (a sensitive read) and the approval


def test_the_address_step_keeps_a_village_of_the_chosen_block_only(client, login, personas,
                                                                   district_a):
    from tests.core.factories import VillageFactory

    block = BlockFactory(district=district_a)
    village = VillageFactory(block=block)
    elsewhere = VillageFactory()
    login(personas["officer_a"])
    client.post(reverse("registration:worker_start"), {"mobile": "9876544444",
                                                       "district": district_a.pk})
    worker = Worker.objects.get()
    data = {"district": district_a.pk, "block": block.pk, "address_line": "Ward 1"}
    wrong = client.post(step_url(worker, "address"), {**data, "village": elsewhere.pk})
    assert wrong.status_code == 200
    worker.refresh_from_db()
    assert worker.village is None
    client.post(step_url(worker, "address"), {**data, "village": village.pk})
    worker.refresh_from_db()
    assert worker.village == village
    villages = client.get(reverse("registration:villages") + f"?block={block.pk}").json()
    assert villages == {"villages": [{"id": village.pk, "name": village.name}]}


def test_search_finds_a_registration_by_its_reference_and_by_a_whole_aadhaar(
        client, login, personas, district_a):
    number = valid_aadhaar()
    worker = WorkerFactory(district=district_a, aadhaar=number)
    WorkerFactory(district=district_a)
    login(personas["officer_a"])
    by_reference = client.get(reverse("registration:worker_list") + f"?q={worker.reference}")
    assert list(by_reference.context["object_list"]) == [worker]
    by_aadhaar = client.get(reverse("registration:worker_list") + f"?q={number}")
    assert list(by_aadhaar.context["object_list"]) == [worker]


def test_a_role_without_review_rights_opening_the_review_leaves_no_sensitive_read(
        client, login, personas, district_a):
    worker = WorkerFactory(district=district_a, registered_by=personas["csc_a"])
    login(personas["csc_a"])
    assert client.get(reverse("registration:worker_review", args=[worker.uuid])
                      ).status_code == 404
    assert not AuditEvent.objects.filter(action="sensitive_read",
                                         object_id=str(worker.pk)).exists()


def test_an_officer_opening_a_document_is_recorded_for_the_worker_to_see(
        client, login, personas, district_a):
    login(personas["worker_a"])
    client.post(reverse("registration:worker_start"))
    worker = Worker.objects.get(owner=personas["worker_a"])
    client.post(step_url(worker, "documents"), {
        "action": "document", "kind": "id_proof",
        "file": SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")})
    document = worker.documents.get()
    url = reverse("registration:document_file", args=[worker.uuid, document.uuid])
    client.get(url)  # the worker's own look is not a sensitive read
    assert not AuditEvent.objects.filter(action="sensitive_read").exists()
    worker.district = district_a
    worker.save()
    client.logout()
    login(personas["officer_a"])
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="sensitive_read", object_id=str(document.pk),
                                     actor=personas["officer_a"]).exists()


def test_target_progress_counts_approved_registrations_by_channel_in_few_queries(
        client, login, personas, district_a, django_assert_max_num_queries):
    from datetime import date

    from registration.services import district_target_set

    for n in range(5):
        district_target_set(actor=personas["state_admin"], district=district_a,
                            starts_on=date(2020 + n, 4, 1), ends_on=date(2021 + n, 3, 31),
                            target_count=10)
    WorkerFactory(district=district_a, status=Worker.Status.ACTIVE, channel="csc",
                  registration_number="CG-RPR-2024-0000001", registered_on=date(2024, 6, 1))
    WorkerFactory(district=district_a, status=Worker.Status.ACTIVE, channel="officer",
                  registration_number="CG-RPR-2024-0000002", registered_on=date(2024, 7, 1))
    login(personas["district_admin_a"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("registration:target_list"))
    row = next(r for r in page.context["rows"] if r["target"].starts_on == date(2024, 4, 1))
    assert row["registered"] == 2 and row["by_channel"]["csc"] == 1
    assert row["percent"] == 20.0
    others = [r["registered"] for r in page.context["rows"] if r is not row]
    assert others == [0, 0, 0, 0]


def test_a_csc_operator_at_a_camp_registers_with_channel_camp(
        client, login, personas, district_a, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tests.registration.factories import CampFactory

    today = timezone.localdate()
    camp = CampFactory(district=district_a, starts_on=today, ends_on=today)
    login(personas["csc_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:worker_start"),
                    {"mobile": "9876577777", "camp": camp.pk})
    code = next(w for w in CapturingSMSBackend.outbox[-1].text.split()
                if w.isdigit() and len(w) == 6)
    client.post(reverse("registration:worker_consent"), {"code": code})
    worker = Worker.objects.get(mobile="9876577777")
    assert worker.channel == Worker.Channel.CAMP and worker.camp == camp
    assert worker.registered_by == personas["csc_a"] and worker.consent_at is not None


def test_officer_ticks_approved_workers_in_the_list_and_prints_their_cards(
        client, login, personas, district_a, django_capture_on_commit_callbacks):
    import re

    from core.models import Job

    active = WorkerFactory(district=district_a, status=Worker.Status.ACTIVE,
                           registration_number="CG-RPR-2026-0000001")
    from registration.models import LabourCard

    LabourCard.objects.create(worker=active, version=1, status="ready")
    WorkerFactory(district=district_a)  # submitted: nothing to print
    login(personas["officer_a"])
    page = client.get(reverse("registration:worker_list")).content.decode()
    ticks = re.findall(r'name="worker" value="([0-9a-f-]+)" form="print-form"', page)
    assert ticks == [str(active.uuid)]
    assert "Select CG-RPR-2026-0000001 for printing" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:card_print"), {"worker": ticks})
    job = Job.objects.get(kind="card_print")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total == 1


def test_a_csc_operator_sees_no_print_ticks(client, login, personas, district_a):
    WorkerFactory(district=district_a, status=Worker.Status.ACTIVE,
                  registration_number="CG-RPR-2026-0000001", registered_by=personas["csc_a"])
    login(personas["csc_a"])
    page = client.get(reverse("registration:worker_list")).content.decode()
    assert 'form="print-form"' not in page
