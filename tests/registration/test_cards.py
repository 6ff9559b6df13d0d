"""Labour cards: the PDF, its QR link and public check, download, re-issue, retry, bulk print."""

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core import signing
from django.urls import reverse

from core.models import AuditEvent, Job
from registration import cards, services
from registration.models import LabourCard, Worker
from tests.registration.factories import CampFactory, WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
AADHAAR = valid_aadhaar(seed=55501)


@pytest.fixture
def approve(personas, district_a, django_capture_on_commit_callbacks):
    """Return a function that makes an approved worker of district A (card rendered or not)."""

    def _approve(*, render=True, **kwargs):
        kwargs.setdefault("district", district_a)
        kwargs.setdefault("registered_by", personas["csc_a"])
        kwargs.setdefault("owner", personas["worker_a"])
        worker = WorkerFactory(**kwargs)
        # Celery runs eagerly in tests: executing the after-commit work renders the card.
        with django_capture_on_commit_callbacks(execute=render):
            services.worker_approve(actor=personas["officer_a"], worker_id=worker.pk)
        worker.refresh_from_db()
        return worker

    return _approve


@pytest.fixture
def worker(approve):
    return approve(name="Ramu Sahu", name_latin="Ramu Sahu", aadhaar=AADHAAR)


def current_card(worker) -> LabourCard:
    return worker.cards.exclude(status=LabourCard.Status.SUPERSEDED).get()


def card_bytes(worker) -> bytes:
    card = current_card(worker)
    assert card.status == LabourCard.Status.READY
    with card.file.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def verify_url(card) -> str:
    return reverse("registration_public:card_verify", args=[cards.card_token(card)])


def tampered(token: str) -> str:
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


# --- The PDF ----------------------------------------------------------------------------


def test_card_pdf_shows_name_number_birth_date_and_masked_aadhaar(worker):
    text = pdf_text(card_bytes(worker))

    assert "Ramu Sahu" in text
    assert worker.registration_number in text
    assert "17/05/1990" in text
    assert "XXXX-XXXX-" + AADHAAR[-4:] in text


def test_card_pdf_never_contains_the_clear_aadhaar_number(worker):
    data = card_bytes(worker)

    assert AADHAAR not in pdf_text(data)
    assert AADHAAR.encode() not in data


def test_card_pdf_has_a_front_and_a_back_of_credit_card_size(worker):
    pages = pypdf.PdfReader(io.BytesIO(card_bytes(worker))).pages

    assert len(pages) == 2
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(85.6 * MM, abs=1)
        assert float(page.mediabox.height) == pytest.approx(54 * MM, abs=1)


def test_card_pdf_embeds_a_devanagari_font(worker):
    assert any("NotoSansDevanagari" in name.replace("-", "")
               for name in font_names(card_bytes(worker)))


def test_card_qr_code_decodes_to_the_signed_verification_link(worker, settings):
    card = current_card(worker)
    page = pypdfium2.PdfDocument(card_bytes(worker))[0]
    image = page.render(scale=600 / 72).to_pil()

    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == [f"{settings.PORTAL_BASE_URL}{verify_url(card)}"]
    assert decoded == [cards.card_verify_url(card)]


def test_rendering_a_ready_card_again_changes_nothing(worker):
    card = current_card(worker)
    name, generated_at = card.file.name, card.generated_at

    cards.labour_card_render(card_id=card.pk)

    card.refresh_from_db()
    assert (card.file.name, card.generated_at, card.attempts) == (name, generated_at, 0)


def test_a_superseded_card_is_never_rendered(approve, personas):
    worker = approve(render=False)
    old = current_card(worker)
    services.labour_card_issue(actor=personas["officer_a"], worker_id=worker.pk)

    cards.labour_card_render(card_id=old.pk)

    old.refresh_from_db()
    assert old.status == LabourCard.Status.SUPERSEDED
    assert not old.file


# --- Failures and retry -----------------------------------------------------------------


def _fail_rendering(monkeypatch):
    import weasyprint

    def boom(*args, **kwargs):
        raise RuntimeError("renderer crashed for Ramu Sahu")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", boom)


def test_a_failing_render_marks_the_card_failed_with_one_attempt(approve, monkeypatch):
    worker = approve(render=False)
    card = current_card(worker)
    _fail_rendering(monkeypatch)

    with pytest.raises(cards.CardRenderError):
        cards.labour_card_render(card_id=card.pk)

    card.refresh_from_db()
    assert card.status == LabourCard.Status.FAILED
    assert card.attempts == 1
    assert "RuntimeError" in card.error
    assert "Ramu" not in card.error  # the exception's text may quote personal data
    assert not card.file


def test_the_retry_button_renders_a_failed_card_again(approve, monkeypatch, login, personas,
                                                      client,
                                                      django_capture_on_commit_callbacks):
    worker = approve(render=False)
    card = current_card(worker)
    _fail_rendering(monkeypatch)
    with pytest.raises(cards.CardRenderError):
        cards.labour_card_render(card_id=card.pk)
    monkeypatch.undo()
    login(personas["officer_a"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:card_retry", args=[card.pk]))

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == LabourCard.Status.READY
    assert card.file
    assert card.attempts == 1


def test_retrying_a_card_that_has_not_failed_is_refused(worker, login, personas, client):
    card = current_card(worker)
    login(personas["officer_a"])

    response = client.post(reverse("registration:card_retry", args=[card.pk]), follow=True)

    assert "has not failed" in response.content.decode()
    card.refresh_from_db()
    assert card.status == LabourCard.Status.READY


def test_officer_from_another_district_cannot_retry_a_card(approve, login, personas, client):
    card = current_card(approve(render=False))
    LabourCard.objects.filter(pk=card.pk).update(status=LabourCard.Status.FAILED)
    login(personas["officer_b"])

    response = client.post(reverse("registration:card_retry", args=[card.pk]))

    assert response.status_code == 404
    card.refresh_from_db()
    assert card.status == LabourCard.Status.FAILED


def test_card_list_shows_failed_cards_first(approve, login, personas, client,
                                            django_assert_max_num_queries):
    ready = approve(render=False)
    failed = approve(render=False)
    LabourCard.objects.filter(worker=ready).update(status=LabourCard.Status.READY)
    LabourCard.objects.filter(worker=failed).update(status=LabourCard.Status.FAILED)
    login(personas["officer_a"])

    with django_assert_max_num_queries(25):
        response = client.get(reverse("registration:card_list"))

    listed = [card.worker_id for card in response.context["object_list"]]
    assert listed == [failed.pk, ready.pk]
    assert 'action="{}"'.format(reverse("registration:card_retry", args=[
        current_card(failed).pk])) in response.content.decode()


def test_card_list_hides_other_districts_cards(approve, login, personas, client):
    approve(render=False)
    login(personas["officer_b"])

    response = client.get(reverse("registration:card_list"))

    assert list(response.context["object_list"]) == []



def test_card_list_exports_csv_and_audits_the_export(worker, login, personas, client):
    login(personas["officer_a"])

    response = client.get(reverse("registration:card_list") + "?export=csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert worker.registration_number in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_type="registration.labourcard").exists()

# --- Public verification ----------------------------------------------------------------


def test_verify_page_with_a_good_token_shows_the_registration_number(worker, client):
    response = client.get(verify_url(current_card(worker)))

    body = response.content.decode()
    assert response.status_code == 200
    assert worker.registration_number in body
    assert "Ramu Sahu" in body
    assert "registration is active" in body
    assert worker.aadhaar_masked not in body  # the public page shows no identifiers


def test_verify_page_with_a_tampered_token_says_it_is_not_genuine(worker, client):
    token = cards.card_token(current_card(worker))

    response = client.get(reverse("registration_public:card_verify", args=[tampered(token)]))

    assert response.status_code == 404
    assert "This is not a genuine labour card link" in response.content.decode()
    assert worker.registration_number not in response.content.decode()


def test_a_token_signed_for_something_else_is_not_genuine(worker, client):
    card = current_card(worker)
    token = signing.Signer().sign(f"{worker.uuid.hex}.{card.version}")

    response = client.get(reverse("registration_public:card_verify", args=[token]))

    assert response.status_code == 404
    assert "This is not a genuine labour card link" in response.content.decode()


def test_superseded_card_says_a_newer_card_exists(worker, client, personas,
                                                  django_capture_on_commit_callbacks):
    old = current_card(worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.labour_card_issue(actor=personas["officer_a"], worker_id=worker.pk)

    response = client.get(verify_url(old))

    body = response.content.decode()
    assert response.status_code == 200
    assert "no longer valid" in body
    assert "A newer card exists" in body
    assert "registration is active" not in body


def test_verify_page_shows_the_photo_through_the_same_token(worker, client):
    token = cards.card_token(current_card(worker))

    response = client.get(reverse("registration_public:card_verify_photo", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_with_a_tampered_token_is_404(worker, client):
    token = cards.card_token(current_card(worker))

    response = client.get(reverse("registration_public:card_verify_photo",
                                  args=[tampered(token)]))

    assert response.status_code == 404


def test_verify_page_says_expired_for_an_expired_registration(worker, client):
    Worker.objects.filter(pk=worker.pk).update(status=Worker.Status.EXPIRED)

    response = client.get(verify_url(current_card(worker)))

    assert "it has expired" in response.content.decode()


# --- Download ---------------------------------------------------------------------------


def download_url(worker) -> str:
    return reverse("registration:card_download", args=[worker.uuid])


def test_owner_downloads_the_card_pdf(worker, login, personas, client):
    login(personas["worker_a"])

    response = client.get(download_url(worker))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["csc_a", "officer_a", "district_admin_a", "state_admin"])
def test_operator_who_registered_and_officers_of_the_district_download_the_card(
        worker, login, personas, client, persona):
    login(personas[persona])

    response = client.get(download_url(worker))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ,
                                     object_type="registration.labourcard").exists()


@pytest.mark.parametrize("persona", ["worker_b", "officer_b", "csc_b", "district_admin_b"])
def test_others_get_404_for_the_card(worker, login, personas, client, persona):
    login(personas[persona])

    response = client.get(download_url(worker))

    assert response.status_code == 404


def test_a_card_not_yet_made_shows_that_it_is_being_made(approve, login, personas, client):
    worker = approve(render=False)
    login(personas["worker_a"])

    response = client.get(download_url(worker))

    assert response.status_code == 200
    assert "being made" in response.content.decode()
    assert "data-refresh-seconds" in response.content.decode()


# --- Re-issue ---------------------------------------------------------------------------


def reissue_url(worker) -> str:
    return reverse("registration:card_reissue", args=[worker.uuid])


def test_reissue_asks_for_confirmation_first(worker, login, personas, client):
    login(personas["officer_a"])

    response = client.get(reissue_url(worker))

    assert response.status_code == 200
    assert worker.cards.count() == 1


def test_reissue_makes_version_2_and_supersedes_version_1(worker, login, personas, client,
                                                          django_capture_on_commit_callbacks):
    login(personas["officer_a"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reissue_url(worker))

    assert response.status_code == 302
    assert response["Location"] == reverse("registration:worker_detail", args=[worker.uuid])
    statuses = dict(worker.cards.values_list("version", "status"))
    assert statuses == {1: LabourCard.Status.SUPERSEDED, 2: LabourCard.Status.READY}


@pytest.mark.parametrize("persona", ["csc_a", "worker_a", "officer_b"])
def test_reissue_is_refused_to_others(worker, login, personas, client, persona):
    login(personas[persona])

    response = client.post(reissue_url(worker))

    assert response.status_code == 404
    assert worker.cards.count() == 1


# --- Bulk printing ----------------------------------------------------------------------


def test_printing_a_camp_makes_one_pdf_with_five_cards_a_page(
        approve, login, personas, client, district_a, django_capture_on_commit_callbacks):
    camp = CampFactory(district=district_a)
    for _n in range(6):
        approve(render=False, channel=Worker.Channel.CAMP, camp=camp)
    login(personas["officer_a"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:card_print"), {"camp": camp.pk})

    job = Job.objects.get(kind="card_print")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 6, 6)
    with job.result_file.open("rb") as handle:
        pages = pypdf.PdfReader(io.BytesIO(handle.read())).pages
    assert len(pages) == 2
    assert float(pages[0].mediabox.width) == pytest.approx(210 * MM, abs=1)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_id=str(job.pk), detail__cards=6).exists()


def test_a_large_print_is_rendered_in_parts_and_joined_into_one_pdf_in_order(
        approve, login, personas, client, district_a, django_capture_on_commit_callbacks,
        monkeypatch):
    from django.core.files.storage import default_storage

    from registration import job_handlers

    monkeypatch.setattr(job_handlers, "PART_SIZE", 5)
    camp = CampFactory(district=district_a)
    workers = [approve(render=False, channel=Worker.Channel.CAMP, camp=camp)
               for _n in range(12)]
    login(personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:card_print"), {"camp": camp.pk})
    job = Job.objects.get(kind="card_print")
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 12, 12)
    assert job.result == {"cards": 12}
    with job.result_file.open("rb") as handle:
        data = handle.read()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 3  # 5 + 5 + 2 cards
    text = pdf_text(data)
    numbers = sorted(w.registration_number for w in workers)
    assert [text.index(n) for n in numbers] == sorted(text.index(n) for n in numbers)
    assert not default_storage.exists(job_handlers._part_path(job.pk, 0))


def test_a_part_run_twice_joins_the_print_only_once(
        approve, login, personas, client, district_a, django_capture_on_commit_callbacks,
        monkeypatch):
    from registration import job_handlers

    monkeypatch.setattr(job_handlers, "PART_SIZE", 2)
    camp = CampFactory(district=district_a)
    for _n in range(3):
        approve(render=False, channel=Worker.Channel.CAMP, camp=camp)
    login(personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:card_print"), {"camp": camp.pk})
    job = Job.objects.get(kind="card_print")
    first_file = job.result_file.name
    job_handlers.card_print_part(job_id=job.pk, index=1)  # a redelivered task
    job.refresh_from_db()
    assert job.result_file.name == first_file
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_id=str(job.pk)).count() == 1


def test_printing_ticked_workers_skips_those_outside_the_officers_district(
        approve, login, personas, client, district_b, django_capture_on_commit_callbacks):
    mine = [approve(render=False) for _n in range(2)]
    other = approve(render=False, district=district_b, registered_by=personas["csc_b"],
                    owner=personas["worker_b"])
    login(personas["officer_a"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:card_print"),
                    {"worker": [str(w.uuid) for w in [*mine, other]]})

    # The other district's worker is not a valid choice: nothing is queued.
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:card_print"),
                    {"worker": [str(w.uuid) for w in mine]})
    job = Job.objects.get(kind="card_print")
    with job.result_file.open("rb") as handle:
        data = handle.read()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    text = pdf_text(data)
    assert all(w.registration_number in text for w in mine)
    assert other.registration_number not in text


def test_print_form_needs_a_camp_or_workers(login, personas, client):
    login(personas["officer_a"])

    response = client.post(reverse("registration:card_print"), {})

    assert response.status_code == 200
    assert "Choose a camp, or tick the workers" in response.content.decode()
    assert not Job.objects.exists()


def test_print_job_rechecks_scope_when_it_runs(approve, personas):
    workers = [approve(render=False) for _n in range(2)]
    # Queued by an officer of district A, but run for a user who sees neither worker.
    job = Job.objects.create(kind="card_print", created_by=personas["officer_b"], total=2,
                             params={"worker_ids": [str(w.uuid) for w in workers]})
    from core.jobs import handler_for

    result = handler_for("card_print")(job)

    assert result == {"cards": 0}
    assert not Job.objects.get(pk=job.pk).result_file
