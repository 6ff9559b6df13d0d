"""The one place that decides a case's stage and whether something is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from compliance.models import BondedCase, ChildCase, Outcome, RehabComponent


def bonded_stage(case: BondedCase, components: list[RehabComponent]) -> str:
    """Return the stage of a bonded labour case from its assistance and package."""
    S = BondedCase.Stage
    if case.assistance_paid_on is None:
        return S.AWAITING_ASSISTANCE
    if not components:
        return S.AWAITING_PACKAGE
    if all(part.status == RehabComponent.Status.DONE for part in components):
        return S.REHABILITATED
    return S.REHABILITATING


def legal_stage(case: BondedCase) -> str:
    """Return how far the prosecution of the employer has gone."""
    L = BondedCase.LegalStage
    if case.outcome != Outcome.PENDING:
        return L.DECIDED
    if case.court_case_number:
        return L.TRIAL
    if case.chargesheet_on:
        return L.CHARGESHEET
    if case.fir_number:
        return L.FIR
    return L.NONE


def child_stage(case: ChildCase) -> str:
    """Return the stage of a child labour case: order, placement, schooling."""
    S = ChildCase.Stage
    if case.cwc_order_on is None:
        return S.AWAITING_ORDER
    if not case.placement:
        return S.AWAITING_PLACEMENT
    if not case.education:
        return S.AWAITING_SCHOOL
    return S.REHABILITATED


def assistance_due_on(released_on: date) -> date:
    """Return the last day on which immediate assistance is paid in time."""
    return released_on + timedelta(days=settings.COMPLIANCE_ASSISTANCE_DUE_DAYS)


def assistance_days(case: BondedCase, *, today: date) -> int:
    """Return the days from release to payment (or to today while unpaid)."""
    return ((case.assistance_paid_on or today) - case.released_on).days


def assistance_is_late(case: BondedCase, *, today: date) -> bool:
    """Return whether assistance was paid late or is unpaid past its due day (shown red)."""
    return assistance_days(case, today=today) > settings.COMPLIANCE_ASSISTANCE_DUE_DAYS


def package_amount(category: str) -> int:
    """Return the rehabilitation package of a beneficiary category (rupees)."""
    return settings.COMPLIANCE_PACKAGE_AMOUNTS[category]


def next_visit_after(day: date) -> date:
    """Return when the next follow-up visit falls due after a visit (or a release)."""
    return day + timedelta(days=settings.COMPLIANCE_VISIT_INTERVAL_DAYS)
