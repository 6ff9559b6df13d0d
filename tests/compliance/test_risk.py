"""Factory risk: the score and category of compliance.rules.factory_risk, and how
services.factory_risk_refresh reads a factory's record (accidents, open violations,
self-certification) into it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance import rules, services
from compliance.models import Accident, Inspection
from tests.compliance.factories_safety import (
    AccidentFactory,
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
)
from tests.employers.factories import EstablishmentFactory

# A small retail factory with a clean record scores nothing.
BASE = {"sector": "retail", "is_hazardous": False, "workers": 10, "fatal_accidents": 0,
        "serious_accidents": 0, "open_violations": 0, "is_certifier": False}


def score(**changes) -> int:
    return rules.factory_risk(**{**BASE, **changes})[0]


def category(**changes) -> str:
    return rules.factory_risk(**{**BASE, **changes})[1]


# --- rules.factory_risk: each input ---------------------------------------------------


def test_a_small_retail_factory_with_a_clean_record_scores_nothing_and_is_low_risk():
    assert rules.factory_risk(**BASE) == (0, "low")


@pytest.mark.parametrize(("sector", "points"), [
    ("chemicals", 40), ("explosives", 40), ("pharma", 30), ("steel", 30), ("cement", 20),
    ("engineering", 20), ("textiles", 15), ("food", 10), ("retail", 0), ("other", 10)])
def test_the_sector_gives_its_points(sector, points):
    assert score(sector=sector) == points


def test_an_unknown_sector_counts_as_other():
    assert score(sector="not-a-sector") == score(sector="other") == 10


def test_a_hazardous_process_adds_thirty():
    assert score(is_hazardous=True) == 30


@pytest.mark.parametrize(("workers", "points"), [
    (19, 0), (20, 5), (99, 5), (100, 10), (499, 10), (500, 20), (5000, 20)])
def test_the_size_of_the_workforce_adds_points_by_band(workers, points):
    assert score(workers=workers) == points


def test_each_fatal_accident_adds_twenty_five_and_each_serious_one_ten():
    assert (score(fatal_accidents=1), score(serious_accidents=1),
            score(fatal_accidents=1, serious_accidents=2)) == (25, 10, 45)


def test_accidents_add_at_most_fifty():
    assert score(fatal_accidents=3) == 50
    assert score(fatal_accidents=1, serious_accidents=5) == 50


def test_each_open_violation_adds_ten_up_to_thirty():
    assert [score(open_violations=n) for n in (1, 2, 3, 4, 10)] == [10, 20, 30, 30, 30]


def test_a_certifier_earns_ten_back():
    assert score(sector="chemicals", is_certifier=True) == 30


def test_the_certifier_bonus_never_takes_the_score_below_zero():
    assert score(is_certifier=True) == 0


def test_every_input_at_its_worst_makes_a_high_risk_factory():
    worst = rules.factory_risk(sector="chemicals", is_hazardous=True, workers=1000,
                               fatal_accidents=9, serious_accidents=9, open_violations=9,
                               is_certifier=False)
    assert worst == (40 + 30 + 20 + 50 + 30, "high")


# --- rules.factory_risk: category boundaries --------------------------------------------
# Real inputs move the score in steps of five; a sector of made-up points reaches the
# exact scores on either side of each boundary.


@pytest.mark.parametrize(("points", "expected"), [
    (0, "low"), (29, "low"), (30, "medium"), (59, "medium"), (60, "high"), (140, "high")])
def test_the_category_changes_at_thirty_and_at_sixty(monkeypatch, points, expected):
    monkeypatch.setitem(rules.SECTOR_POINTS, "textiles", points)
    assert rules.factory_risk(**{**BASE, "sector": "textiles"}) == (points, expected)


def test_the_certifier_bonus_can_move_a_factory_down_a_category():
    # Chemicals 40 + 100 workers 10 + one serious accident 10 = 60.
    inputs = {**BASE, "sector": "chemicals", "workers": 100, "serious_accidents": 1}
    assert rules.factory_risk(**inputs) == (60, "high")
    assert rules.factory_risk(**{**inputs, "is_certifier": True}) == (50, "medium")


def test_a_hazardous_retail_factory_is_medium_and_low_once_certified():
    assert (category(is_hazardous=True), category(is_hazardous=True, is_certifier=True)) == (
        "medium", "low")


# --- services.factory_risk_refresh -----------------------------------------------------


@pytest.fixture
def factory(db, district_a):
    """An engineering factory of 120 workers, not hazardous: 20 + 10 = 30, medium."""
    establishment = EstablishmentFactory(district=district_a, sector="engineering")
    made = FactoryFactory(establishment=establishment, workers_employed=120,
                          risk_score=0, risk_category="low")
    return services.factory_risk_refresh(factory_id=made.pk)


def refreshed(factory):
    return services.factory_risk_refresh(factory_id=factory.pk)


def test_refresh_computes_the_score_from_sector_and_size(factory):
    factory.refresh_from_db()
    assert (factory.risk_score, factory.risk_category) == (30, "medium")


def test_a_fatal_accident_within_three_years_raises_the_category(factory):
    AccidentFactory(factory=factory, severity=Accident.Severity.FATAL, persons_killed=1,
                    occurred_at=timezone.now() - timedelta(days=2 * 365))
    factory = refreshed(factory)
    assert (factory.risk_score, factory.risk_category) == (55, "medium")
    AccidentFactory(factory=factory, severity=Accident.Severity.SERIOUS)
    factory = refreshed(factory)
    assert (factory.risk_score, factory.risk_category) == (65, "high")


def test_a_fatal_accident_older_than_three_years_does_not_count(factory):
    AccidentFactory(factory=factory, severity=Accident.Severity.FATAL, persons_killed=2,
                    occurred_at=timezone.now() - timedelta(days=3 * 365 + 10))
    factory = refreshed(factory)
    assert (factory.risk_score, factory.risk_category) == (30, "medium")


def test_an_inspection_awaiting_compliance_counts_as_an_open_violation(factory):
    today = timezone.localdate()
    InspectionFactory(factory=factory, status=Inspection.Status.DONE,
                      inspected_on=today - timedelta(days=3),
                      compliance=Inspection.Compliance.PENDING,
                      compliance_due_on=today + timedelta(days=20))
    assert refreshed(factory).risk_score == 40


def test_an_inspection_complied_with_no_longer_counts(factory):
    today = timezone.localdate()
    InspectionFactory(factory=factory, status=Inspection.Status.DONE,
                      inspected_on=today - timedelta(days=3),
                      compliance=Inspection.Compliance.ACCEPTED,
                      compliance_due_on=today + timedelta(days=20))
    assert refreshed(factory).risk_score == 30


def test_a_valid_self_certification_lowers_the_score(factory):
    SelfCertificationFactory(establishment=factory.establishment)
    factory = refreshed(factory)
    assert (factory.risk_score, factory.risk_category) == (20, "low")


def test_a_self_certification_of_an_earlier_year_does_not_lower_the_score(factory):
    SelfCertificationFactory(establishment=factory.establishment,
                             year=timezone.localdate().year - 1)
    assert refreshed(factory).risk_score == 30


def test_refresh_saves_the_new_score_on_the_factory(factory):
    AccidentFactory(factory=factory, severity=Accident.Severity.FATAL, persons_killed=1)
    AccidentFactory(factory=factory, severity=Accident.Severity.FATAL, persons_killed=1)
    refreshed(factory)
    factory.refresh_from_db()
    assert (factory.risk_score, factory.risk_category) == (80, "high")
