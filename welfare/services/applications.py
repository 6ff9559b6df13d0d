"""Writes of welfare applications: submit, verify, sanction, send back, reject, correct.

Every service owns its transaction and writes its audit event in it; SMS go after
commit in the worker's language (``registration.services.worker_notify``).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_event_record
from core.crypto import encrypt_text
from core.models import AuditEvent
from core.money import rupees
from core.services import yearly_sequence_next
from registration.models import FamilyMember, Worker
from registration.services import worker_notify
from welfare.models import (
    Application,
    ApplicationDocument,
    ApplicationSequence,
    ApplicationTransition,
    Scheme,
    SchemeSlab,
)
from welfare.rules import beneficiary_may_repeat, eligibility_check

S = Application.Status
# Stages whose amount counts against the scheme's budget (sanctioned and later).
COMMITTED = [S.SANCTIONED, S.IN_BATCH, S.PAID, S.PAYMENT_FAILED]
DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _transition(*, application: Application, to: str, actor, reason: str = "",
                request=None) -> None:
    ApplicationTransition.objects.create(application=application,
                                         from_status=application.status, to_status=to,
                                         actor=actor, reason=reason)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=application, district=application.district,
                       summary=f"{application.status} -> {to}", detail={"reason": reason})
    application.status = to


def _locked(application_id: int) -> Application:
    return (Application.objects.select_for_update(of=("self",))
            .select_related("scheme", "worker", "worker__owner", "district")
            .get(pk=application_id))


def _refuse_status(application: Application, action: str):
    return ValidationError(
        _("Application %(number)s cannot be %(action)s from status “%(status)s”.")
        % {"number": application.number, "action": action,
           "status": application.get_status_display()}, code="wrong_status")


def _number(on) -> str:
    return f"WF-{on.year}-{yearly_sequence_next(ApplicationSequence, year=on.year):07d}"


def _attach(application: Application, documents, actor) -> None:
    for kind, upload, content_type in documents:
        content = upload.read()
        document = ApplicationDocument(
            application=application, kind=kind, original_name=upload.name[:200],
            content_type=content_type, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
        document.file.save(f"{document.uuid}.{DOCUMENT_EXTENSIONS[content_type]}",
                           ContentFile(content), save=False)
        document.save()


def _missing_documents(scheme: Scheme, kinds: set[str]) -> list[str]:
    from welfare.models import DocumentKind

    return [str(DocumentKind(kind).label) for kind in scheme.documents if kind not in kinds]


def _free_slot(scheme: Scheme, keys: dict, exclude_id: int | None = None) -> int | None:
    """Return the first of the scheme's allowed claims not taken (None: no limit)."""
    if not scheme.limit_count:
        return None
    taken = set(Application.objects.filter(
        scheme=scheme, limit_key=keys["limit_key"], period_key=keys["period_key"],
        claim_slot__isnull=False).exclude(status=S.REJECTED).exclude(pk=exclude_id)
        .values_list("claim_slot", flat=True))
    free = [slot for slot in range(1, scheme.limit_count + 1) if slot not in taken]
    return free[0] if free else None


def _limit_error() -> ValidationError:
    return ValidationError(_("This claim has already been made, or the scheme's limit has "
                             "been reached."), code="limit")


@transaction.atomic
def application_submit(*, actor, worker_id: int, scheme_id: int, channel: str,
                       family_member_id: int | None = None, slab_id: int | None = None,
                       documents=(), request=None) -> Application:
    """Submit a worker's application after the rule engine finds no reason against it.

    ``documents`` is a list of (kind, uploaded file, checked content type). Limits
    are decided under the worker's row lock and enforced again by the database.
    """
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    scheme = Scheme.objects.get(pk=scheme_id)
    member = (FamilyMember.objects.get(pk=family_member_id, worker=worker)
              if family_member_id else None)
    slab = SchemeSlab.objects.get(pk=slab_id, scheme=scheme) if slab_id else None
    today = timezone.localdate()
    result = eligibility_check(scheme=scheme, worker=worker, family_member=member, slab=slab,
                               on=today)
    if not result.is_eligible:
        raise ValidationError(result.reasons, code="not_eligible")
    missing = _missing_documents(scheme, {kind for kind, _u, _c in documents})
    if missing:
        raise ValidationError(_("Attach: %(documents)s.") % {"documents": ", ".join(missing)},
                              code="documents_missing")
    keys = {"beneficiary_key": result.beneficiary_key, "limit_key": result.limit_key,
            "period_key": result.period_key}
    slot = _free_slot(scheme, keys)
    if scheme.limit_count and slot is None:
        raise _limit_error()
    if beneficiary_may_repeat(scheme):
        # A second delivery of the same woman is a new claim, not the same one again:
        # the claim's slot tells it apart for the database's no-repeat constraint.
        keys["beneficiary_key"] = hashlib.sha256(
            f"{keys['beneficiary_key']}|{slot}".encode()).hexdigest()
    application = Application(
        number=_number(today), scheme=scheme, worker=worker, district=worker.district,
        channel=channel, applied_by=actor, family_member=member,
        beneficiary_name=member.name if member else worker.display_name, slab=slab,
        amount_claimed=result.amount, submitted_at=timezone.now(), claim_slot=slot, **keys)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        # Another worker of the same family claimed the last slot at the same moment.
        if "welfare_application_" in str(exc):
            raise _limit_error() from None
        raise
    ApplicationTransition.objects.create(application=application, to_status=S.SUBMITTED,
                                         actor=actor)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=application, district=application.district,
                       summary=f"submitted ({channel})",
                       detail={"scheme": scheme.code, "amount": str(result.amount)})
    _attach(application, documents, actor)
    worker_notify(worker, gettext_lazy(
        "Shram Portal: your application %(number)s for %(scheme)s has been received."),
        number=application.number, scheme=scheme.code.upper())
    return application


@transaction.atomic
def application_resubmit(*, actor, application_id: int, documents=(),
                         request=None) -> Application:
    """Send a corrected application (sent back) for verification again."""
    application = _locked(application_id)
    if application.status == S.SUBMITTED:
        return application
    if application.status != S.SENT_BACK:
        raise _refuse_status(application, _("resubmitted"))
    # Checked before any file is written: a refusal leaves no orphan file behind.
    kinds = set(application.documents.values_list("kind", flat=True))
    missing = _missing_documents(application.scheme, kinds | {kind for kind, _u, _c in documents})
    if missing:
        raise ValidationError(_("Attach: %(documents)s.") % {"documents": ", ".join(missing)},
                              code="documents_missing")
    _attach(application, documents, actor)
    _transition(application=application, to=S.SUBMITTED, actor=actor, request=request)
    application.submitted_at = timezone.now()
    application.save()
    return application


@transaction.atomic
def application_verify(*, actor, application_id: int, request=None) -> Application:
    """Record that an officer checked the application and its documents."""
    application = _locked(application_id)
    if application.status == S.VERIFIED:
        return application
    if application.status != S.SUBMITTED:
        raise _refuse_status(application, _("verified"))
    _transition(application=application, to=S.VERIFIED, actor=actor, request=request)
    application.verified_at = timezone.now()
    application.verified_by = actor
    application.save()
    return application


def sanction_limit(user) -> Decimal | None:
    """Return the most this user may sanction on one application (None: no limit)."""
    limits = settings.WELFARE_SANCTION_LIMITS
    best: Decimal | None = Decimal(0)
    for role in user.role_codes:
        if role not in limits:
            continue
        if limits[role] is None:
            return None
        best = max(best, Decimal(limits[role]))
    return best


def financial_year_start(on=None):
    """Return the first moment of the financial year (April to March) that ``on`` is in."""
    from datetime import date, datetime, time

    on = on or timezone.localdate()
    year = on.year if on.month >= 4 else on.year - 1
    return timezone.make_aware(datetime.combine(date(year, 4, 1), time.min))


def scheme_committed(scheme: Scheme) -> Decimal:
    """Return the amount sanctioned under the scheme this financial year (the budget's year)."""
    from django.db.models import Sum

    return Application.objects.filter(
        scheme=scheme, status__in=COMMITTED,
        sanctioned_at__gte=financial_year_start()).aggregate(
        total=Sum("amount_sanctioned"))["total"] or Decimal(0)


@transaction.atomic
def application_sanction(*, actor, application_id: int, amount: Decimal,
                         request=None) -> Application:
    """Sanction a verified application with an amount, within the officer's delegated limit."""
    application = _locked(application_id)
    if application.status == S.SANCTIONED:
        return application
    if application.status != S.VERIFIED:
        raise _refuse_status(application, _("sanctioned"))
    if amount is None or amount <= 0:
        raise ValidationError(_("Enter the amount to sanction."), code="amount")
    if amount > application.amount_claimed:
        raise ValidationError(
            _("The amount sanctioned cannot be more than the amount claimed (%(claimed)s).")
            % {"claimed": rupees(application.amount_claimed)}, code="amount")
    limit = sanction_limit(actor)
    if limit is not None and amount > limit:
        raise ValidationError(
            _("Your delegated limit is %(limit)s; send this application to the district or "
              "state admin to sanction.") % {"limit": rupees(limit)}, code="delegated_limit")
    scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    if scheme.budget_amount is not None and scheme_committed(scheme) + amount \
            > scheme.budget_amount:
        raise ValidationError(_("The budget of %(scheme)s is used up; this sanction would "
                                "exceed it.") % {"scheme": scheme.name}, code="budget")
    _transition(application=application, to=S.SANCTIONED, actor=actor, request=request,
                reason=rupees(amount))
    application.amount_sanctioned = amount
    application.sanctioned_at = timezone.now()
    application.sanctioned_by = actor
    application.save()
    worker_notify(application.worker, gettext_lazy(
        "Shram Portal: %(amount)s sanctioned on your application %(number)s. It will be "
        "paid to your bank account."), amount=rupees(amount), number=application.number)
    return application


def _decide(*, actor, application_id: int, to: str, reason: str, allowed: list[str],
            action: str, request, message) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason, so that the worker knows what to do."),
                              code="reason_required")
    application = _locked(application_id)
    if application.status == to:
        return application
    if application.status not in allowed:
        raise _refuse_status(application, action)
    _transition(application=application, to=to, actor=actor, reason=reason, request=request)
    application.decision_reason = reason
    application.save()
    worker_notify(application.worker, message, number=application.number,
                  reason=reason[:100])
    return application


@transaction.atomic
def application_send_back(*, actor, application_id: int, reason: str,
                          request=None) -> Application:
    """Send an application back to the worker for a correction, with the reason."""
    return _decide(actor=actor, application_id=application_id, to=S.SENT_BACK, reason=reason,
                   allowed=[S.SUBMITTED, S.VERIFIED], action=_("sent back"), request=request,
                   message=gettext_lazy("Shram Portal: your application %(number)s needs a "
                                        "correction: %(reason)s"))


@transaction.atomic
def application_reject(*, actor, application_id: int, reason: str,
                       request=None) -> Application:
    """Reject an application, with the reason (its claim no longer counts against limits)."""
    return _decide(actor=actor, application_id=application_id, to=S.REJECTED, reason=reason,
                   allowed=[S.SUBMITTED, S.VERIFIED, S.SENT_BACK], action=_("rejected"),
                   request=request,
                   message=gettext_lazy("Shram Portal: your application %(number)s was "
                                        "rejected: %(reason)s"))


@transaction.atomic
def application_payment_retry(*, actor, application_id: int, reason: str,
                              account_number: str = "", ifsc: str = "",
                              account_holder: str = "", request=None) -> Application:
    """Make a failed payment payable again, after the cause is corrected.

    New bank details (if given) are written to the worker's record, the old ones
    staying in its history. The next batch pays it under a new reference.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write what was corrected."), code="reason_required")
    application = _locked(application_id)
    if application.status == S.SANCTIONED:
        return application
    if application.status != S.PAYMENT_FAILED:
        raise _refuse_status(application, _("sent for payment again"))
    if application.payment_lines.filter(status__in=["pending", "unknown"]).exists():
        raise ValidationError(_("A payment of this application is still open with the bank."),
                              code="open_payment")
    if account_number or ifsc or account_holder:
        worker = Worker.objects.select_for_update().get(pk=application.worker_id)
        if account_number:
            worker.bank_account_encrypted = encrypt_text(account_number)
            worker.bank_account_last4 = account_number[-4:]
        if ifsc:
            worker.ifsc = ifsc
        if account_holder:
            worker.bank_account_holder = account_holder
        worker.save(update_fields=["bank_account_encrypted", "bank_account_last4", "ifsc",
                                   "bank_account_holder", "updated_at"])
        audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                           obj=worker, district=worker.district,
                           summary="bank details corrected after a failed payment",
                           detail={"application": application.number})
    _transition(application=application, to=S.SANCTIONED, actor=actor, reason=reason,
                request=request)
    application.failure_code = ""
    application.save()
    return application
