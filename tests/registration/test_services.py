"""The registration workflow through its services: drafts, steps, submission, decisions, expiry."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.crypto import decrypt_text
from core.models import AuditEvent
from core.sms import CapturingSMSBackend
from registration import services
from registration.identity import aadhaar_hash
from registration.models import (
    AadhaarVault,
    FamilyMember,
    LabourCard,
    Occupation,
    RegistrationSequence,
    Worker,
    WorkerDocument,
    WorkerTransition,
)
from registration.services import DuplicateAadhaar
from tests.core.factories import BlockFactory
from tests.registration.factories import CampFactory, WorkerFactory, jpeg_bytes, valid_aadhaar

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
S = Worker.Status
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def at(day: date, hour: int = 11):
    """Travel to a day (Indian time), with the clock standing still."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=IST),
                               tick=False)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Keep photos and documents written by the tests out of var/private."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture(autouse=True)
def card_renders(monkeypatch):
    """Record the card renders enqueued after commit, instead of rendering PDFs."""
    from django.db import transaction

    from registration.tasks import labour_card_render_task

    enqueued: list[int] = []
    monkeypatch.setattr(labour_card_render_task, "delay_on_commit",
                        lambda card_id: transaction.on_commit(lambda: enqueued.append(card_id)))
    return enqueued


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


@pytest.fixture
def draft(personas, district_a):
    return services.worker_draft_create(actor=personas["csc_a"], channel=Worker.Channel.CSC,
                                        mobile="9876543210", district=district_a)


def submitted(district, **kwargs) -> Worker:
    return WorkerFactory(district=district, status=S.SUBMITTED, **kwargs)


@pytest.fixture(autouse=True)
def _sms_in_english(settings):
    # Texts are asserted in English here (workers without a login get SMS in
    # SMS_LANGUAGE); test_sms_goes_in_the_workers_language covers the choice.
    settings.SMS_LANGUAGE = "en"


def sms_texts(mobile: str | None = None) -> list[str]:
    return [m.text for m in CapturingSMSBackend.outbox if mobile is None or m.mobile == mobile]


def personal_data(**overrides) -> dict:
    return {"name": "रामू साहू", "name_latin": "Ramu Sahu", "relative_name": "श्याम साहू",
            "relative_relation": Worker.Relation.FATHER, "date_of_birth": date(1990, 5, 17),
            "gender": Worker.Gender.MALE, "mobile": "9876543210", **overrides}


# --- Drafts ----------------------------------------------------------------------------


def test_a_worker_starting_their_own_registration_owns_the_draft(personas, district_a):
    worker = services.worker_draft_create(actor=personas["worker_a"], channel=Worker.Channel.SELF,
                                          mobile="9876500001", district=district_a)
    assert worker.status == S.DRAFT
    assert worker.owner == personas["worker_a"]
    assert worker.registered_by == personas["worker_a"]


def test_a_draft_started_by_a_csc_operator_has_no_owner(draft, personas):
    assert draft.owner is None
    assert draft.registered_by == personas["csc_a"]
    assert draft.channel == Worker.Channel.CSC


def test_a_camp_registration_has_channel_camp_and_the_camps_district(personas, district_a,
                                                                     district_b):
    camp = CampFactory(district=district_b)
    worker = services.worker_draft_create(actor=personas["csc_a"], channel=Worker.Channel.CSC,
                                          mobile="9876543210", district=district_a, camp=camp)
    assert worker.channel == Worker.Channel.CAMP
    assert worker.camp == camp
    assert worker.district == district_b


def test_starting_a_draft_is_audited_with_its_channel(draft, personas):
    event = AuditEvent.objects.get(object_type="registration.worker", object_id=str(draft.pk))
    assert event.action == AuditEvent.Action.TRANSITION
    assert event.actor == personas["csc_a"]
    assert event.summary == "draft created (csc)"


def test_one_login_may_not_manage_a_sixth_worker_profile(personas, district_a):
    login = personas["worker_a"]
    for _ in range(5):
        services.worker_draft_create(actor=login, channel=Worker.Channel.SELF,
                                     mobile="9876500001", district=district_a)
    with pytest.raises(ValidationError) as caught:
        services.worker_draft_create(actor=login, channel=Worker.Channel.SELF,
                                     mobile="9876500001", district=district_a)
    assert caught.value.code == "too_many_profiles"
    assert caught.value.messages == ["One mobile number can manage at most 5 workers."]
    assert Worker.objects.filter(owner=login).count() == 5


# --- Steps -----------------------------------------------------------------------------


def test_the_personal_step_keeps_only_the_hash_and_last_four_of_aadhaar_on_the_worker(draft):
    number = valid_aadhaar(seed=501)
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="personal",
                              data={**personal_data(), "aadhaar": number})
    draft.refresh_from_db()
    assert draft.aadhaar_hash == aadhaar_hash(number)
    assert draft.aadhaar_last4 == number[-4:]
    row = Worker.objects.filter(pk=draft.pk).values().get()
    assert not any(number in str(value) for value in row.values())


def test_the_personal_step_keeps_the_aadhaar_number_encrypted_in_the_vault(draft):
    number = valid_aadhaar(seed=502)
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="personal",
                              data={**personal_data(), "aadhaar": number})
    entry = AadhaarVault.objects.get(hash=aadhaar_hash(number))
    assert number not in entry.ciphertext
    assert decrypt_text(entry.ciphertext) == number


def test_the_personal_step_saves_the_fields_and_moves_the_draft_to_the_address_step(draft):
    worker = services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk,
                                       step="personal", data=personal_data())
    worker.refresh_from_db()
    assert (worker.name, worker.name_latin, worker.date_of_birth) == (
        "रामू साहू", "Ramu Sahu", date(1990, 5, 17))
    assert worker.draft_step == "address"


def test_saving_an_earlier_step_again_does_not_move_the_draft_back(draft):
    for step, data in [("personal", personal_data()), ("address", {"address_line": "Ward 4"}),
                       ("personal", personal_data(name="सीता"))]:
        services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step=step,
                                  data=data)
    draft.refresh_from_db()
    assert draft.draft_step == "work"
    assert draft.name == "सीता"


def test_the_address_step_saves_block_and_address(draft, district_a):
    block = BlockFactory(district=district_a)
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="address",
                              data={"district": district_a, "block": block,
                                    "address_line": "Ward 4, Gandhi Chowk", "pincode": "492001"})
    draft.refresh_from_db()
    assert (draft.block, draft.address_line, draft.pincode) == (
        block, "Ward 4, Gandhi Chowk", "492001")


def test_the_work_step_refuses_an_age_outside_the_categorys_limits_and_saves_nothing(draft):
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="personal",
                              data=personal_data(date_of_birth=date(1950, 1, 1)))
    with pytest.raises(ValidationError) as caught:
        services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="work",
                                  data={"category": Worker.Category.BOC,
                                        "occupation": Occupation.objects.get(code="9313")})
    assert caught.value.code == "age_limits"
    draft.refresh_from_db()
    assert draft.category == ""
    assert draft.occupation is None


def test_the_bank_step_encrypts_the_account_number_and_keeps_its_last_four(draft):
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="bank",
                              data={"bank_account_holder": "Ramu Sahu", "ifsc": "SBIN0001234",
                                    "account_number": "123456789012"})
    draft.refresh_from_db()
    assert draft.bank_account_last4 == "9012"
    assert "123456789012" not in draft.bank_account_encrypted
    assert decrypt_text(draft.bank_account_encrypted) == "123456789012"
    assert draft.ifsc == "SBIN0001234"


def test_the_family_step_replaces_the_family_members(draft):
    first = [{"name": "सीता साहू", "relation": FamilyMember.Relation.SPOUSE},
             {"name": "गीता साहू", "relation": FamilyMember.Relation.DAUGHTER,
              "date_of_birth": date(2015, 3, 1)}]
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="family",
                              data={"nominee_name": "सीता साहू", "family": first})
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="family",
                              data={"family": [{"name": "मोहन साहू",
                                                "relation": FamilyMember.Relation.SON}]})
    assert list(draft.family.values_list("name", "relation")) == [("मोहन साहू", "son")]


def test_a_submitted_registration_cannot_be_changed(district_a):
    worker = submitted(district_a)
    with pytest.raises(ValidationError) as caught:
        services.worker_step_save(actor=worker.registered_by, worker_id=worker.pk,
                                  step="personal", data=personal_data(name="Other"))
    assert caught.value.code == "not_editable"
    worker.refresh_from_db()
    assert worker.name == "रामू साहू"


def test_an_aadhaar_already_registered_raises_duplicate_naming_the_existing_worker(draft,
                                                                                   district_b):
    number = valid_aadhaar(seed=503)
    existing = WorkerFactory(district=district_b, aadhaar=number)
    with pytest.raises(DuplicateAadhaar) as caught:
        services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk,
                                  step="personal", data={**personal_data(), "aadhaar": number})
    assert caught.value.existing == existing
    assert caught.value.code == "duplicate_aadhaar"
    assert isinstance(caught.value, ValidationError)
    draft.refresh_from_db()
    assert draft.aadhaar_hash is None
    assert draft.name == ""


def test_saving_a_workers_own_aadhaar_again_is_not_a_duplicate(draft):
    number = valid_aadhaar(seed=504)
    for _ in range(2):
        services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk,
                                  step="personal", data={**personal_data(), "aadhaar": number})
    assert Worker.objects.filter(aadhaar_hash=aadhaar_hash(number)).get() == draft
    assert AadhaarVault.objects.filter(hash=aadhaar_hash(number)).count() == 1


def test_a_document_is_attached_with_its_size_and_hash(draft):
    upload = SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf")
    document = services.worker_document_add(
        actor=draft.registered_by, worker_id=draft.pk, kind=WorkerDocument.Kind.ID_PROOF,
        upload=upload, content_type="application/pdf")
    assert document.size == len(PDF)
    assert document.file.name.endswith(".pdf")
    assert document.file.read() == PDF


# --- Submission ------------------------------------------------------------------------


def fill_every_step(worker: Worker, district) -> Worker:
    actor = worker.registered_by
    steps = [
        ("personal", {**personal_data(), "aadhaar": valid_aadhaar(seed=600 + worker.pk)}),
        ("address", {"block": BlockFactory(district=district), "address_line": "Ward 4"}),
        ("work", {"category": Worker.Category.UNORGANISED,
                  "occupation": Occupation.objects.get(code="9313")}),
        ("bank", {"bank_account_holder": "Ramu Sahu", "ifsc": "SBIN0001234",
                  "account_number": "123456789012"}),
        ("family", {"nominee_name": "सीता साहू", "nominee_relation": "wife", "family": []}),
    ]
    for step, data in steps:
        services.worker_step_save(actor=actor, worker_id=worker.pk, step=step, data=data)
    return services.worker_photo_set(actor=actor, worker_id=worker.pk, jpeg=jpeg_bytes())


def test_a_draft_filled_step_by_step_can_be_submitted(draft, district_a,
                                                      django_capture_on_commit_callbacks):
    fill_every_step(draft, district_a)
    with django_capture_on_commit_callbacks(execute=True):
        worker = services.worker_submit(actor=draft.registered_by, worker_id=draft.pk)
    worker.refresh_from_db()
    assert worker.status == S.SUBMITTED
    assert worker.submitted_at is not None


def test_an_incomplete_draft_is_refused_listing_what_is_missing_and_nothing_is_saved(
        draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as caught:
            services.worker_submit(actor=draft.registered_by, worker_id=draft.pk)
    assert caught.value.code == "incomplete"
    assert caught.value.messages == [
        "Still missing: name, father's or husband's name, date of birth, gender, "
        "Aadhaar number, block / town, address, category, occupation, bank account, IFSC, "
        "nominee, photo."]
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.submitted_at is None
    assert not WorkerTransition.objects.filter(worker=draft).exists()
    assert CapturingSMSBackend.outbox == []


def test_a_draft_missing_only_its_photo_names_just_the_photo(district_a):
    worker = WorkerFactory(district=district_a, status=S.DRAFT, photo=False)
    with pytest.raises(ValidationError) as caught:
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    assert caught.value.messages == ["Still missing: photo."]


def test_a_boc_registration_without_a_work_certificate_is_refused(district_a):
    worker = WorkerFactory(district=district_a, status=S.DRAFT, category=Worker.Category.BOC,
                           certificate=False)
    with pytest.raises(ValidationError) as caught:
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    assert caught.value.messages == ["Still missing: 90 days of work certificate (BOC)."]
    worker.refresh_from_db()
    assert worker.status == S.DRAFT


def test_a_boc_registration_with_a_work_certificate_is_submitted(district_a):
    worker = WorkerFactory(district=district_a, status=S.DRAFT, category=Worker.Category.BOC)
    services.worker_document_add(
        actor=worker.registered_by, worker_id=worker.pk,
        kind=WorkerDocument.Kind.WORK_CERTIFICATE,
        upload=SimpleUploadedFile("cert.pdf", PDF), content_type="application/pdf")
    assert services.worker_submit(actor=worker.registered_by, worker_id=worker.pk).status == (
        S.SUBMITTED)


def test_submitting_sends_the_worker_an_sms_after_commit(district_a,
                                                         django_capture_on_commit_callbacks):
    worker = WorkerFactory(district=district_a, status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    assert CapturingSMSBackend.outbox == []
    for callback in callbacks:
        callback()
    assert sms_texts(worker.mobile) == [
        f"Shram Portal: your registration {worker.reference} has been received and will be "
        "verified by the labour office."]


def test_submitting_records_the_transition_from_draft(district_a):
    worker = WorkerFactory(district=district_a, status=S.DRAFT)
    services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    transition = WorkerTransition.objects.get(worker=worker)
    assert (transition.from_status, transition.to_status) == (S.DRAFT, S.SUBMITTED)
    assert transition.actor == worker.registered_by


def test_submitting_twice_is_a_no_op(district_a, django_capture_on_commit_callbacks):
    worker = WorkerFactory(district=district_a, status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    assert WorkerTransition.objects.filter(worker=worker).count() == 1
    assert len(CapturingSMSBackend.outbox) == 1


# --- Approval --------------------------------------------------------------------------


def test_the_first_approval_in_a_district_gets_number_one_of_the_year(officer, district_a):
    worker = submitted(district_a)
    with at(date(2026, 7, 1)):
        worker = services.worker_approve(actor=officer, worker_id=worker.pk)
    assert worker.registration_number == "CG-RPR-2026-0000001"


def test_the_next_approval_in_the_same_district_gets_the_next_number(officer, district_a):
    first, second = submitted(district_a), submitted(district_a)
    with at(date(2026, 7, 1)):
        services.worker_approve(actor=officer, worker_id=first.pk)
        second = services.worker_approve(actor=officer, worker_id=second.pk)
    assert second.registration_number == "CG-RPR-2026-0000002"


def test_another_district_starts_its_own_sequence_at_one(personas, district_a, district_b):
    with at(date(2026, 7, 1)):
        services.worker_approve(actor=personas["officer_a"], worker_id=submitted(district_a).pk)
        other = services.worker_approve(actor=personas["officer_b"],
                                        worker_id=submitted(district_b).pk)
    assert other.registration_number == "CG-BSP-2026-0000001"


def test_a_new_year_starts_the_sequence_at_one_again(officer, district_a):
    with at(date(2026, 12, 31)):
        services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    with at(date(2027, 1, 1)):
        worker = services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    assert worker.registration_number == "CG-RPR-2027-0000001"


def test_approval_makes_the_worker_active_registered_today_by_the_officer(officer, district_a):
    worker = submitted(district_a)
    with at(date(2026, 7, 1)):
        services.worker_approve(actor=officer, worker_id=worker.pk)
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE
    assert worker.registered_on == date(2026, 7, 1)
    assert worker.decided_by == officer
    assert worker.valid_until is None  # only BOC registrations expire


def test_approval_records_a_transition_and_an_audit_event(officer, district_a):
    worker = submitted(district_a)
    services.worker_approve(actor=officer, worker_id=worker.pk)
    transition = WorkerTransition.objects.get(worker=worker)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        S.SUBMITTED, S.ACTIVE, officer)
    event = AuditEvent.objects.get(action="transition", object_type="registration.worker",
                                   object_id=str(worker.pk))
    assert event.actor == officer
    assert event.district == district_a
    assert event.summary == "submitted -> active"


def test_approving_twice_is_a_no_op(officer, district_a):
    worker = submitted(district_a)
    first = services.worker_approve(actor=officer, worker_id=worker.pk)
    again = services.worker_approve(actor=officer, worker_id=worker.pk)
    assert again.registration_number == first.registration_number
    assert WorkerTransition.objects.filter(worker=worker).count() == 1
    assert LabourCard.objects.filter(worker=worker).count() == 1
    assert RegistrationSequence.objects.get(district=district_a).last_value == 1


@pytest.mark.parametrize("status", [S.DRAFT, S.REJECTED, S.SENT_BACK])
def test_approving_a_registration_not_submitted_is_refused_naming_it(officer, district_a,
                                                                     status):
    worker = WorkerFactory(district=district_a, status=status)
    with pytest.raises(ValidationError) as caught:
        services.worker_approve(actor=officer, worker_id=worker.pk)
    assert caught.value.code == "wrong_status"
    assert caught.value.messages == [
        f"Registration {worker.pk} cannot be approved from status {status}."]
    worker.refresh_from_db()
    assert worker.status == status
    assert worker.registration_number is None
    assert not RegistrationSequence.objects.exists()


def test_approval_issues_a_pending_version_one_labour_card(officer, district_a):
    worker = submitted(district_a)
    services.worker_approve(actor=officer, worker_id=worker.pk)
    card = LabourCard.objects.get(worker=worker)
    assert (card.version, card.status, card.requested_by) == (1, LabourCard.Status.PENDING,
                                                              officer)


def test_approval_enqueues_the_card_render_only_after_commit(officer, district_a, card_renders,
                                                             django_capture_on_commit_callbacks):
    worker = submitted(district_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.worker_approve(actor=officer, worker_id=worker.pk)
    assert card_renders == []
    for callback in callbacks:
        callback()
    assert card_renders == [LabourCard.objects.get(worker=worker).pk]


def test_approval_sends_the_worker_their_registration_number(officer, district_a,
                                                             django_capture_on_commit_callbacks):
    worker = submitted(district_a)
    with django_capture_on_commit_callbacks(execute=True):
        worker = services.worker_approve(actor=officer, worker_id=worker.pk)
    [text] = sms_texts(worker.mobile)
    assert worker.registration_number in text


def test_boc_approval_gives_validity_of_boc_validity_days_counting_today(officer, district_a):
    worker = submitted(district_a, category=Worker.Category.BOC)
    with at(date(2026, 7, 1)):
        worker = services.worker_approve(actor=officer, worker_id=worker.pk)
    assert worker.valid_until == (date(2026, 7, 1) + timedelta(days=settings.BOC_VALIDITY_DAYS)
                                  - timedelta(days=1))


# --- Send back and reject --------------------------------------------------------------


@pytest.mark.parametrize("decide", [services.worker_send_back, services.worker_reject],
                         ids=["send back", "reject"])
@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_sending_back_or_rejecting_needs_a_reason(officer, district_a, decide, reason):
    worker = submitted(district_a)
    with pytest.raises(ValidationError) as caught:
        decide(actor=officer, worker_id=worker.pk, reason=reason)
    assert caught.value.code == "reason_required"
    assert caught.value.messages == [
        "Write the reason, so that the worker knows what to do."]
    worker.refresh_from_db()
    assert worker.status == S.SUBMITTED
    assert not WorkerTransition.objects.filter(worker=worker).exists()


def test_sending_back_stores_the_reason_and_tells_the_worker(officer, district_a,
                                                             django_capture_on_commit_callbacks):
    worker = submitted(district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.worker_send_back(actor=officer, worker_id=worker.pk,
                                  reason="Photo is blurred")
    worker.refresh_from_db()
    assert (worker.status, worker.decision_reason, worker.decided_by) == (
        S.SENT_BACK, "Photo is blurred", officer)
    assert WorkerTransition.objects.get(worker=worker).reason == "Photo is blurred"
    assert sms_texts(worker.mobile) == [
        "Shram Portal: your registration needs a correction: Photo is blurred"]


def test_the_reason_is_stored_without_surrounding_spaces(officer, district_a):
    worker = submitted(district_a)
    services.worker_send_back(actor=officer, worker_id=worker.pk, reason="  Photo is blurred \n")
    worker.refresh_from_db()
    assert worker.decision_reason == "Photo is blurred"


def test_the_sms_quotes_the_reason_as_stored(officer, district_a,
                                             django_capture_on_commit_callbacks):
    worker = submitted(district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.worker_send_back(actor=officer, worker_id=worker.pk, reason=" Photo ")
    assert sms_texts(worker.mobile) == [
        "Shram Portal: your registration needs a correction: Photo"]


def test_rejecting_stores_the_reason(officer, district_a):
    worker = submitted(district_a)
    services.worker_reject(actor=officer, worker_id=worker.pk, reason="Not a worker")
    worker.refresh_from_db()
    assert (worker.status, worker.decision_reason) == (S.REJECTED, "Not a worker")
    transition = WorkerTransition.objects.get(worker=worker)
    assert (transition.to_status, transition.reason) == (S.REJECTED, "Not a worker")


def test_rejecting_an_active_registration_is_refused_naming_it(officer, district_a):
    worker = services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    with pytest.raises(ValidationError) as caught:
        services.worker_reject(actor=officer, worker_id=worker.pk, reason="Changed my mind")
    assert caught.value.messages == [
        f"Registration {worker.pk} is not awaiting verification (status active)."]


def test_sending_back_twice_tells_the_worker_once(officer, district_a,
                                                  django_capture_on_commit_callbacks):
    worker = submitted(district_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.worker_send_back(actor=officer, worker_id=worker.pk, reason="Photo")
        services.worker_send_back(actor=officer, worker_id=worker.pk, reason="Photo")
    assert WorkerTransition.objects.filter(worker=worker).count() == 1
    assert len(sms_texts(worker.mobile)) == 1


def test_a_sent_back_registration_can_be_corrected_and_submitted_again(officer, district_a):
    worker = submitted(district_a)
    services.worker_send_back(actor=officer, worker_id=worker.pk, reason="Spell the name")
    services.worker_step_save(actor=worker.registered_by, worker_id=worker.pk, step="personal",
                              data=personal_data(name="रामू प्रसाद साहू"))
    services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    worker.refresh_from_db()
    assert (worker.status, worker.name, worker.decision_reason) == (
        S.SUBMITTED, "रामू प्रसाद साहू", "")
    assert list(worker.transitions.values_list("to_status", flat=True)) == [
        S.SENT_BACK, S.SUBMITTED]


def test_a_rejected_registration_cannot_be_submitted_again(officer, district_a):
    worker = submitted(district_a)
    services.worker_reject(actor=officer, worker_id=worker.pk, reason="Duplicate person")
    with pytest.raises(ValidationError) as caught:
        services.worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    assert caught.value.messages == [
        f"Registration {worker.pk} cannot be submitted from status rejected."]


# --- Expiry and renewal ----------------------------------------------------------------

APPROVED_ON = date(2025, 7, 1)


@pytest.fixture
def boc_worker(officer, district_a):
    """A BOC worker approved on 1 July 2025, valid to 30 June 2026 (365 days)."""
    worker = submitted(district_a, category=Worker.Category.BOC)
    with at(APPROVED_ON):
        return services.worker_approve(actor=officer, worker_id=worker.pk)


def expire_on(day: date, capture) -> dict:
    with at(day), capture(execute=True):
        return services.workers_expire()


def test_a_boc_registration_is_still_active_on_its_last_valid_day(
        boc_worker, django_capture_on_commit_callbacks):
    assert boc_worker.valid_until == date(2026, 6, 30)
    expire_on(date(2026, 6, 30), django_capture_on_commit_callbacks)
    boc_worker.refresh_from_db()
    assert boc_worker.status == S.ACTIVE


def test_a_boc_registration_past_its_validity_is_marked_expired(
        boc_worker, django_capture_on_commit_callbacks):
    result = expire_on(date(2026, 7, 1), django_capture_on_commit_callbacks)
    assert result["expired"] == 1
    boc_worker.refresh_from_db()
    assert boc_worker.status == S.EXPIRED
    transition = boc_worker.transitions.last()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        S.ACTIVE, S.EXPIRED, None)
    assert sms_texts(boc_worker.mobile)[-1] == (
        f"Shram Portal: your registration {boc_worker.registration_number} has expired. "
        "Renew it at the labour office or a CSC centre.")


def test_a_registration_without_validity_never_expires(officer, district_a,
                                                       django_capture_on_commit_callbacks):
    with at(APPROVED_ON):
        worker = services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    assert expire_on(date(2040, 1, 1), django_capture_on_commit_callbacks) == {
        "expired": 0, "reminded": 0}
    worker.refresh_from_db()
    assert worker.status == S.ACTIVE


def test_the_expiry_reminder_goes_30_days_before_the_end_of_validity(
        boc_worker, django_capture_on_commit_callbacks):
    assert expire_on(date(2026, 5, 30), django_capture_on_commit_callbacks)["reminded"] == 0
    CapturingSMSBackend.outbox.clear()
    assert expire_on(date(2026, 5, 31), django_capture_on_commit_callbacks)["reminded"] == 1
    assert sms_texts(boc_worker.mobile) == [
        f"Shram Portal: your registration {boc_worker.registration_number} expires on "
        "30/06/2026. Please renew it in time."]


def test_the_expiry_reminder_is_sent_only_once(boc_worker, django_capture_on_commit_callbacks):
    expire_on(date(2026, 6, 1), django_capture_on_commit_callbacks)
    sent = len(CapturingSMSBackend.outbox)
    assert expire_on(date(2026, 6, 1), django_capture_on_commit_callbacks)["reminded"] == 0
    assert expire_on(date(2026, 6, 15), django_capture_on_commit_callbacks)["reminded"] == 0
    assert len(CapturingSMSBackend.outbox) == sent
    boc_worker.refresh_from_db()
    assert boc_worker.expiry_reminded_on == date(2026, 6, 1)


def test_renewing_an_active_boc_registration_extends_validity_from_its_end(officer, boc_worker):
    with at(date(2026, 6, 10)):
        worker = services.worker_renew(actor=officer, worker_id=boc_worker.pk)
    assert worker.valid_until == date(2027, 6, 30)
    assert worker.status == S.ACTIVE


def test_renewing_resets_the_expiry_reminder(officer, boc_worker,
                                             django_capture_on_commit_callbacks):
    expire_on(date(2026, 6, 1), django_capture_on_commit_callbacks)
    with at(date(2026, 6, 10)):
        worker = services.worker_renew(actor=officer, worker_id=boc_worker.pk)
    assert worker.expiry_reminded_on is None


def test_renewing_an_expired_boc_registration_makes_it_active_from_today(
        officer, boc_worker, django_capture_on_commit_callbacks):
    expire_on(date(2026, 8, 1), django_capture_on_commit_callbacks)
    with at(date(2026, 8, 5)):
        worker = services.worker_renew(actor=officer, worker_id=boc_worker.pk)
    assert worker.status == S.ACTIVE
    assert worker.valid_until == date(2027, 8, 4)
    assert worker.transitions.last().to_status == S.ACTIVE


def test_renewing_issues_a_new_card_and_supersedes_the_old_one(officer, boc_worker):
    with at(date(2026, 6, 10)):
        services.worker_renew(actor=officer, worker_id=boc_worker.pk)
    assert list(boc_worker.cards.order_by("version").values_list("version", "status")) == [
        (1, LabourCard.Status.SUPERSEDED), (2, LabourCard.Status.PENDING)]


def test_a_registration_that_is_not_boc_cannot_be_renewed(officer, district_a):
    worker = services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    with pytest.raises(ValidationError) as caught:
        services.worker_renew(actor=officer, worker_id=worker.pk)
    assert caught.value.messages == ["Only an active or expired BOC registration can be renewed."]


def test_a_corrected_aadhaar_removes_the_mistyped_number_from_the_vault(draft):
    from registration.models import AadhaarVault

    first, second = valid_aadhaar(), valid_aadhaar()
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="personal",
                              data=personal_data(aadhaar=first))
    first_hash = Worker.objects.get(pk=draft.pk).aadhaar_hash
    services.worker_step_save(actor=draft.registered_by, worker_id=draft.pk, step="personal",
                              data=personal_data(aadhaar=second))
    assert not AadhaarVault.objects.filter(hash=first_hash).exists()
    assert AadhaarVault.objects.filter(
        hash=Worker.objects.get(pk=draft.pk).aadhaar_hash).exists()


def test_an_incomplete_registration_cannot_be_approved(officer, district_a):
    worker = submitted(district_a, photo=False)
    with pytest.raises(ValidationError) as caught:
        services.worker_approve(actor=officer, worker_id=worker.pk)
    assert "photo" in caught.value.messages[0]
    worker.refresh_from_db()
    assert worker.status == S.SUBMITTED and worker.registration_number is None


def test_a_number_taken_by_a_migrated_record_is_skipped(officer, district_a):
    today = timezone.localdate()
    taken = f"{district_a.state.code}-{district_a.code}-{today.year}-0000001"
    WorkerFactory(district=district_a, status=S.ACTIVE, registration_number=taken,
                  is_migrated=True)
    worker = services.worker_approve(actor=officer, worker_id=submitted(district_a).pk)
    assert worker.registration_number.endswith("-0000002")


def test_an_active_registration_is_renewed_only_near_its_end(officer, district_a):
    worker = WorkerFactory(district=district_a, status=S.ACTIVE, category=Worker.Category.BOC,
                           registration_number="CG-X-2026-0000001",
                           valid_until=timezone.localdate() + timedelta(days=200))
    with pytest.raises(ValidationError) as caught:
        services.worker_renew(actor=officer, worker_id=worker.pk)
    assert caught.value.code == "too_early"
    worker.refresh_from_db()
    assert worker.valid_until == timezone.localdate() + timedelta(days=200)
