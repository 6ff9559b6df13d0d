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


# --- Factory risk -----------------------------------------------------------------------

# Points of a factory's sector (employers.models.Sector) toward its risk score.
SECTOR_POINTS = {"chemicals": 40, "petroleum": 40, "explosives": 40, "pharma": 30,
                 "steel": 30, "power": 30, "cement": 20, "engineering": 20, "textiles": 15,
                 "food": 10, "construction": 20, "retail": 0, "other": 10}
HIGH_RISK_FROM = 60
MEDIUM_RISK_FROM = 30


def factory_risk(*, sector: str, is_hazardous: bool, workers: int, fatal_accidents: int,
                 serious_accidents: int, open_violations: int,
                 is_certifier: bool) -> tuple[int, str]:
    """Return a factory's risk score and category from sector, hazard, size and history.

    History counts accidents of the last three years and inspections whose directions
    are not yet complied with. A voluntary-compliance certifier earns a little back.
    """
    score = SECTOR_POINTS.get(sector, 10)
    score += 30 if is_hazardous else 0
    score += 20 if workers >= 500 else 10 if workers >= 100 else 5 if workers >= 20 else 0
    score += min(fatal_accidents * 25 + serious_accidents * 10, 50)
    score += min(open_violations * 10, 30)
    score -= 10 if is_certifier else 0
    score = max(score, 0)
    category = ("high" if score >= HIGH_RISK_FROM else
                "medium" if score >= MEDIUM_RISK_FROM else "low")
    return score, category


# --- BOC cess -------------------------------------------------------------------------------


def cess_amount(cost, rate=None):
    """Return the cess on a cost of construction (1% by default), rounded to the rupee."""
    from decimal import ROUND_HALF_UP, Decimal

    rate = Decimal(str(rate if rate is not None else settings.COMPLIANCE_CESS_RATE))
    return (Decimal(cost) * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def months_late(due_on: date, paid_on: date) -> int:
    """Return the months of delay, a part of a month counting as a month (0 if in time)."""
    if paid_on <= due_on:
        return 0
    months = (paid_on.year - due_on.year) * 12 + (paid_on.month - due_on.month)
    # The same day of a later month closes a whole month; any day after opens another.
    if paid_on.day > due_on.day:
        months += 1
    return max(months, 1)


def cess_dues(*, amount, due_on: date, payments, today: date, rate_per_month=None) -> dict:
    """Return what a cess assessment still owes: principal, interest and the total.

    Interest is simple, at ``rate_per_month`` (2% by default) of the principal unpaid,
    for every month or part of a month of delay. Each payment first clears the interest
    accrued up to its date, then the principal. ``payments`` is (paid_on, amount) pairs.
    """
    from decimal import ROUND_HALF_UP, Decimal

    rate = Decimal(str(rate_per_month if rate_per_month is not None
                       else settings.COMPLIANCE_CESS_INTEREST_PER_MONTH))
    principal = Decimal(amount)
    interest_due = Decimal(0)
    interest_paid = Decimal(0)
    # Interest is charged per period between events, on the principal unpaid in it.
    charged_months = 0

    def accrue(until: date):
        nonlocal interest_due, charged_months
        months = months_late(due_on, until)
        if months > charged_months:
            interest_due += principal * rate * (months - charged_months)
            charged_months = months

    for paid_on, paid in sorted(payments, key=lambda item: item[0]):
        paid = Decimal(paid)
        accrue(paid_on)
        to_interest = min(paid, interest_due)
        interest_due -= to_interest
        interest_paid += to_interest
        principal -= min(paid - to_interest, principal)
    accrue(today)
    cents = Decimal("0.01")
    interest_due = interest_due.quantize(cents, rounding=ROUND_HALF_UP)
    return {"principal": principal.quantize(cents), "interest": interest_due,
            "interest_paid": interest_paid.quantize(cents),
            "total": (principal + interest_due).quantize(cents),
            "months_late": months_late(due_on, today) if principal > 0 else 0}
