"""Set-based work on the payment ledger: the payment file and the bank's response file.

A state board pays lakhs of workers in one batch, so neither job works row by row:

* The payment file streams the batch's lines from a server-side cursor into a
  temporary file (memory stays flat) and decrypts each account once.
* A response file is parsed as it is read and COPied into a temporary staging
  table; checked UPDATEs then classify every line (repeated, unknown reference,
  amount mismatch, already applied, conflict) and apply the rest, all in one
  transaction under the batch's row lock. A job killed midway rolls back whole and
  its rerun starts clean; two tasks ingesting at once queue on the lock, and the
  second finds the file done.

Applications changed in bulk get their row-history events in one INSERT ... SELECT
(pghistory's per-row trigger is skipped for these statements), as imports do.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tempfile

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.crypto import decrypt_text
from core.models import AuditEvent
from core.services import SideProgress, row_events_insert
from welfare import bankfiles
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine

B = PaymentBatch.Status
APPLICATION_UPDATE_TRIGGER = "welfare.Application:update_update"
PROGRESS_EVERY = 20_000
SMS_CHUNK = 1_000  # lines per notification task (never one task per line)
REPORTED = ["invalid", "duplicates", "unknown", "mismatched", "already", "conflicts"]


def application_events_insert(*, where_sql: str, params: list) -> None:
    """Write 'update' row-history events for the applications chosen by ``where_sql``."""
    row_events_insert(model=Application, label="update", where_sql=where_sql, params=params)


def payment_file_write(*, batch_id: int, job_id=None) -> dict:
    """Write the batch's payment file from its lines and mark the batch ready.

    Safe to run again (a redelivered or re-run job): the file is rebuilt from the
    same lines, and a batch already ready is left as it is.
    """
    batch = PaymentBatch.objects.select_related("approved_by").get(pk=batch_id)
    if batch.status in (B.FILE_READY, B.CLOSED):
        return {"lines": batch.line_count, "already": True}
    if batch.status != B.APPROVED:
        raise ValidationError(f"batch {batch_id} is not approved")
    total = batch.line_count
    progress = SideProgress(job_id)
    lines = (PaymentLine.objects.filter(batch=batch, status=PaymentLine.Status.PENDING)
             .order_by("pk").values_list("reference", "account_holder", "account_encrypted",
                                         "ifsc", "amount", "application__scheme__code",
                                         "application__number"))
    done = 0

    def rows():
        nonlocal done
        for reference, holder, account, ifsc, amount, scheme, number in lines.iterator(
                chunk_size=5000):
            yield {"reference": reference, "name": holder, "account": decrypt_text(account),
                   "ifsc": ifsc, "amount": amount, "scheme": scheme.upper(),
                   "application": number}
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress(done, total)

    digest = hashlib.sha256()
    try:
        with tempfile.TemporaryFile() as handle:
            with transaction.atomic():  # the server-side cursor lives in a transaction
                for text in bankfiles.payment_file_lines(batch_number=batch.number,
                                                         on=timezone.localdate(), rows=rows()):
                    data = text.encode()
                    digest.update(data)
                    handle.write(data)
            handle.seek(0)
            with transaction.atomic():
                batch = PaymentBatch.objects.select_for_update().get(pk=batch_id)
                if batch.status != B.APPROVED:
                    return {"lines": batch.line_count, "already": True}
                batch.file.save(f"{batch.number}.csv", File(handle), save=False)
                batch.file_sha256 = digest.hexdigest()
                batch.file_written_at = timezone.now()
                batch.status = B.FILE_READY
                batch.save(update_fields=["file", "file_sha256", "file_written_at", "status"])
                audit_event_record(action=AuditEvent.Action.JOB, actor=batch.approved_by,
                                   obj=batch, summary=f"payment file written: {done} lines",
                                   detail={"lines": done, "sha256": digest.hexdigest(),
                                           "total": str(batch.total_amount)})
    finally:
        progress.close()
    return {"lines": done, "sha256": digest.hexdigest()}


_STAGE_SQL = """
    CREATE TEMP TABLE welfare_response_stage (
        line_number integer, reference text, status text, utr text, reason text,
        amount numeric(12, 2), problem text NOT NULL DEFAULT ''
    ) ON COMMIT DROP
"""

# Each step marks the staged rows it reports; what stays unmarked is applied.
_CLASSIFY = [
    ("duplicates", """
        UPDATE welfare_response_stage s SET problem = 'duplicates'
        FROM (SELECT line_number, row_number() OVER (PARTITION BY reference
                                                     ORDER BY line_number) AS n
              FROM welfare_response_stage WHERE problem = '') d
        WHERE s.line_number = d.line_number AND d.n > 1"""),
    ("unknown", """
        UPDATE welfare_response_stage s SET problem = 'unknown'
        WHERE s.problem = '' AND NOT EXISTS (
            SELECT 1 FROM welfare_paymentline l
            WHERE l.batch_id = %(batch)s AND l.reference = s.reference)"""),
    ("mismatched", """
        UPDATE welfare_response_stage s SET problem = 'mismatched'
        FROM welfare_paymentline l
        WHERE s.problem = '' AND l.batch_id = %(batch)s AND l.reference = s.reference
          AND (s.amount IS NULL OR s.amount <> l.amount)"""),
    ("already", """
        UPDATE welfare_response_stage s SET problem = 'already'
        FROM welfare_paymentline l
        WHERE s.problem = '' AND l.batch_id = %(batch)s AND l.reference = s.reference
          AND ((l.status = 'paid' AND s.status = 'SUCCESS' AND l.utr = s.utr)
               OR (l.status = 'failed' AND s.status = 'FAILED'))"""),
    ("conflicts", """
        UPDATE welfare_response_stage s SET problem = 'conflicts'
        FROM welfare_paymentline l
        WHERE s.problem = '' AND l.batch_id = %(batch)s AND l.reference = s.reference
          AND l.status NOT IN ('pending', 'unknown')"""),
]

_APPLY = {
    "paid": """
        WITH settled AS (
            UPDATE welfare_paymentline l
            SET status = 'paid', utr = left(s.utr, 30), settled_on = %(today)s,
                response_file_id = %(response)s
            FROM welfare_response_stage s
            WHERE s.problem = '' AND s.status = 'SUCCESS' AND l.batch_id = %(batch)s
              AND l.reference = s.reference AND l.status IN ('pending', 'unknown')
            RETURNING l.application_id, l.utr
        )
        UPDATE welfare_application a
        SET status = 'paid', utr = settled.utr, paid_on = %(today)s, failure_code = '',
            updated_at = now()
        FROM settled WHERE a.id = settled.application_id""",
    "failed": """
        WITH settled AS (
            UPDATE welfare_paymentline l
            SET status = 'failed', failure_code = left(s.reason, 10), settled_on = %(today)s,
                response_file_id = %(response)s
            FROM welfare_response_stage s
            WHERE s.problem = '' AND s.status = 'FAILED' AND l.batch_id = %(batch)s
              AND l.reference = s.reference AND l.status IN ('pending', 'unknown')
            RETURNING l.application_id, l.failure_code
        )
        UPDATE welfare_application a
        SET status = 'payment_failed', failure_code = settled.failure_code, updated_at = now()
        FROM settled WHERE a.id = settled.application_id""",
    # The bank does not know yet: the line stays open and blocks any re-send.
    "unknown_status": """
        UPDATE welfare_paymentline l SET status = 'unknown', response_file_id = %(response)s
        FROM welfare_response_stage s
        WHERE s.problem = '' AND s.status = 'PENDING' AND l.batch_id = %(batch)s
          AND l.reference = s.reference AND l.status IN ('pending', 'unknown')""",
}


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """Turn %(name)s placeholders into %s (pgtrigger.ignore prepends a positional one)."""
    names = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\(\w+\)s", "%s", sql), [params[name] for name in names]


def _stage(cursor, rows, progress) -> int:
    count = 0
    with cursor.copy("COPY welfare_response_stage (line_number, reference, status, utr, "
                     "reason, amount, problem) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((row.line_number, row.reference, row.status, row.utr, row.reason,
                            row.amount, "invalid" if row.problem else ""))
            count += 1
            if count % PROGRESS_EVERY == 0:
                progress(count, 0, "reading")
    return count


def bank_response_ingest(*, response_id: int, job_id=None) -> dict:
    """Apply a bank response file to its batch's lines, reporting what it could not apply.

    Safe to run twice: a file already ingested returns its result; lines already
    settled the same way count as already applied, never twice.
    """
    response = BankResponseFile.objects.select_related("batch", "uploaded_by").get(
        pk=response_id)
    if response.status == BankResponseFile.Status.DONE:
        return response.result
    progress = SideProgress(job_id)
    today = timezone.localdate()
    params = {"batch": response.batch_id, "response": response.pk, "today": today}
    try:
        with response.file.open("rb") as handle:
            content = handle.read()
        try:
            rows = bankfiles.response_file_rows(content)
            first = next(rows, None)
        except (ValueError, UnicodeDecodeError):
            BankResponseFile.objects.filter(pk=response_id).update(
                status=BankResponseFile.Status.FAILED,
                result={"error": "not a response file (header REFERENCE,STATUS,UTR,"
                                 "REASON_CODE,AMOUNT expected)"})
            return {"error": "header"}
        rows = itertools.chain([first] if first is not None else [], rows)
        with transaction.atomic(durable=True):
            batch = PaymentBatch.objects.select_for_update().get(pk=response.batch_id)
            response = BankResponseFile.objects.select_for_update().get(pk=response_id)
            if response.status == BankResponseFile.Status.DONE:
                return response.result
            with connection.cursor() as cursor:
                # A temporary table of this session; dropped at commit, and here in case
                # an enclosing transaction (tests) kept an earlier one alive.
                cursor.execute("DROP TABLE IF EXISTS welfare_response_stage")
                cursor.execute(_STAGE_SQL)
                total = _stage(cursor.cursor, rows, progress)
                cursor.execute("CREATE INDEX ON welfare_response_stage (reference)")
                cursor.execute("ANALYZE welfare_response_stage")
                progress(0, total, "checking")
                for _name, sql in _CLASSIFY:
                    cursor.execute(*_positional(sql, params))
                outcome = {}
                with pgtrigger.ignore(APPLICATION_UPDATE_TRIGGER):
                    for name, sql in _APPLY.items():
                        cursor.execute(*_positional(sql, params))
                        outcome[name] = cursor.rowcount
                application_events_insert(
                    where_sql="t.id IN (SELECT application_id FROM welfare_paymentline "
                              "WHERE response_file_id = %s AND status IN ('paid', 'failed'))",
                    params=[response.pk])
                cursor.execute("SELECT problem, count(*), (array_agg(line_number "
                               "ORDER BY line_number))[1:100] FROM welfare_response_stage "
                               "WHERE problem <> '' GROUP BY problem")
                found = {problem: (count, lines) for problem, count, lines in cursor}
            result = dict(outcome)
            for name in REPORTED:
                count, lines = found.get(name, (0, []))
                result[name] = lines
                result[f"{name}_count"] = count
            result["lines"] = total
            if batch.status == B.FILE_READY and not batch.lines.filter(
                    status__in=[PaymentLine.Status.PENDING, PaymentLine.Status.UNKNOWN]).exists():
                batch.status = B.CLOSED
                batch.save(update_fields=["status"])
            response.status = BankResponseFile.Status.DONE
            response.result = result
            response.save(update_fields=["status", "result"])
            audit_event_record(
                action=AuditEvent.Action.JOB, actor=response.uploaded_by, obj=batch,
                summary=f"bank response applied: {outcome['paid']} paid, "
                        f"{outcome['failed']} failed",
                detail={"sha256": response.sha256, "paid": outcome["paid"],
                        "failed": outcome["failed"],
                        "reported": sum(result[f"{name}_count"] for name in REPORTED)})
            transaction.on_commit(lambda: payment_notices_schedule(response_id=response_id))
    finally:
        progress.close()
    return result


def payment_notices_schedule(*, response_id: int) -> int:
    """Queue the SMS of a response's settled lines, a thousand lines per task."""
    from welfare.tasks import payment_notices_send_task

    ids = list(PaymentLine.objects.filter(response_file_id=response_id, notified_at__isnull=True,
                                          status__in=["paid", "failed"])
               .order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), SMS_CHUNK):
        chunk = ids[start:start + SMS_CHUNK]
        payment_notices_send_task.delay(response_id, chunk[0], chunk[-1])
    return len(ids)


def payment_notices_send(*, response_id: int, first_id: int, last_id: int) -> int:
    """Tell each worker of the chunk that they were paid, or why the payment failed.

    Each line is claimed (notified_at set) before its SMS goes, so a rerun of the
    task sends nothing twice.
    """
    from core.money import rupees
    from registration.services import worker_notify
    from welfare.services.payments import FAILED_SMS, PAID_SMS

    with transaction.atomic():
        claimed = list(PaymentLine.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(response_file_id=response_id, pk__gte=first_id, pk__lte=last_id,
                               notified_at__isnull=True, status__in=["paid", "failed"])
                       .select_related("application__worker__owner"))
        PaymentLine.objects.filter(pk__in=[line.pk for line in claimed]).update(
            notified_at=timezone.now())
        for line in claimed:
            application = line.application
            if line.status == PaymentLine.Status.PAID:
                worker_notify(application.worker, PAID_SMS, amount=rupees(line.amount),
                              number=application.number, last4=line.account_last4,
                              utr=line.utr)
            else:
                # The reason stays lazy: it is rendered in the worker's language.
                worker_notify(application.worker, FAILED_SMS, number=application.number,
                              reason=bankfiles.FAILURE_REASONS.get(line.failure_code,
                                                                   line.failure_code))
    return len(claimed)
