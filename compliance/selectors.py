"""Reads of the compliance app, always starting from core scoping."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from compliance.models import (
    BondedCase,
    ChildCase,
    ChildSurvey,
    RehabComponent,
    RescueOperation,
)
from core.scoping import scoped


def operation_list(*, user):
    """Return the rescue operations the user may see."""
    return scoped(user, RescueOperation).select_related("state", "district")


def bonded_case_list(*, user):
    """Return the bonded labour cases the user may see, with what the lists show."""
    return scoped(user, BondedCase).select_related(
        "operation__state", "origin_district", "release_district", "worker",
        "assistance_payment")


def bonded_case_detail(*, user):
    """Return the cases the user may see, with everything the case page shows."""
    return bonded_case_list(user=user).select_related(
        "handed_over_from", "operation__district", "created_by").prefetch_related(
        "components__payment", "hearings", "visits__officer")


def assistance_overdue_q(*, today: date) -> Q:
    """Cases still waiting for immediate assistance past the due days."""
    cutoff = today - timedelta(days=settings.COMPLIANCE_ASSISTANCE_DUE_DAYS)
    return Q(assistance_paid_on__isnull=True, released_on__lt=cutoff)


def bonded_awaiting_here(*, user):
    """Return cases from the user's districts released elsewhere and still awaiting assistance."""
    districts = list(user.district_ids)
    return bonded_case_list(user=user).filter(
        origin_district__in=districts, assistance_paid_on__isnull=True).exclude(
        release_district_id__in=districts)


def bonded_counts(*, user) -> list[dict]:
    """Return the user's cases counted by home district and stage, with overdue assistance."""
    today = timezone.localdate()
    rows = (bonded_case_list(user=user).order_by().values(
        "origin_district_id", "origin_district__name_en", "origin_district__name_hi")
        .annotate(total=Count("pk"),
                  **{stage: Count("pk", filter=Q(stage=stage))
                     for stage in BondedCase.Stage.values},
                  overdue=Count("pk", filter=assistance_overdue_q(today=today)),
                  trial=Count("pk", filter=Q(legal_stage__in=[
                      BondedCase.LegalStage.FIR, BondedCase.LegalStage.CHARGESHEET,
                      BondedCase.LegalStage.TRIAL])))
        .order_by("origin_district__name_en"))
    return list(rows)


def _median_days(queryset, start: str, end) -> float | None:
    """Return the median days between two dates of the rows (None when none has both)."""
    days = sorted((row["end"] - row[start]).days for row in
                  queryset.annotate(end=end).filter(end__isnull=False).values(start, "end"))
    if not days:
        return None
    middle = len(days) // 2
    return float(days[middle]) if len(days) % 2 else (days[middle - 1] + days[middle]) / 2


def bonded_milestones(*, user) -> dict:
    """Return the median days from release to each milestone, over the user's cases."""
    from django.db.models import Max

    cases = bonded_case_list(user=user)
    rehabilitated = cases.filter(stage=BondedCase.Stage.REHABILITATED)
    return {
        "assistance": _median_days(cases, "released_on", F("assistance_paid_on")),
        "fir": _median_days(cases, "released_on", F("fir_on")),
        "rehabilitated": _median_days(rehabilitated, "released_on",
                                      Max("components__status_on")),
        "judgment": _median_days(cases, "released_on", F("outcome_on")),
    }


def child_case_list(*, user):
    """Return the child labour cases the user may see."""
    return scoped(user, ChildCase).select_related("district", "survey")


def child_case_detail(*, user):
    """Return the child cases the user may see, with what the case page shows."""
    return child_case_list(user=user).select_related("created_by").prefetch_related(
        "hearings", "visits__officer")


def child_counts(*, user) -> list[dict]:
    """Return the user's child cases counted by district and stage."""
    return list(child_case_list(user=user).order_by().values(
        "district_id", "district__name_en", "district__name_hi")
        .annotate(total=Count("pk"),
                  **{stage: Count("pk", filter=Q(stage=stage))
                     for stage in ChildCase.Stage.values},
                  prosecution_pending=Count("pk", filter=Q(
                      complaint_on__isnull=False, outcome="pending")))
        .order_by("district__name_en"))


def child_survey_list(*, user):
    """Return the child labour surveys the user may see."""
    return scoped(user, ChildSurvey).select_related("district").annotate(
        cases_count=Count("cases"))


def visits_due(*, user, on: date | None = None) -> dict:
    """Return the bonded and child cases whose follow-up visit is due by ``on``."""
    on = on or timezone.localdate()
    bonded = bonded_case_list(user=user).filter(next_visit_on__lte=on).order_by("next_visit_on")
    children = child_case_list(user=user).filter(next_visit_on__lte=on).order_by(
        "next_visit_on")
    return {"bonded": bonded, "children": children}


def days_between(start: date, end: date | None) -> int | None:
    """Return whole days from ``start`` to ``end`` (None while ``end`` is unknown)."""
    return None if end is None else (end - start).days


def package_planned(case: BondedCase) -> dict:
    """Return the package of the case's category and what its components plan and have done."""
    from compliance.rules import package_amount

    components = list(case.components.all())
    planned = sum((part.amount or 0) for part in components)
    done = sum((part.amount or 0) for part in components
               if part.status == RehabComponent.Status.DONE)
    return {"limit": package_amount(case.category), "planned": planned, "done": done}


