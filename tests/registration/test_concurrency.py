"""Races the database must judge: registration numbers and one worker per Aadhaar.

Each thread opens its own database connection (Django's are per thread) and
closes it at the end, so these tests run outside the test transaction.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from registration import services
from registration.identity import aadhaar_hash
from registration.models import AadhaarVault, RegistrationSequence, Worker
from registration.services import DuplicateAadhaar
from tests.registration.factories import WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TIMEOUT = 30


@pytest.fixture(autouse=True)
def no_card_render(monkeypatch):
    """Card PDFs are not the subject here; approvals only enqueue them."""
    from registration.tasks import labour_card_render_task

    monkeypatch.setattr(labour_card_render_task, "delay_on_commit", lambda card_id: None)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}


def run_in_threads(jobs) -> list:
    """Run each job in its own thread, started together; return results or exceptions."""
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT)
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread raised
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


def number(district_code: str, n: int) -> str:
    return f"CG-{district_code}-{timezone.localdate().year}-{n:07d}"


def test_two_officers_approving_at_once_get_consecutive_numbers(personas, district_a):
    officer = personas["officer_a"]
    first, second = (WorkerFactory(district=district_a) for _ in range(2))

    results = run_in_threads([
        lambda: services.worker_approve(actor=officer, worker_id=first.pk).registration_number,
        lambda: services.worker_approve(actor=officer, worker_id=second.pk).registration_number,
    ])

    assert sorted(results) == [number("RPR", 1), number("RPR", 2)]


def test_ten_approvals_over_four_threads_number_one_to_ten_without_gaps(personas, district_a):
    officer = personas["officer_a"]
    workers = [WorkerFactory(district=district_a) for _ in range(10)]
    shares = [workers[i::4] for i in range(4)]

    def approve_share(share):
        return [services.worker_approve(actor=officer, worker_id=w.pk).registration_number
                for w in share]

    results = run_in_threads([lambda share=share: approve_share(share) for share in shares])

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [n for share in results for n in share]
    assert sorted(numbers) == [number("RPR", n) for n in range(1, 11)]
    stored = Worker.objects.filter(district=district_a).values_list("registration_number",
                                                                    flat=True)
    assert sorted(stored) == sorted(numbers)
    assert RegistrationSequence.objects.get(district=district_a).last_value == 10


def same_aadhaar_on_two_drafts(personas, district_a, number_):
    actor = personas["csc_a"]
    drafts = [services.worker_draft_create(actor=actor, channel=Worker.Channel.CSC,
                                           mobile=f"98765432{i}0", district=district_a)
              for i in range(2)]

    def save(draft):
        return lambda: services.worker_step_save(
            actor=actor, worker_id=draft.pk, step="personal",
            data={"name": "रामू साहू", "aadhaar": number_})

    return [save(draft) for draft in drafts]


def test_the_same_aadhaar_saved_on_two_drafts_at_once_is_kept_on_one(personas, district_a):
    aadhaar = valid_aadhaar(seed=701)

    results = run_in_threads(same_aadhaar_on_two_drafts(personas, district_a, aadhaar))

    saved = [r for r in results if isinstance(r, Worker)]
    refused = [r for r in results if isinstance(r, DuplicateAadhaar)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert Worker.objects.filter(aadhaar_hash=aadhaar_hash(aadhaar)).get().pk == saved[0].pk
    assert AadhaarVault.objects.filter(hash=aadhaar_hash(aadhaar)).count() == 1


def test_an_aadhaar_race_past_the_duplicate_check_is_caught_by_the_database(
        personas, district_a, monkeypatch):
    """Both saves pass the look-up before either writes; the unique index decides."""
    aadhaar = valid_aadhaar(seed=702)
    both_checked = threading.Barrier(2, timeout=TIMEOUT)
    store = services.aadhaar_vault_store

    def store_after_both_checked(*, number):
        both_checked.wait()
        return store(number=number)

    monkeypatch.setattr(services, "aadhaar_vault_store", store_after_both_checked)

    results = run_in_threads(same_aadhaar_on_two_drafts(personas, district_a, aadhaar))

    saved = [r for r in results if isinstance(r, Worker)]
    refused = [r for r in results if isinstance(r, DuplicateAadhaar)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert refused[0].code == "duplicate_aadhaar"
    assert refused[0].existing.pk == saved[0].pk
    assert Worker.objects.filter(aadhaar_hash=aadhaar_hash(aadhaar)).count() == 1
    assert AadhaarVault.objects.filter(hash=aadhaar_hash(aadhaar)).count() == 1
