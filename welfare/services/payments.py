"""Writes of direct benefit transfer: payment batches, the payment file, the bank's answer.

Exactly once, by construction:

* A batch takes sanctioned applications with one UPDATE ... WHERE status =
  'sanctioned' over rows locked with SKIP LOCKED, so two makers never take the
  same application; the database also allows one open payment line per
  application and one paid line per application.
* The payment file and the bank's response are set-based jobs (see
  welfare.services.ledger): the file is rebuilt from the batch's fixed lines; a
  response is staged and applied in one transaction, only to lines still open;
  a line already settled the same way counts as "already applied", settled
  another way as a conflict. Nothing is applied silently when it does not match
  (unknown reference, repeated line, different amount).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, time, timedelta

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.services import job_create, yearly_sequence_next
from welfare import bankfiles
from welfare.models import (
    Application,
    BankResponseFile,
    BatchSequence,
    PaymentBatch,
    PaymentLine,
)
from welfare.services.ledger import (  # noqa: F401 - re-exported
    APPLICATION_UPDATE_TRIGGER,
    application_events_insert,
    bank_response_ingest,
    payment_file_write,
)

logger = logging.getLogger(__name__)
B = PaymentBatch.Status
L = PaymentLine.Status
A = Application.Status


def _batch_number(on) -> str:
    return f"PB-{on.year}-{yearly_sequence_next(BatchSequence, year=on.year):05d}"


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic(durable=True)
def payment_batch_create(*, actor, scheme_id: int | None = None, district_id: int | None = None,
                         sanctioned_from=None, sanctioned_to=None,
                         request=None) -> PaymentBatch:
    """Make a batch of the sanctioned, unpaid applications matching the filters (the maker).

    Applications whose worker has no bank account on record are left out (they
    stay sanctioned). Each line gets its own end-to-end reference.
    """
    if not actor.has_role(R.ACCOUNTS_MAKER):
        raise ValidationError(_("Only an accounts officer (maker) may make a payment batch."),
                              code="not_maker")
    today = timezone.localdate()
    batch = PaymentBatch.objects.create(
        number=_batch_number(today), scheme_id=scheme_id, district_id=district_id,
        sanctioned_from=sanctioned_from, sanctioned_to=sanctioned_to, created_by=actor)
    conditions, params = ["a.status = 'sanctioned'", "w.bank_account_last4 <> ''",
                          "w.ifsc <> ''"], []
    if scheme_id:
        conditions.append("a.scheme_id = %s")
        params.append(scheme_id)
    if district_id:
        conditions.append("a.district_id = %s")
        params.append(district_id)
    if sanctioned_from:
        conditions.append("a.sanctioned_at >= %s")
        params.append(_day_start(sanctioned_from))
    if sanctioned_to:
        conditions.append("a.sanctioned_at < %s")
        params.append(_day_start(sanctioned_to + timedelta(days=1)))
    prefix = f"{settings.PORTAL_STATE_CODE[:2]}{batch.pk:07d}"
    sql = f"""
        WITH picked AS (
            SELECT a.id FROM welfare_application a
            JOIN registration_worker w ON w.id = a.worker_id
            WHERE {' AND '.join(conditions)}
            ORDER BY a.id
            FOR UPDATE OF a SKIP LOCKED
        ), moved AS (
            UPDATE welfare_application a SET status = 'in_batch', updated_at = now()
            FROM picked WHERE a.id = picked.id AND a.status = 'sanctioned'
            RETURNING a.id, a.worker_id, a.amount_sanctioned
        ), inserted AS (
            INSERT INTO welfare_paymentline (batch_id, application_id, reference, amount,
                account_holder, account_encrypted, account_last4, ifsc, status, utr,
                failure_code)
            SELECT %s, m.id, %s || lpad((row_number() OVER (ORDER BY m.id))::text, 7, '0'),
                m.amount_sanctioned,
                left(coalesce(nullif(w.bank_account_holder, ''), nullif(w.name_latin, ''),
                              w.name), 150),
                w.bank_account_encrypted, w.bank_account_last4, w.ifsc, 'pending', '', ''
            FROM moved m JOIN registration_worker w ON w.id = m.worker_id
            RETURNING amount
        )
        SELECT count(*), coalesce(sum(amount), 0) FROM inserted
    """  # noqa: S608 - the conditions are fixed strings; values go as parameters
    # The applications' history events are written in one statement (see ledger).
    with pgtrigger.ignore(APPLICATION_UPDATE_TRIGGER), connection.cursor() as cursor:
        cursor.execute(sql, [*params, batch.pk, prefix])
        count, total = cursor.fetchone()
    application_events_insert(where_sql="t.id IN (SELECT application_id FROM "
                                        "welfare_paymentline WHERE batch_id = %s)",
                              params=[batch.pk])
    if count == 0:
        raise ValidationError(_("No sanctioned application with bank details matches; "
                                "nothing to pay."), code="empty")
    batch.line_count, batch.total_amount = count, total
    batch.save(update_fields=["line_count", "total_amount"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=batch, summary=f"batch made: {count} payments, ₹{total}",
                       detail={"lines": count, "total": str(total), "scheme": scheme_id,
                               "district": district_id})
    return batch


def _locked_batch(batch_id: int) -> PaymentBatch:
    return PaymentBatch.objects.select_for_update().get(pk=batch_id)


@transaction.atomic(durable=True)
def payment_batch_cancel(*, actor, batch_id: int, request=None) -> PaymentBatch:
    """Cancel a batch not yet approved: its applications become payable again."""
    batch = _locked_batch(batch_id)
    if batch.status == B.CANCELLED:
        return batch
    if batch.status != B.AWAITING_APPROVAL:
        raise ValidationError(_("Batch %(number)s is approved and can no longer be cancelled.")
                              % {"number": batch.number}, code="wrong_status")
    app_ids = list(batch.lines.filter(status=L.PENDING).values_list("application_id", flat=True))
    batch.lines.filter(status=L.PENDING).update(status=L.CANCELLED)
    Application.objects.filter(pk__in=app_ids, status=A.IN_BATCH).update(
        status=A.SANCTIONED, updated_at=timezone.now())
    batch.status = B.CANCELLED
    batch.cancelled_at = timezone.now()
    batch.save(update_fields=["status", "cancelled_at"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=batch, summary=f"batch cancelled: {len(app_ids)} released",
                       detail={"lines": len(app_ids)})
    return batch


@transaction.atomic(durable=True)
def payment_batch_approve(*, actor, batch_id: int, request=None) -> PaymentBatch:
    """Approve a batch (the checker, never its maker) and start writing its payment file."""
    batch = _locked_batch(batch_id)
    # Who may approve is checked first: a maker's "approve" of an approved batch is
    # refused, not a silent success.
    if not actor.has_role(R.ACCOUNTS_CHECKER):
        raise ValidationError(_("Only an accounts approver (checker) may approve a batch."),
                              code="not_checker")
    if batch.created_by_id == actor.pk:
        raise ValidationError(_("You made this batch; another approver must approve it."),
                              code="maker_is_checker")
    if batch.status in (B.APPROVED, B.FILE_READY, B.CLOSED):
        return batch  # a repeated click
    if batch.status != B.AWAITING_APPROVAL:
        raise ValidationError(_("Batch %(number)s cannot be approved (status %(status)s).")
                              % {"number": batch.number, "status": batch.get_status_display()},
                              code="wrong_status")
    batch.status = B.APPROVED
    batch.approved_by = actor
    batch.approved_at = timezone.now()
    batch.file_job = job_create(actor=actor, kind="payment_file",
                                params={"batch_id": batch.pk}, total=batch.line_count)
    batch.save(update_fields=["status", "approved_by", "approved_at", "file_job"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=batch, summary=f"batch approved: {batch.line_count} payments, "
                       f"₹{batch.total_amount}",
                       detail={"lines": batch.line_count, "total": str(batch.total_amount)})
    return batch


def payment_file_open(*, actor, batch: PaymentBatch, request=None):
    """Return the batch's payment file for download, recording who took it."""
    if not batch.file:
        raise ValidationError(_("The payment file is not ready yet."), code="not_ready")
    audit_event_record(action=AuditEvent.Action.EXPORT, request=request, actor=actor, obj=batch,
                       summary="payment file downloaded",
                       detail={"sha256": batch.file_sha256, "lines": batch.line_count})
    return batch.file.open("rb")


@transaction.atomic
def bank_response_upload(*, actor, batch_id: int, content: bytes, name: str,
                         is_simulated: bool = False, request=None) -> BankResponseFile:
    """Store a response file from the bank and start ingesting it in the background."""
    batch = _locked_batch(batch_id)
    if batch.status not in (B.FILE_READY, B.CLOSED):
        raise ValidationError(_("Batch %(number)s has no payment file at the bank yet.")
                              % {"number": batch.number}, code="wrong_status")
    digest = hashlib.sha256(content).hexdigest()
    earlier = batch.response_files.filter(sha256=digest).first()
    if earlier is not None:
        raise ValidationError(
            _("This file was already uploaded on %(date)s; nothing was applied twice.")
            % {"date": timezone.localtime(earlier.uploaded_at).strftime("%d/%m/%Y %H:%M")},
            code="duplicate_file")
    response = BankResponseFile(batch=batch, sha256=digest, original_name=name[:200],
                                is_simulated=is_simulated, uploaded_by=actor)
    response.file.save(f"{batch.number}-{digest[:12]}.csv", ContentFile(content), save=False)
    response.save()
    response.job = job_create(actor=actor, kind="payment_response_ingest",
                              params={"response_id": response.pk})
    response.save(update_fields=["job"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=batch, summary="bank response uploaded",
                       detail={"sha256": digest, "simulated": is_simulated})
    return response


def bank_simulation_run(*, actor, batch_id: int, failure_rate: float | None = None,
                        seed: int | None = None, request=None) -> BankResponseFile:
    """Let the simulated bank answer the batch's payment file (demonstrations and tests)."""
    if not settings.WELFARE_BANK_SIMULATOR:
        raise ValidationError(_("The simulated bank is switched off here."), code="off")
    batch = PaymentBatch.objects.get(pk=batch_id)
    if not batch.file:
        raise ValidationError(_("The payment file is not ready yet."), code="not_ready")
    with batch.file.open("rb") as handle:
        payment_file = handle.read()
    rate = settings.WELFARE_BANK_FAILURE_RATE if failure_rate is None else failure_rate
    seed = batch.pk if seed is None else seed
    content = bankfiles.bank_response_simulate(payment_file=payment_file, failure_rate=rate,
                                               seed=seed, on=timezone.localdate())
    return bank_response_upload(actor=actor, batch_id=batch_id, content=content,
                                name=f"simulated-bank-{batch.number}.csv", is_simulated=True,
                                request=request)


PAID_SMS = gettext_lazy("Shram Portal: %(amount)s of application %(number)s has been paid "
                        "to your bank account XXXXXX%(last4)s. UTR %(utr)s.")
FAILED_SMS = gettext_lazy("Shram Portal: the payment of application %(number)s failed "
                          "(%(reason)s). Please contact the labour office or a CSC to correct "
                          "your bank details.")
