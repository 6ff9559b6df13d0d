"""compliance.rules: the stage of a case, overdue assistance and the package of a category.

The rules read unsaved cases, so most of these tests need no database.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from compliance import rules, selectors
from compliance.models import BondedCase, ChildCase, Outcome, RehabComponent
from tests.compliance.factories import BondedCaseFactory, RescueOperationFactory

S = BondedCase.Stage
L = BondedCase.LegalStage
C = ChildCase.Stage
TODAY = date(2026, 11, 20)


def bonded(**fields) -> BondedCase:
    return BondedCase(released_on=date(2026, 10, 1), **fields)


def component(status: str) -> RehabComponent:
    return RehabComponent(kind=RehabComponent.Kind.CASH, status=status,
                          status_on=date(2026, 11, 1))


def child(**fields) -> ChildCase:
    return ChildCase(rescued_on=date(2026, 10, 1), **fields)


# --- Bonded labour: stage ------------------------------------------------------------


def test_case_without_assistance_awaits_assistance():
    assert rules.bonded_stage(bonded(), []) == S.AWAITING_ASSISTANCE


def test_case_awaits_assistance_even_with_package_components_planned():
    done = component(RehabComponent.Status.DONE)
    assert rules.bonded_stage(bonded(), [done]) == S.AWAITING_ASSISTANCE


def test_assisted_case_without_components_awaits_the_package():
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 5))
    assert rules.bonded_stage(case, []) == S.AWAITING_PACKAGE


def test_assisted_case_with_a_component_not_done_is_rehabilitating():
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 5))
    parts = [component(RehabComponent.Status.DONE), component(RehabComponent.Status.PLANNED)]
    assert rules.bonded_stage(case, parts) == S.REHABILITATING


def test_assisted_case_with_every_component_done_is_rehabilitated():
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 5))
    parts = [component(RehabComponent.Status.DONE), component(RehabComponent.Status.DONE)]
    assert rules.bonded_stage(case, parts) == S.REHABILITATED


# --- Bonded labour: legal action -----------------------------------------------------


def test_legal_stage_follows_the_fir_charge_sheet_trial_and_judgment():
    case = bonded()
    seen = [rules.legal_stage(case)]
    case.fir_number, case.fir_on, case.fir_police_station = "112/2026", date(2026, 10, 2), "Urla"
    seen.append(rules.legal_stage(case))
    case.chargesheet_on = date(2026, 11, 1)
    seen.append(rules.legal_stage(case))
    case.court_case_number = "CJM/45/2026"
    seen.append(rules.legal_stage(case))
    case.outcome, case.outcome_on = Outcome.CONVICTED, date(2026, 11, 15)
    seen.append(rules.legal_stage(case))
    assert seen == [L.NONE, L.FIR, L.CHARGESHEET, L.TRIAL, L.DECIDED]


def test_any_outcome_but_pending_means_decided():
    assert rules.legal_stage(bonded(outcome=Outcome.ACQUITTED)) == L.DECIDED


# --- Child labour: stage -------------------------------------------------------------


def test_child_case_follows_order_placement_and_schooling():
    case = child()
    seen = [rules.child_stage(case)]
    case.cwc_order_on = date(2026, 10, 3)
    seen.append(rules.child_stage(case))
    case.placement = ChildCase.Placement.FAMILY
    seen.append(rules.child_stage(case))
    case.education = ChildCase.Education.SCHOOL
    seen.append(rules.child_stage(case))
    assert seen == [C.AWAITING_ORDER, C.AWAITING_PLACEMENT, C.AWAITING_SCHOOL, C.REHABILITATED]


# --- Immediate assistance: on time or late ----------------------------------------------


@pytest.fixture
def due_in_15_days(settings):
    settings.COMPLIANCE_ASSISTANCE_DUE_DAYS = 15


def test_assistance_paid_on_the_last_due_day_is_in_time(due_in_15_days):
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 16))
    assert rules.assistance_due_on(case.released_on) == date(2026, 10, 16)
    assert not rules.assistance_is_late(case, today=TODAY)


def test_assistance_paid_a_day_after_the_due_day_is_late(due_in_15_days):
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 17))
    assert rules.assistance_is_late(case, today=TODAY)


def test_unpaid_assistance_is_in_time_up_to_the_due_day(due_in_15_days):
    case = bonded()
    assert not rules.assistance_is_late(case, today=date(2026, 10, 16))


def test_unpaid_assistance_is_late_from_the_day_after_the_due_day(due_in_15_days):
    case = bonded()
    assert rules.assistance_days(case, today=date(2026, 10, 17)) == 16
    assert rules.assistance_is_late(case, today=date(2026, 10, 17))


def test_assistance_paid_in_time_stays_in_time_later():
    case = bonded(assistance_amount=30000, assistance_paid_on=date(2026, 10, 2))
    assert not rules.assistance_is_late(case, today=date(2027, 6, 1))


@pytest.mark.django_db
def test_overdue_count_agrees_with_the_rule_at_the_due_day(due_in_15_days, personas,
                                                           district_a):
    today = timezone.localdate()
    for days in (15, 16):
        operation = RescueOperationFactory(district=district_a,
                                           rescued_on=today - timedelta(days=days))
        BondedCaseFactory(operation=operation)
    [row] = selectors.bonded_counts(user=personas["officer_a"])
    late = [case.number for case in BondedCase.objects.all()
            if rules.assistance_is_late(case, today=today)]
    assert row["total"] == 2
    assert row["overdue"] == len(late) == 1


# --- The package and visits ----------------------------------------------------------------


def test_package_amount_of_each_category_comes_from_settings(settings):
    settings.COMPLIANCE_PACKAGE_AMOUNTS = {"general": 110000, "special": 220000,
                                           "extreme": 330000}
    assert [rules.package_amount(category) for category in BondedCase.Category.values] == [
        110000, 220000, 330000]


def test_next_visit_falls_due_after_the_configured_interval(settings):
    settings.COMPLIANCE_VISIT_INTERVAL_DAYS = 60
    assert rules.next_visit_after(date(2026, 10, 1)) == date(2026, 11, 30)
