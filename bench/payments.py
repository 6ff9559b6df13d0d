"""Benchmark 4: direct benefit transfer — a payment batch, its file, the bank's response.

Run: make bench (SCALE=smoke|small|state: 5,000 / 100,000 / 1,000,000 sanctioned
applications). Goals (performance issue): the payment file for 1,000,000 lines in
under 2 minutes; ingesting a 1,000,000-line response file with all checks in under
3 minutes; both reported as a share of raw COPY speed of the same rows in the same run.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup, record, scale_count  # noqa: E402

ROWS = {"smoke": 5_000, "small": 100_000, "state": 1_000_000}
WELFARE_TABLES = ["welfare_paymentline", "welfare_bankresponsefile", "welfare_paymentbatch",
                  "welfare_applicationtransition", "welfare_applicationdocument",
                  "welfare_applicationevent", "welfare_application"]


class NullSMS:
    """SMS are timed separately (and a million captured texts would only fill memory)."""

    def send(self, message) -> None:
        pass


def applications_generate(rows: int) -> None:
    """Put ``rows`` sanctioned applications of active workers with bank details in place."""
    from django.db import connection, transaction

    from core.crypto import encrypt_text
    from welfare.models import Scheme

    scheme, _ = Scheme.objects.get_or_create(
        code="bench", defaults={"name_en": "Bench scheme", "name_hi": "बेंच योजना",
                                "amount": 5000, "limit_count": None})
    token = encrypt_text("123456789012")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(WELFARE_TABLES)} CASCADE")
        cursor.execute("SET LOCAL session_replication_role = replica")  # no history rows
        cursor.execute("""
            WITH chosen AS (
                SELECT id, district_id, registered_by_id FROM registration_worker
                WHERE status = 'active' ORDER BY id LIMIT %s)
            UPDATE registration_worker w SET bank_account_encrypted = %s,
                bank_account_holder = w.name_latin
            FROM chosen WHERE w.id = chosen.id""", [rows, token])
        cursor.execute("""
            INSERT INTO welfare_application (uuid, number, scheme_id, worker_id, district_id,
                status, channel, applied_by_id, beneficiary_name, beneficiary_key, limit_key,
                period_key, amount_claimed, amount_sanctioned, submitted_at, sanctioned_at,
                paid_on, utr, failure_code, decision_reason, created_at, updated_at)
            SELECT gen_random_uuid(), 'WB-' || lpad(w.id::text, 10, '0'), %s, w.id,
                w.district_id, 'sanctioned', 'officer', w.registered_by_id, w.name_latin,
                md5(w.id::text), 'worker:' || w.id, 'ever', 5000, 5000, now(), now(), NULL,
                '', '', '', now(), now()
            FROM registration_worker w WHERE w.status = 'active' ORDER BY w.id LIMIT %s""",
                       [scheme.pk, rows])
        cursor.execute("ANALYZE welfare_application")


def copy_out_seconds(batch_id: int) -> float:
    """Baseline: raw COPY of the batch's line columns out of PostgreSQL."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
                "COPY (SELECT l.reference, l.account_holder, l.account_encrypted, l.ifsc, "
                "l.amount, s.code, a.number FROM welfare_paymentline l "
                "JOIN welfare_application a ON a.id = l.application_id "
                f"JOIN welfare_scheme s ON s.id = a.scheme_id WHERE l.batch_id = {int(batch_id)}) "
                "TO STDOUT") as copy:
            for _data in copy:
                pass
    return time.perf_counter() - started


def copy_in_seconds(content: bytes) -> float:
    """Baseline: raw COPY of the response file into a table, no checks."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_response (reference text, status text, "
                       "utr text, reason text, amount numeric) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_response FROM STDIN WITH (FORMAT csv, HEADER)") \
                as copy:
            buffer = io.BytesIO(content)
            while data := buffer.read(1 << 20):
                copy.write(data)
    return time.perf_counter() - started


def main() -> None:
    django_setup()
    scale, _ = scale_count()
    rows = ROWS[scale]
    from search import ensure_workers

    ensure_workers(int(rows * 1.2) + 100)
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core.models import User
    from core.roles import RoleCode
    from core.services import user_role_grant
    from welfare import bankfiles
    from welfare.models import BankResponseFile, PaymentBatch
    from welfare.services import ledger
    from welfare.services.payments import payment_batch_create

    settings.SMS_BACKEND = "payments.NullSMS"
    maker, _ = User.objects.get_or_create(username="bench.maker")
    checker, _ = User.objects.get_or_create(username="bench.checker")
    user_role_grant(actor=None, user=maker, role=RoleCode.ACCOUNTS_MAKER)
    user_role_grant(actor=None, user=checker, role=RoleCode.ACCOUNTS_CHECKER)
    print(f"Generating {rows:,} sanctioned applications", flush=True)
    applications_generate(rows)

    started = time.perf_counter()
    batch = payment_batch_create(actor=maker)
    create_seconds = time.perf_counter() - started
    assert batch.line_count == rows, batch.line_count
    # Approval would queue the file job; the batch is approved here and the job's work
    # is run directly, to time it alone.
    PaymentBatch.objects.filter(pk=batch.pk).update(status=PaymentBatch.Status.APPROVED,
                                                    approved_by=checker)
    started = time.perf_counter()
    ledger.payment_file_write(batch_id=batch.pk)
    file_seconds = time.perf_counter() - started
    copy_out = copy_out_seconds(batch.pk)
    batch.refresh_from_db()
    with batch.file.open("rb") as handle:
        payment_file = handle.read()
    assert not bankfiles.payment_file_check(payment_file)

    response_content = bankfiles.bank_response_simulate(
        payment_file=payment_file, failure_rate=0.05, seed=1, on=timezone.localdate())
    response = BankResponseFile(batch=batch, sha256="bench", original_name="bench.csv",
                                uploaded_by=checker)
    response.file.save("bench-response.csv", ContentFile(response_content), save=False)
    response.save()
    scheduled = []
    ledger_schedule = ledger.payment_notices_schedule
    ledger.payment_notices_schedule = lambda **kwargs: scheduled.append(kwargs)
    started = time.perf_counter()
    result = ledger.bank_response_ingest(response_id=response.pk)
    ingest_seconds = time.perf_counter() - started
    ledger.payment_notices_schedule = ledger_schedule
    assert result["paid"] + result["failed"] == rows, result
    copy_in = copy_in_seconds(response_content)

    started = time.perf_counter()
    sent = ledger.payment_notices_send(response_id=response.pk, first_id=0, last_id=10**12) \
        if rows <= 5_000 else _notices_sample(ledger, response.pk)
    sms_rate = sent / (time.perf_counter() - started)

    per_million = 1_000_000 / rows
    record(benchmark="payments", scale=f"{scale} ({rows:,} payments)", figures=[
        {"name": "payment batch made (lines with references, applications moved)",
         "value": rows / create_seconds, "unit": "lines/s", "baseline": None,
         "goal": "—", "passed": True, "higher_is_better": True},
        {"name": "payment file written (accounts decrypted, control totals)",
         "value": file_seconds * per_million, "unit": "s per 1,000,000 lines",
         "baseline": {"name": "raw COPY of the same line columns",
                      "value": copy_out * per_million},
         "goal": "< 120 s per 1,000,000 lines", "passed": file_seconds * per_million < 120},
        {"name": "bank response ingested (staged, checked, applied, history)",
         "value": ingest_seconds * per_million, "unit": "s per 1,000,000 lines",
         "baseline": {"name": "raw COPY of the same file into a table",
                      "value": copy_in * per_million},
         "goal": "< 180 s per 1,000,000 lines", "passed": ingest_seconds * per_million < 180},
        {"name": "payment SMS prepared and handed to the backend", "value": sms_rate,
         "unit": "SMS/s", "baseline": None, "goal": "—", "passed": True,
         "higher_is_better": True,
         "note": "sent by tasks of 1,000 lines each after the ingest commits; timed on the "
                 "first chunks"},
    ], command=f"make bench SCALE={scale}")


def _notices_sample(ledger, response_id: int) -> int:
    from welfare.models import PaymentLine

    ids = list(PaymentLine.objects.filter(response_file_id=response_id).order_by("pk")
               .values_list("pk", flat=True)[:5_000])
    return ledger.payment_notices_send(response_id=response_id, first_id=ids[0],
                                       last_id=ids[-1])


if __name__ == "__main__":
    main()
