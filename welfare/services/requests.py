"""Payments another part of the department asks welfare to make (DECISIONS: one payer).

Bonded labour assistance is not applied for: the district decides it and asks for
the payment. ``payment_request_create`` turns that request into a sanctioned
application of a request-only scheme, so the maker/checker batches, the bank file
and the ledger's exactly-once rules pay it like any other. The request's reference
(e.g. the case number and component) is its beneficiary key: asking twice returns
the first request, and the database refuses a second live one.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from registration.models import Worker
from welfare.models import Application, ApplicationTransition, Scheme
from welfare.services.applications import _number

S = Application.Status
REQUESTING_ROLES = (R.LABOUR_OFFICER, R.STATE_ADMIN)


def _reference_key(reference: str) -> str:
    return hashlib.sha256(f"request|{reference}".encode()).hexdigest()


@transaction.atomic
def payment_request_create(*, actor, worker_id: int, scheme_code: str, amount: Decimal,
                           reference: str, request=None) -> Application:
    """Ask for a payment to a worker under a request-only scheme; return its application.

    The application starts sanctioned (the requesting officer's decision is the
    sanction) and waits for the next payment batch. A repeated request with the
    same reference returns the live one unchanged.
    """
    if not actor.has_role(*REQUESTING_ROLES):
        raise ValidationError(_("Only an officer may ask for a payment."), code="not_officer")
    scheme = Scheme.objects.get(code=scheme_code)
    if not scheme.is_on_request:
        raise ValidationError(_("Payments under this scheme are applied for, not requested."),
                              code="not_on_request")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount")
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    key = _reference_key(reference)
    existing = (Application.objects.filter(scheme=scheme, beneficiary_key=key)
                .exclude(status=S.REJECTED).first())
    if existing is not None:
        return existing
    if worker.status != Worker.Status.ACTIVE:
        raise ValidationError(
            _("%(name)s's registration is not active; payments go to active workers only.")
            % {"name": worker.display_name}, code="worker_inactive")
    if not worker.bank_account_last4 or not worker.ifsc:
        raise ValidationError(
            _("Record %(name)s's bank account and IFSC in the registration first.")
            % {"name": worker.display_name}, code="no_bank_account")
    now = timezone.now()
    application = Application.objects.create(
        number=_number(timezone.localdate()), scheme=scheme, worker=worker,
        district=worker.district, channel=Application.Channel.OFFICER, applied_by=actor,
        beneficiary_name=worker.display_name, beneficiary_key=key, limit_key=key,
        period_key="request", amount_claimed=amount, amount_sanctioned=amount,
        submitted_at=now, verified_at=now, verified_by=actor, sanctioned_at=now,
        sanctioned_by=actor, status=S.SANCTIONED)
    ApplicationTransition.objects.create(application=application, to_status=S.SANCTIONED,
                                         actor=actor, reason=reference)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=application, district=application.district,
                       summary="payment requested",
                       detail={"scheme": scheme.code, "amount": str(amount),
                               "reference": reference})
    return application
