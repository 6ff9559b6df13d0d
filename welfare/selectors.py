"""Reads of welfare, always starting from core scoping."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from core.scoping import scoped
from registration.models import Worker
from welfare.models import (
    Application,
    ApplicationTransition,
    PaymentBatch,
    PaymentLine,
    Scheme,
)
from welfare.rules import Eligibility, eligibility_check

A = Application.Status
L = PaymentLine.Status


def scheme_list(*, user, active_only: bool = False):
    """Return the scheme catalogue (with slabs) as the user may see it."""
    schemes = scoped(user, Scheme).prefetch_related("slabs")
    if active_only:
        schemes = schemes.filter(is_active=True)
    return schemes


def scheme_eligibility(*, worker: Worker, schemes) -> list[tuple[Scheme, Eligibility]]:
    """Return each scheme with what stands between the worker and applying (before choosing)."""
    worker = Worker.objects.prefetch_related("family").get(pk=worker.pk)
    return [(scheme, eligibility_check(scheme=scheme, worker=worker, is_complete=False))
            for scheme in schemes]


def application_list(*, user):
    """Return the applications the user may see, with what the lists show."""
    return scoped(user, Application).select_related("scheme", "worker", "district", "slab")


def application_queue(*, user):
    """Return the applications awaiting an officer (verification or sanction), oldest first."""
    return application_list(user=user).filter(
        status__in=[A.SUBMITTED, A.VERIFIED]).order_by("submitted_at")


def application_detail_list(*, user):
    """Return the user's applications with documents, steps and payments loaded."""
    return application_list(user=user).select_related(
        "family_member", "applied_by", "worker__owner").prefetch_related(
        "documents",
        Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")),
        Prefetch("payment_lines", queryset=PaymentLine.objects.select_related("batch")
                 .order_by("pk")))


def worker_applications(*, user, worker: Worker):
    """Return one worker's applications (their own page), newest first."""
    return application_list(user=user).filter(worker=worker)


def payable_applications(*, scheme_id=None, district_id=None, sanctioned_from=None,
                         sanctioned_to=None):
    """Return what a batch with these filters would take: sanctioned, with bank details."""
    payable = Application.objects.filter(status=A.SANCTIONED).exclude(
        worker__bank_account_last4="").exclude(worker__ifsc="")
    if scheme_id:
        payable = payable.filter(scheme_id=scheme_id)
    if district_id:
        payable = payable.filter(district_id=district_id)
    if sanctioned_from:
        payable = payable.filter(sanctioned_at__date__gte=sanctioned_from)
    if sanctioned_to:
        payable = payable.filter(sanctioned_at__date__lte=sanctioned_to)
    return payable


def payable_summary(**filters) -> dict:
    """Return the count and rupees a batch with these filters would take."""
    totals = payable_applications(**filters).aggregate(count=Count("pk"),
                                                       amount=Sum("amount_sanctioned"))
    return {"count": totals["count"], "amount": totals["amount"] or Decimal(0)}


def batch_list(*, user):
    """Return the payment batches the user may see."""
    return scoped(user, PaymentBatch).select_related("scheme", "district", "created_by",
                                                     "approved_by")


def batch_lines(*, user, batch: PaymentBatch):
    """Return a batch's lines (the ledger) with their applications."""
    return scoped(user, PaymentLine).filter(batch=batch).select_related(
        "application__scheme", "application__district").order_by("pk")


def batch_totals(batch: PaymentBatch) -> dict:
    """Return the batch's lines by status: counts and rupees (they add up to the batch)."""
    rows = batch.lines.values("status").annotate(count=Count("pk"), amount=Sum("amount"))
    totals = {status: {"count": 0, "amount": Decimal(0)} for status in L.values}
    for row in rows:
        totals[row["status"]] = {"count": row["count"], "amount": row["amount"]}
    return totals


def scheme_reconciliation(*, user) -> list[dict]:
    """Return, per scheme, what was sanctioned and where that money is now.

    Sanctioned = awaiting a batch + with the bank + paid + failed (awaiting correction),
    counts and rupees; the four stages partition the sanctioned applications, so
    they always add up. Budget used is what was sanctioned this financial year.
    """
    def stage(status):
        return {f"{status}_count": Count("pk", filter=Q(status=status)),
                f"{status}_amount": Sum("amount_sanctioned", filter=Q(status=status))}

    from welfare.services.applications import financial_year_start

    rows = (application_list(user=user)
            .filter(status__in=[A.SANCTIONED, A.IN_BATCH, A.PAID, A.PAYMENT_FAILED])
            .values("scheme_id")
            .annotate(count=Count("pk"), amount=Sum("amount_sanctioned"),
                      this_year=Sum("amount_sanctioned",
                                    filter=Q(sanctioned_at__gte=financial_year_start())),
                      **stage(A.SANCTIONED), **stage(A.IN_BATCH), **stage(A.PAID),
                      **stage(A.PAYMENT_FAILED)))
    by_scheme = {row["scheme_id"]: row for row in rows}
    result = []
    for scheme in Scheme.objects.order_by("name_en"):
        row = by_scheme.get(scheme.pk, {})
        entry = {"scheme": scheme, "count": row.get("count", 0),
                 "amount": row.get("amount") or Decimal(0)}
        for status in (A.SANCTIONED, A.IN_BATCH, A.PAID, A.PAYMENT_FAILED):
            entry[status] = {"count": row.get(f"{status}_count", 0),
                             "amount": row.get(f"{status}_amount") or Decimal(0)}
        # The budget is for the financial year: what was sanctioned this year uses it.
        entry["budget"] = scheme.budget_amount
        entry["budget_used"] = row.get("this_year") or Decimal(0)
        entry["budget_percent"] = (int(entry["budget_used"] * 100 / scheme.budget_amount)
                                   if scheme.budget_amount else None)
        result.append(entry)
    return result


def application_stage_counts(*, user) -> dict:
    """Return the user's applications counted by status (home page and dashboards)."""
    rows = application_list(user=user).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def recent_paid(*, user, days: int = 30):
    """Return applications paid in the last ``days`` days."""
    since = timezone.localdate() - timedelta(days=days)
    return application_list(user=user).filter(status=A.PAID, paid_on__gte=since)
