"""Direct benefit transfer: maker and checker, batches, the payment file, the bank's answer.

The ledger's promise is that every sanctioned application is paid exactly once: these
tests answer batches with good, bad, repeated and late response files, and interrupt
the jobs halfway, and count the paid lines and rupees afterwards.
"""

import hashlib
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from core.models import AuditEvent, District, Job
from core.sms import CapturingSMSBackend
from core.tasks import job_run_task
from registration.models import Worker
from tests.core.factories import DistrictFactory, UserFactory
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import bankfiles, selectors, services
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine
from welfare.services import ledger

pytestmark = pytest.mark.django_db
A, B, L = Application.Status, PaymentBatch.Status, PaymentLine.Status
HEADER = "REFERENCE,STATUS,UTR,REASON_CODE,AMOUNT"
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(autouse=True)
def _sms_in_english(settings):
    settings.SMS_LANGUAGE = "en"


@pytest.fixture
def scheme(db):
    return SchemeFactory(code="tool", name_en="Tool kit", amount=Decimal("5000"))


def on_commit():
    """Run the after-commit work (jobs, SMS) at the end of the block, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def home_district() -> District:
    return District.objects.get(code="RPR")  # made by the personas fixture


def sanctioned(personas, scheme, amounts=(5000,), district=None) -> list[Application]:
    """One sanctioned application per amount, each of its own worker (district A by default)."""
    apps = []
    for amount in amounts:
        worker = active_worker(district=district or home_district())
        apps.append(application_at("sanctioned", worker=worker, scheme=scheme,
                                   officer=personas["state_admin"], amount=Decimal(amount)))
    return apps


def batch_made(personas, **filters) -> PaymentBatch:
    return services.payment_batch_create(actor=personas["maker"], **filters)


def batch_ready(personas, **filters) -> PaymentBatch:
    """Make a batch, approve it and let its job write the payment file."""
    batch = batch_made(personas, **filters)
    with on_commit():
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == B.FILE_READY
    return batch


def lines_of(batch) -> dict[int, PaymentLine]:
    return {line.application_id: line for line in batch.lines.order_by("pk")}


def row(line, status="SUCCESS", *, utr=None, reason=None, amount=None) -> str:
    if utr is None:
        utr = f"UTR{line.reference[-6:]}" if status == "SUCCESS" else ""
    if reason is None:
        reason = "AC04" if status == "FAILED" else ""
    return f"{line.reference},{status},{utr},{reason},{line.amount if amount is None else amount}"


def response(*rows) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def answer(personas, batch, content: bytes, name="response.csv") -> BankResponseFile:
    """Upload the bank's response and run its ingest job; return it with its result."""
    with on_commit():
        uploaded = services.bank_response_upload(actor=personas["checker"], batch_id=batch.pk,
                                                 content=content, name=name)
    uploaded.refresh_from_db()
    batch.refresh_from_db()
    return uploaded


def statuses(apps) -> list[str]:
    return [Application.objects.get(pk=app.pk).status for app in apps]


def paid_lines(app) -> int:
    return PaymentLine.objects.filter(application=app, status=L.PAID).count()


# --- Maker and checker ---------------------------------------------------------------


def test_maker_cannot_approve_a_batch(personas, scheme):
    sanctioned(personas, scheme)
    batch = batch_made(personas)
    with pytest.raises(ValidationError) as error:
        services.payment_batch_approve(actor=personas["maker"], batch_id=batch.pk)
    assert error.value.messages == ["Only an accounts approver (checker) may approve a batch."]
    batch.refresh_from_db()
    assert batch.status == B.AWAITING_APPROVAL and batch.approved_by is None


def test_checker_who_made_the_batch_cannot_approve_it(personas, scheme):
    both = UserFactory(roles=["accounts_maker", "accounts_checker"])
    sanctioned(personas, scheme)
    batch = services.payment_batch_create(actor=both)
    with pytest.raises(ValidationError) as error:
        services.payment_batch_approve(actor=both, batch_id=batch.pk)
    assert error.value.messages == ["You made this batch; another approver must approve it."]
    batch.refresh_from_db()
    assert batch.status == B.AWAITING_APPROVAL and batch.file_job is None


@pytest.mark.parametrize("persona", ["checker", "state_admin", "officer_a"])
def test_only_a_maker_makes_a_batch(personas, scheme, persona):
    applications = sanctioned(personas, scheme)
    with pytest.raises(ValidationError, match="maker"):
        services.payment_batch_create(actor=personas[persona])
    assert not PaymentBatch.objects.exists()
    assert statuses(applications) == ["sanctioned"]


@pytest.mark.parametrize("persona", ["state_admin", "officer_a", "district_admin_a"])
def test_user_without_the_checker_role_cannot_approve(personas, scheme, persona):
    sanctioned(personas, scheme)
    batch = batch_made(personas)
    with pytest.raises(ValidationError, match="Only an accounts approver"):
        services.payment_batch_approve(actor=personas[persona], batch_id=batch.pk)


def test_maker_approving_an_approved_batch_is_refused_not_treated_as_a_repeat(personas,
                                                                              scheme):
    sanctioned(personas, scheme)
    batch = batch_ready(personas)
    with pytest.raises(ValidationError, match="Only an accounts approver"):
        services.payment_batch_approve(actor=personas["maker"], batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.approved_by == personas["checker"]


def test_checkers_approval_starts_the_payment_file_job_once(personas, scheme):
    sanctioned(personas, scheme)
    batch = batch_ready(personas)
    assert batch.approved_by == personas["checker"]
    assert batch.file_job.status == Job.Status.DONE
    with on_commit():
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    assert Job.objects.filter(kind="payment_file").count() == 1


# --- Making a batch ------------------------------------------------------------------


def test_batch_takes_only_sanctioned_applications_with_bank_details(personas, scheme):
    officer = personas["officer_a"]
    payable = sanctioned(personas, scheme, amounts=(5000, 4000))
    no_account, no_ifsc = sanctioned(personas, scheme, amounts=(3000, 2000))
    Worker.objects.filter(pk=no_account.worker_id).update(bank_account_last4="",
                                                           bank_account_encrypted="")
    Worker.objects.filter(pk=no_ifsc.worker_id).update(ifsc="")
    verified = application_at("verified", worker=active_worker(district=home_district()),
                              scheme=scheme, officer=officer)
    assert selectors.payable_summary() == {"count": 2, "amount": Decimal("9000")}

    batch = batch_made(personas)
    assert (batch.line_count, batch.total_amount) == (2, Decimal("9000"))
    assert set(lines_of(batch)) == {app.pk for app in payable}
    assert statuses(payable) == [A.IN_BATCH, A.IN_BATCH]
    assert statuses([no_account, no_ifsc, verified]) == [A.SANCTIONED, A.SANCTIONED, A.VERIFIED]
    line = lines_of(batch)[payable[0].pk]
    assert (line.status, line.amount, line.ifsc) == (L.PENDING, Decimal("5000"), "SBIN0001234")
    assert line.reference == f"CG{batch.pk:07d}0000001"


def test_batch_filters_by_scheme_and_district(personas, scheme):
    other_scheme = SchemeFactory(amount=Decimal("1000"))
    district_c = DistrictFactory()
    [wanted] = sanctioned(personas, scheme)
    sanctioned(personas, other_scheme, amounts=(1000,))
    application_at("sanctioned", worker=active_worker(district=district_c), scheme=scheme,
                   officer=personas["state_admin"])
    batch = batch_made(personas, scheme_id=scheme.pk, district_id=home_district().pk)
    assert list(lines_of(batch)) == [wanted.pk]
    assert Application.objects.filter(status=A.SANCTIONED).count() == 2


def test_batch_filters_by_the_local_day_of_sanction(personas, scheme):
    early, late_evening, past_midnight = sanctioned(personas, scheme, amounts=(1, 2, 3))
    for app, moment in ((early, datetime(2026, 1, 14, 23, 0)),
                        (late_evening, datetime(2026, 1, 20, 23, 30)),
                        (past_midnight, datetime(2026, 1, 21, 0, 30))):
        Application.objects.filter(pk=app.pk).update(sanctioned_at=moment.replace(tzinfo=IST))
    filters = {"sanctioned_from": date(2026, 1, 15), "sanctioned_to": date(2026, 1, 20)}
    assert selectors.payable_summary(**filters)["count"] == 1
    batch = batch_made(personas, **filters)
    assert list(lines_of(batch)) == [late_evening.pk]


def test_second_batch_finds_nothing_to_pay_and_is_not_saved(personas, scheme):
    sanctioned(personas, scheme, amounts=(5000, 4000))
    first = batch_made(personas)
    with pytest.raises(ValidationError) as error:
        batch_made(personas)
    assert error.value.messages == [
        "No sanctioned application with bank details matches; nothing to pay."]
    assert list(PaymentBatch.objects.all()) == [first]
    assert PaymentLine.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_makers_at_once_never_take_the_same_application(personas, scheme):
    apps = sanctioned(personas, scheme, amounts=range(1000, 1008))
    start = threading.Barrier(2)
    outcomes = []

    def make():
        start.wait()
        try:
            outcomes.append(services.payment_batch_create(actor=personas["maker"]))
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 2
    assert PaymentLine.objects.count() == len(apps)
    for app in apps:
        assert PaymentLine.objects.filter(application=app).count() == 1
    assert statuses(apps) == [A.IN_BATCH] * len(apps)
    made = [o for o in outcomes if isinstance(o, PaymentBatch)]
    assert sum(b.line_count for b in made) == len(apps)
    assert sum(b.total_amount for b in made) == sum(Decimal(n) for n in range(1000, 1008))


def test_cancelled_batch_releases_its_applications_to_a_later_batch(personas, scheme):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000))
    first = batch_made(personas)
    old_refs = {line.reference for line in first.lines.all()}
    services.payment_batch_cancel(actor=personas["maker"], batch_id=first.pk)
    first.refresh_from_db()
    assert first.status == B.CANCELLED and first.cancelled_at
    assert set(first.lines.values_list("status", flat=True)) == {L.CANCELLED}
    assert statuses(apps) == [A.SANCTIONED, A.SANCTIONED]
    second = batch_made(personas)
    assert set(lines_of(second)) == {app.pk for app in apps}
    assert not old_refs & {line.reference for line in second.lines.all()}


def test_approved_batch_cannot_be_cancelled(personas, scheme):
    apps = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    with pytest.raises(ValidationError, match=f"Batch {batch.number} is approved"):
        services.payment_batch_cancel(actor=personas["maker"], batch_id=batch.pk)
    assert statuses(apps) == [A.IN_BATCH]


def test_cancelled_batch_cannot_be_approved(personas, scheme):
    sanctioned(personas, scheme)
    batch = batch_made(personas)
    services.payment_batch_cancel(actor=personas["maker"], batch_id=batch.pk)
    with pytest.raises(ValidationError, match=f"Batch {batch.number} cannot be approved"):
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)


# --- The payment file ----------------------------------------------------------------


def test_payment_file_has_a_header_a_line_per_payment_and_a_trailer(personas, scheme):
    first, second = sanctioned(personas, scheme, amounts=(5000, "4000.50"))
    Worker.objects.filter(pk=first.worker_id).update(bank_account_holder="Sunita Bai, W/o Ram")
    batch = batch_ready(personas)
    content = batch.file.read()
    text = content.decode()
    lines = lines_of(batch)
    accounts = {app.pk: ledger.decrypt_text(Worker.objects.get(pk=app.worker_id)
                                            .bank_account_encrypted)
                for app in (first, second)}
    details = [
        f"D,{lines[first.pk].reference},SUNITA BAI W O RAM,{accounts[first.pk]},SBIN0001234,"
        f"5000.00,TOOL,{first.number}\n",
        f"D,{lines[second.pk].reference},RAMU SAHU,{accounts[second.pk]},SBIN0001234,"
        f"4000.50,TOOL,{second.number}\n",
    ]
    checksum = hashlib.sha256("".join(details).encode()).hexdigest()
    assert text == (
        f"H,{batch.number},{timezone.localdate():%d%m%Y},REFERENCE,BENEFICIARY_NAME,"
        "ACCOUNT_NUMBER,IFSC,AMOUNT,SCHEME_CODE,APPLICATION_ID\n"
        + "".join(details) + f"T,2,9000.50,{checksum}\n")
    assert batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert bankfiles.payment_file_check(content) == []


def test_payment_file_names_are_plain_capital_latin_letters(personas, scheme):
    hindi, accented = sanctioned(personas, scheme, amounts=(5000, 4000))
    Worker.objects.filter(pk=hindi.worker_id).update(bank_account_holder="Sunita Bai (सुनीता)")
    Worker.objects.filter(pk=accented.worker_id).update(bank_account_holder="José Müller")
    batch = batch_ready(personas)
    content = batch.file.read()
    assert content.isascii()
    names = [detail[2] for detail in bankfiles.payment_file_read(content).details]
    assert names == ["SUNITA BAI", "JOSE MULLER"]


def test_payment_file_edited_by_hand_fails_its_control_totals(personas, scheme):
    sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_ready(personas)
    content = batch.file.read()
    assert bankfiles.payment_file_check(content.replace(b",5000.00,", b",9000.00,")) == [
        "total", "checksum"]
    header, first, rest = content.split(b"\n", 2)
    assert bankfiles.payment_file_check(header + b"\n" + rest) == ["count", "total",
                                                                     "checksum"]


def test_payment_file_download_is_audited_with_its_hash(personas, scheme):
    sanctioned(personas, scheme)
    batch = batch_ready(personas)
    with services.payment_file_open(actor=personas["checker"], batch=batch) as handle:
        assert handle.read().startswith(b"H,")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.detail["sha256"] == batch.file_sha256


def test_payment_file_job_killed_midway_writes_the_whole_file_on_rerun(personas, scheme,
                                                                      monkeypatch):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000, 3000))
    batch = batch_made(personas)
    with TestCase.captureOnCommitCallbacks(execute=False):  # the job is run by hand below
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    batch.refresh_from_db()
    real, calls = ledger.decrypt_text, []

    def dies_on_the_third_line(value):
        calls.append(value)
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real(value)

    monkeypatch.setattr(ledger, "decrypt_text", dies_on_the_third_line)
    with pytest.raises(RuntimeError):
        job_run_task(str(batch.file_job_id))
    batch.refresh_from_db()
    assert batch.status == B.APPROVED and not batch.file
    assert Job.objects.get(pk=batch.file_job_id).status == Job.Status.FAILED

    monkeypatch.setattr(ledger, "decrypt_text", real)
    job_run_task(str(batch.file_job_id))
    batch.refresh_from_db()
    assert batch.status == B.FILE_READY
    summary = bankfiles.payment_file_read(batch.file.read())
    assert (summary.count, summary.total) == (3, Decimal("12000"))
    assert sorted(d[7] for d in summary.details) == sorted(app.number for app in apps)
    assert PaymentLine.objects.count() == 3
    job_run_task(str(batch.file_job_id))  # a redelivered task: nothing changes
    assert PaymentBatch.objects.get(pk=batch.pk).file_sha256 == batch.file_sha256


# --- The bank's response -------------------------------------------------------------


def test_response_pays_and_fails_lines_and_closes_the_batch(personas, scheme):
    paid, failed = sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    result = answer(personas, batch, response(row(lines[paid.pk], utr="SBIN226112345678"),
                                              row(lines[failed.pk], "FAILED"))).result
    assert (result["paid"], result["failed"], result["lines"]) == (1, 1, 2)
    paid.refresh_from_db()
    failed.refresh_from_db()
    assert (paid.status, paid.utr, paid.paid_on) == (A.PAID, "SBIN226112345678",
                                                     timezone.localdate())
    assert (failed.status, failed.failure_code) == (A.PAYMENT_FAILED, "AC04")
    assert batch.status == B.CLOSED


def test_bad_lines_are_reported_by_line_number_and_none_is_applied(personas, scheme):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000, 3000, 2000, 1000, 900, 800))
    batch = batch_ready(personas)
    good, dup, wrong_amount, no_amount, no_utr, no_reason, bad_status = (
        lines_of(batch)[app.pk] for app in apps)
    content = response(
        row(good),                                   # 2: applied
        row(dup),                                    # 3: applied (the first of two)
        row(dup, "FAILED"),                          # 4: duplicates
        f"CG9999999{'0' * 7},SUCCESS,UTR1,,5000.00",  # 5: unknown
        row(wrong_amount, amount="3001.00"),         # 6: mismatched
        row(no_amount, amount=""),                   # 7: mismatched
        row(no_utr, utr=""),                         # 8: invalid
        "",                                          # 9: blank, skipped
        row(no_reason, "FAILED", reason=""),         # 10: invalid
        row(bad_status, "BOUNCED"),                  # 11: invalid
        row(bad_status, amount="8OO.00"),            # 12: invalid
    )
    result = answer(personas, batch, content).result
    assert {key: result[key] for key in ("paid", "failed", "unknown_status", "lines")} == {
        "paid": 2, "failed": 0, "unknown_status": 0, "lines": 10}
    assert {name: result[name] for name in ledger.REPORTED} == {
        "invalid": [8, 10, 11, 12], "duplicates": [4], "unknown": [5], "mismatched": [6, 7],
        "already": [], "conflicts": []}
    assert result["invalid_count"] == 4
    assert statuses(apps) == [A.PAID, A.PAID] + [A.IN_BATCH] * 5
    assert batch.lines.filter(status=L.PENDING).count() == 5
    assert batch.status == B.FILE_READY


def test_response_saved_by_a_spreadsheet_with_bom_and_crlf_is_read(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    line = lines_of(batch)[app.pk]
    content = "\ufeff" + "reference,status,utr,reason_code,amount\r\n" \
        + f"{line.reference},success,UTR77,,{line.amount}\r\n"
    result = answer(personas, batch, content.encode()).result
    assert result["paid"] == 1
    assert Application.objects.get(pk=app.pk).utr == "UTR77"


def test_file_that_is_not_a_response_file_is_marked_unreadable(personas, scheme):
    apps = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    uploaded = answer(personas, batch, batch.file.read())  # our own payment file, by mistake
    assert uploaded.status == BankResponseFile.Status.FAILED
    assert "not a response file" in uploaded.result["error"]
    assert statuses(apps) == [A.IN_BATCH]


def test_line_of_another_batch_is_unknown_here(personas, scheme):
    [first_app] = sanctioned(personas, scheme)
    first = batch_ready(personas)
    [second_app] = sanctioned(personas, scheme)
    second = batch_ready(personas)
    result = answer(personas, second, response(row(lines_of(first)[first_app.pk]))).result
    assert result["unknown"] == [2] and result["paid"] == 0
    assert statuses([first_app, second_app]) == [A.IN_BATCH, A.IN_BATCH]


def test_pending_answer_leaves_the_line_unknown_and_blocks_a_retry_until_settled(personas,
                                                                                scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    line = lines_of(batch)[app.pk]
    result = answer(personas, batch, response(row(line, "PENDING", utr=""))).result
    assert result["unknown_status"] == 1
    line.refresh_from_db()
    assert line.status == L.UNKNOWN
    assert statuses([app]) == [A.IN_BATCH]
    assert batch.status == B.FILE_READY
    with pytest.raises(ValidationError, match="cannot be sent for payment again"):
        services.application_payment_retry(actor=personas["officer_a"], application_id=app.pk,
                                           reason="New passbook")
    with pytest.raises(ValidationError, match="nothing to pay"):
        batch_made(personas)

    answer(personas, batch, response(row(line, "FAILED")), name="later.csv")
    line.refresh_from_db()
    assert line.status == L.FAILED and batch.status == B.CLOSED
    services.application_payment_retry(actor=personas["officer_a"], application_id=app.pk,
                                       reason="New passbook")
    assert statuses([app]) == [A.SANCTIONED]


def test_same_file_uploaded_twice_is_refused_by_its_hash(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    content = response(row(lines_of(batch)[app.pk]))
    answer(personas, batch, content)
    with pytest.raises(ValidationError, match="This file was already uploaded on"):
        services.bank_response_upload(actor=personas["checker"], batch_id=batch.pk,
                                      content=content, name="again.csv")
    assert BankResponseFile.objects.count() == 1
    assert paid_lines(app) == 1


def test_ingest_run_again_on_a_done_file_changes_nothing(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    uploaded = answer(personas, batch, response(row(lines_of(batch)[app.pk])))
    assert services.bank_response_ingest(response_id=uploaded.pk) == uploaded.result
    assert paid_lines(app) == 1


def test_same_lines_in_another_file_count_as_already_applied(personas, scheme):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    rows = [row(lines[apps[0].pk]), row(lines[apps[1].pk], "FAILED")]
    answer(personas, batch, response(*rows))
    again = answer(personas, batch, response(*reversed(rows)), name="resent.csv").result
    assert (again["paid"], again["failed"], again["already"]) == (0, 0, [2, 3])
    assert paid_lines(apps[0]) == 1
    assert statuses(apps) == [A.PAID, A.PAYMENT_FAILED]


def test_line_paid_then_reported_failed_is_a_conflict_and_stays_paid(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    line = lines_of(batch)[app.pk]
    answer(personas, batch, response(row(line, utr="UTR-FIRST")))
    later = answer(personas, batch,
                   response(row(line, "FAILED"), row(line, utr="UTR-OTHER")),
                   name="later.csv").result
    assert later["conflicts"] == [2] and later["duplicates"] == [3] and later["failed"] == 0
    line.refresh_from_db()
    assert (line.status, line.utr) == (L.PAID, "UTR-FIRST")
    assert statuses([app]) == [A.PAID]


def test_paid_line_reported_with_another_utr_is_a_conflict(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    line = lines_of(batch)[app.pk]
    answer(personas, batch, response(row(line, utr="UTR-FIRST")))
    later = answer(personas, batch, response(row(line, utr="UTR-OTHER")), name="b.csv").result
    assert later["conflicts"] == [2]
    assert Application.objects.get(pk=app.pk).utr == "UTR-FIRST"


def test_failed_line_reported_paid_after_the_retry_is_a_conflict_and_not_paid_twice(
        personas, scheme):
    [app] = sanctioned(personas, scheme)
    first = batch_ready(personas)
    old = lines_of(first)[app.pk]
    answer(personas, first, response(row(old, "FAILED")))
    services.application_payment_retry(actor=personas["officer_a"], application_id=app.pk,
                                       reason="Account reopened")
    second = batch_ready(personas)
    new = lines_of(second)[app.pk]
    answer(personas, second, response(row(new)))
    late = answer(personas, first, response(row(old)), name="late.csv").result
    assert late["conflicts"] == [2] and late["paid"] == 0
    assert paid_lines(app) == 1
    assert PaymentLine.objects.get(pk=old.pk).status == L.FAILED


def test_batch_stays_open_until_every_line_is_settled(personas, scheme):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000, 3000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    answer(personas, batch, response(row(lines[apps[0].pk])))
    assert batch.status == B.FILE_READY
    answer(personas, batch, response(row(lines[apps[1].pk], "PENDING", utr="")), name="2.csv")
    assert batch.status == B.FILE_READY
    answer(personas, batch, response(row(lines[apps[1].pk]), row(lines[apps[2].pk], "FAILED")),
           name="3.csv")
    assert batch.status == B.CLOSED


def test_ingest_killed_midway_applies_nothing_and_its_rerun_pays_each_line_once(
        personas, scheme, monkeypatch):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000, 3000, 2000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    content = response(*(row(lines[app.pk]) for app in apps[:3]),
                       row(lines[apps[3].pk], "FAILED"))
    with TestCase.captureOnCommitCallbacks(execute=False):  # the job is run by hand below
        uploaded = services.bank_response_upload(actor=personas["checker"], batch_id=batch.pk,
                                                 content=content, name="response.csv")
    real = ledger.bankfiles.response_file_rows

    def dies_after_two_rows(data):
        for number, parsed in enumerate(real(data)):
            if number == 2:
                raise RuntimeError("worker lost")
            yield parsed

    monkeypatch.setattr(ledger.bankfiles, "response_file_rows", dies_after_two_rows)
    with pytest.raises(RuntimeError):
        job_run_task(str(uploaded.job_id))
    assert statuses(apps) == [A.IN_BATCH] * 4
    assert batch.lines.filter(status=L.PENDING).count() == 4
    uploaded.refresh_from_db()
    assert uploaded.status == BankResponseFile.Status.QUEUED

    monkeypatch.setattr(ledger.bankfiles, "response_file_rows", real)
    with on_commit():
        job_run_task(str(uploaded.job_id))
    uploaded.refresh_from_db()
    assert (uploaded.result["paid"], uploaded.result["failed"]) == (3, 1)
    for app in apps[:3]:
        assert paid_lines(app) == 1
    totals = selectors.batch_totals(batch)
    assert totals[L.PAID] == {"count": 3, "amount": Decimal("12000")}
    assert totals[L.FAILED] == {"count": 1, "amount": Decimal("2000")}
    assert Job.objects.get(pk=uploaded.job_id).status == Job.Status.DONE
    assert sorted(m.mobile for m in CapturingSMSBackend.outbox) == sorted(
        app.worker.mobile for app in apps)  # each worker told once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_ingesting_one_file_at_once_apply_it_once(personas, scheme, monkeypatch):
    apps = sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    with TestCase.captureOnCommitCallbacks(execute=False):  # both runs are started by hand
        uploaded = services.bank_response_upload(
            actor=personas["checker"], batch_id=batch.pk, name="response.csv",
            content=response(row(lines[apps[0].pk]), row(lines[apps[1].pk], "FAILED")))
    real_stage, results = ledger._stage, []

    def slow_stage(*args):
        time.sleep(0.5)  # the other run reaches the batch's lock meanwhile
        return real_stage(*args)

    monkeypatch.setattr(ledger, "_stage", slow_stage)

    def ingest():
        try:
            results.append(services.bank_response_ingest(response_id=uploaded.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and results[0] == results[1]
    assert (results[0]["paid"], results[0]["failed"]) == (1, 1)
    assert paid_lines(apps[0]) == 1
    assert statuses(apps) == [A.PAID, A.PAYMENT_FAILED]
    assert PaymentBatch.objects.get(pk=batch.pk).status == B.CLOSED


# --- Reconciliation ------------------------------------------------------------------


def test_reconciliation_adds_up_after_a_mixed_cycle(personas, scheme):
    officer = personas["officer_a"]
    no_bank, paid, failed, unknown, retried = sanctioned(
        personas, scheme, amounts=(5000, 4000, 3000, 2000, 1000))
    Worker.objects.filter(pk=no_bank.worker_id).update(ifsc="")
    application_at("verified", worker=active_worker(district=home_district()), scheme=scheme,
                   officer=officer)
    batch = batch_ready(personas)
    lines = lines_of(batch)
    answer(personas, batch, response(row(lines[paid.pk]), row(lines[failed.pk], "FAILED"),
                                     row(lines[unknown.pk], "PENDING", utr=""),
                                     row(lines[retried.pk], "FAILED")))
    services.application_payment_retry(actor=officer, application_id=retried.pk,
                                       reason="IFSC corrected", ifsc="SBIN0009999")

    [entry] = [e for e in selectors.scheme_reconciliation(user=personas["state_admin"])
               if e["scheme"] == scheme]
    stages = [A.SANCTIONED, A.IN_BATCH, A.PAID, A.PAYMENT_FAILED]
    assert {s: entry[s] for s in stages} == {
        A.SANCTIONED: {"count": 2, "amount": Decimal("6000")},
        A.IN_BATCH: {"count": 1, "amount": Decimal("2000")},
        A.PAID: {"count": 1, "amount": Decimal("4000")},
        A.PAYMENT_FAILED: {"count": 1, "amount": Decimal("3000")},
    }
    assert entry["count"] == sum(entry[s]["count"] for s in stages) == 5
    assert entry["amount"] == sum(entry[s]["amount"] for s in stages) == Decimal("15000")
    assert entry["amount"] == services.scheme_committed(scheme)

    totals = selectors.batch_totals(batch)
    assert sum(t["count"] for t in totals.values()) == batch.line_count == 4
    assert sum(t["amount"] for t in totals.values()) == batch.total_amount == Decimal("10000")
    assert totals[L.UNKNOWN] == {"count": 1, "amount": Decimal("2000")}
    assert totals[L.FAILED] == {"count": 2, "amount": Decimal("4000")}


def test_cancelled_batch_still_adds_up(personas, scheme):
    sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_made(personas)
    services.payment_batch_cancel(actor=personas["maker"], batch_id=batch.pk)
    batch.refresh_from_db()
    totals = selectors.batch_totals(batch)
    assert totals[L.CANCELLED] == {"count": 2, "amount": batch.total_amount}


# --- SMS -----------------------------------------------------------------------------


def test_worker_is_told_of_the_sanction_by_sms(personas, worker_a, scheme):
    with on_commit():
        app = application_at("sanctioned", worker=worker_a, scheme=scheme,
                             officer=personas["officer_a"], amount=Decimal("4500"))
    assert CapturingSMSBackend.outbox[-1].text == (
        f"Shram Portal: ₹4,500 sanctioned on your application {app.number}. It will be paid "
        "to your bank account.")


def test_worker_is_told_of_the_payment_and_of_a_failure_by_sms(personas, scheme):
    paid, failed = sanctioned(personas, scheme, amounts=(5000, 4000))
    batch = batch_ready(personas)
    lines = lines_of(batch)
    CapturingSMSBackend.outbox.clear()
    answer(personas, batch, response(row(lines[paid.pk], utr="SBIN0000042"),
                                     row(lines[failed.pk], "FAILED", reason="AC01")))
    texts = {message.mobile: message.text for message in CapturingSMSBackend.outbox}
    assert texts == {
        paid.worker.mobile: f"Shram Portal: ₹5,000 of application {paid.number} has been paid "
                            f"to your bank account XXXXXX{lines[paid.pk].account_last4}. "
                            "UTR SBIN0000042.",
        failed.worker.mobile: f"Shram Portal: the payment of application {failed.number} "
                              "failed (Invalid account number). Please contact the labour "
                              "office or a CSC to correct your bank details.",
    }


def test_payment_sms_goes_once_even_when_its_task_runs_again(personas, scheme):
    [app] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    line = lines_of(batch)[app.pk]
    uploaded = answer(personas, batch, response(row(line)))
    CapturingSMSBackend.outbox.clear()
    with on_commit():
        assert ledger.payment_notices_send(response_id=uploaded.pk, first_id=line.pk,
                                           last_id=line.pk) == 0
        assert ledger.payment_notices_schedule(response_id=uploaded.pk) == 0
    assert CapturingSMSBackend.outbox == []


def test_failure_sms_gives_the_banks_reason_in_the_workers_language(personas, scheme,
                                                                   settings):
    settings.SMS_LANGUAGE = "hi"
    [application] = sanctioned(personas, scheme)
    batch = batch_ready(personas)
    [line] = lines_of(batch).values()
    CapturingSMSBackend.outbox.clear()
    answer(personas, batch, response(row(line, "FAILED", reason="AC01")))
    [message] = [m for m in CapturingSMSBackend.outbox if application.number in m.text]
    assert "अमान्य खाता संख्या" in message.text  # "Invalid account number", in Hindi
