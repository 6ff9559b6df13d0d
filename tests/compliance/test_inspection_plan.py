"""The monthly risk-based inspection plan (services.inspection_plan_month).

High-risk factories every month, medium and low ones by their rota, self-certifiers
only in a random sample; assigned to the district's inspectors by load.
"""

from datetime import timedelta
from statistics import mean

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance import services
from compliance.models import Factory, Inspection, SelfCertification
from compliance.services.safety import _months_back
from core.models import AuditEvent
from core.roles import RoleCode as R
from employers.models import Establishment
from tests.compliance.factories_safety import (
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
)
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)
OUTSIDE = "That district is outside your jurisdiction."


def make_factory(district, risk: str, **fields) -> Factory:
    return FactoryFactory(establishment=EstablishmentFactory(district=district),
                          risk_category=risk, **fields)


def inspected(factory: Factory, months_ago: int, *, day: int = 10) -> Inspection:
    """A routine inspection of a month some months back, done in that month."""
    month = _months_back(MONTH, months_ago)
    return InspectionFactory(factory=factory, month=month, status=Inspection.Status.DONE,
                             inspected_on=month.replace(day=day))


def plan(user, district, *, month=MONTH, seed=1) -> dict:
    return services.inspection_plan_month(actor=user, district=district, month=month,
                                          seed=seed)


def planned(month=MONTH) -> dict[int, str]:
    """Factory id -> reason of the month's routine plan."""
    return dict(Inspection.objects.filter(month=month).exclude(
        reason__in=[Inspection.Reason.COMPLAINT, Inspection.Reason.ACCIDENT])
        .values_list("factory_id", "reason"))


# --- Who is planned ---------------------------------------------------------------------


def test_a_high_risk_factory_is_planned_every_month_even_if_inspected_last_month(
        personas, district_a):
    factory = make_factory(district_a, "high")
    inspected(factory, 1)
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.HIGH_RISK}


def test_a_medium_risk_factory_never_inspected_is_planned_by_rota(personas, district_a):
    factory = make_factory(district_a, "medium")
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.ROTA}


def test_a_medium_risk_factory_last_inspected_a_rota_ago_is_planned(personas, district_a):
    factory = make_factory(district_a, "medium")
    inspected(factory, settings.COMPLIANCE_MEDIUM_ROTA_MONTHS)
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.ROTA}


def test_a_medium_risk_factory_inspected_within_its_rota_is_not_planned(personas,
                                                                        district_a):
    factory = make_factory(district_a, "medium")
    inspected(factory, settings.COMPLIANCE_MEDIUM_ROTA_MONTHS - 1)
    plan(personas["inspector_a"], district_a)
    assert planned() == {}


def test_a_medium_risk_factory_inspected_last_month_is_not_planned(personas, district_a):
    factory = make_factory(district_a, "medium")
    inspected(factory, 1)
    plan(personas["inspector_a"], district_a)
    assert planned() == {}


def test_the_rota_counts_from_the_day_of_inspection_not_the_month_it_was_planned_for(
        personas, district_a):
    # Planned long ago, carried out only last month: the factory was just inspected.
    factory = make_factory(district_a, "medium")
    InspectionFactory(factory=factory, month=_months_back(MONTH, 5),
                      status=Inspection.Status.DONE,
                      inspected_on=_months_back(MONTH, 1).replace(day=20))
    plan(personas["inspector_a"], district_a)
    assert planned() == {}


def test_a_planned_inspection_not_yet_made_does_not_count_as_an_inspection(personas,
                                                                           district_a):
    factory = make_factory(district_a, "medium")
    InspectionFactory(factory=factory, month=_months_back(MONTH, 1))
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.ROTA}


def test_a_low_risk_factory_follows_its_own_longer_rota(personas, district_a):
    rota = settings.COMPLIANCE_LOW_ROTA_MONTHS
    due, recent, never = (make_factory(district_a, "low") for _ in range(3))
    inspected(due, rota)
    inspected(recent, rota - 1)
    plan(personas["inspector_a"], district_a)
    assert planned() == {due.pk: Inspection.Reason.ROTA, never.pk: Inspection.Reason.ROTA}


def test_only_the_districts_active_factories_are_planned(personas, district_a, district_b):
    ours = make_factory(district_a, "high")
    make_factory(district_b, "high")
    closed = make_factory(district_a, "high")
    Establishment.objects.filter(pk=closed.establishment_id).update(is_active=False)
    plan(personas["inspector_a"], district_a)
    assert planned() == {ours.pk: Inspection.Reason.HIGH_RISK}


def test_the_plan_is_for_the_first_day_of_the_month_given(personas, district_a):
    make_factory(district_a, "high")
    plan(personas["inspector_a"], district_a, month=MONTH.replace(day=17))
    assert list(Inspection.objects.values_list("month", flat=True)) == [MONTH]


# --- Self-certifiers ----------------------------------------------------------------------


def test_a_certifier_is_never_planned_as_high_risk_or_by_rota_only_as_a_sample(
        personas, district_a):
    factories = [make_factory(district_a, risk) for risk in ("high", "medium", "low")]
    for factory in factories:
        SelfCertificationFactory(establishment=factory.establishment)
    reasons = set()
    for seed in range(1, 41):
        plan(personas["inspector_a"], district_a, seed=seed)
        reasons |= set(planned().values())
        Inspection.objects.all().delete()
    assert reasons == {Inspection.Reason.SAMPLE}


def test_a_certifier_whose_certification_was_revoked_is_planned_by_risk_again(
        personas, district_a):
    factory = make_factory(district_a, "high")
    SelfCertificationFactory(establishment=factory.establishment,
                             status=SelfCertification.Status.REVOKED,
                             revoked_at=timezone.now())
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.HIGH_RISK}


@pytest.fixture
def certifiers(district_a) -> list[int]:
    """200 self-certified factories of district A (bulk made: the sample needs many)."""
    owner = UserFactory(roles=[R.EMPLOYER])
    establishments = Establishment.objects.bulk_create([
        Establishment(owner=owner, name=f"Certifier {n}", kind=Establishment.Kind.FACTORY,
                      sector="engineering", address="Urla", district=district_a,
                      pan="AAACR1234F", workers_count=50) for n in range(200)])
    until = timezone.localdate() + timedelta(days=365)
    factories = Factory.objects.bulk_create([
        Factory(establishment=est, district=district_a, licence_number=f"CERT/{est.pk}",
                licence_valid_until=until, workers_employed=50, risk_category="high",
                risk_score=70) for est in establishments])
    SelfCertification.objects.bulk_create([
        SelfCertification(establishment=est, district=district_a, year=MONTH.year,
                          checklist={"factories": True}, registers="registers.pdf",
                          submitted_by=owner) for est in establishments])
    return [factory.pk for factory in factories]


def test_the_certifier_sample_share_is_as_configured_over_many_plans(personas, district_a,
                                                                     certifiers):
    # Each run plans a fresh month (the previous plan removed), seeds 1..30.
    shares = []
    for seed in range(1, 31):
        result = plan(personas["inspector_a"], district_a, seed=seed)
        assert result["planned"] == result["sample"]
        shares.append(result["sample"] / len(certifiers))
        Inspection.objects.all().delete()
    assert abs(mean(shares) - settings.COMPLIANCE_CERTIFIER_SAMPLE_SHARE) <= 0.03


def test_the_same_seed_samples_the_same_certifiers(personas, district_a, certifiers):
    def sample(seed):
        plan(personas["inspector_a"], district_a, seed=seed)
        chosen = set(planned())
        Inspection.objects.all().delete()
        return chosen

    first = sample(7)
    assert first and sample(7) == first
    assert sample(8) != first


def test_no_certifier_is_planned_when_the_sample_share_is_zero(personas, district_a,
                                                               settings):
    settings.COMPLIANCE_CERTIFIER_SAMPLE_SHARE = 0
    certified = make_factory(district_a, "high")
    SelfCertificationFactory(establishment=certified.establishment)
    other = make_factory(district_a, "high")
    plan(personas["inspector_a"], district_a)
    assert planned() == {other.pk: Inspection.Reason.HIGH_RISK}


# --- Planning twice, inspectors, jurisdiction, audit ---------------------------------------


def test_planning_the_month_twice_adds_nothing(personas, district_a):
    make_factory(district_a, "high")
    make_factory(district_a, "medium")
    assert plan(personas["inspector_a"], district_a)["planned"] == 2
    assert plan(personas["inspector_a"], district_a, seed=2)["planned"] == 0
    assert Inspection.objects.count() == 2


def test_the_database_refuses_a_second_routine_inspection_in_the_same_month(district_a):
    factory = make_factory(district_a, "high")
    InspectionFactory(factory=factory, reason=Inspection.Reason.HIGH_RISK)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(factory=factory, reason=Inspection.Reason.ROTA)


def test_an_inspection_for_a_cause_does_not_keep_the_factory_out_of_the_plan(personas,
                                                                           district_a):
    factory = make_factory(district_a, "high")
    InspectionFactory(factory=factory, reason=Inspection.Reason.COMPLAINT)
    plan(personas["inspector_a"], district_a)
    assert planned() == {factory.pk: Inspection.Reason.HIGH_RISK}


def test_inspections_go_to_the_least_loaded_inspector_in_turn(personas, district_a,
                                                              district_b):
    first = personas["inspector_a"]
    second = UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_a])
    # The first already has two visits waiting (elsewhere): the second catches up first.
    for _ in range(2):
        InspectionFactory(factory=make_factory(district_b, "low"), inspector=first,
                          reason=Inspection.Reason.COMPLAINT)
    factories = [make_factory(district_a, "high") for _ in range(4)]
    result = plan(first, district_a)
    order = list(Inspection.objects.filter(factory__in=factories).order_by("factory_id")
                 .values_list("inspector_id", flat=True))
    assert order == [second.pk, second.pk, first.pk, second.pk]
    assert result["unassigned"] == 0
    assert {user.pk: Inspection.objects.filter(inspector=user,
                                               status=Inspection.Status.PLANNED).count()
            for user in (first, second)} == {first.pk: 3, second.pk: 3}


def test_an_inspector_of_another_district_gets_none_of_the_plan(personas, district_a,
                                                                district_b):
    inspector_b = UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b])
    make_factory(district_a, "high")
    plan(personas["state_admin"], district_a)
    assert not Inspection.objects.filter(inspector=inspector_b).exists()
    assert Inspection.objects.get().inspector == personas["inspector_a"]


def test_a_district_without_inspectors_gets_an_unassigned_plan(personas, district_b):
    make_factory(district_b, "high")
    result = plan(personas["state_admin"], district_b)
    assert (result["planned"], result["unassigned"]) == (1, 1)
    assert Inspection.objects.get().inspector is None


def test_an_inspector_of_district_b_cannot_plan_district_a(personas, district_a, district_b):
    inspector_b = UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b])
    make_factory(district_a, "high")
    with pytest.raises(ValidationError) as refused:
        plan(inspector_b, district_a)
    assert refused.value.messages == [OUTSIDE]
    assert not Inspection.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.JOB).exists()


def test_a_labour_officer_cannot_plan_inspections(personas, district_a):
    make_factory(district_a, "high")
    with pytest.raises(ValidationError) as refused:
        plan(personas["officer_a"], district_a)
    assert refused.value.messages == ["Only a safety inspector may do this."]
    assert not Inspection.objects.exists()


def test_the_state_admin_can_plan_any_district(personas, district_a):
    make_factory(district_a, "high")
    assert plan(personas["state_admin"], district_a)["planned"] == 1


def test_the_plan_is_audited_with_its_counts(personas, district_a):
    make_factory(district_a, "high")
    make_factory(district_a, "medium")
    make_factory(district_a, "low")
    certified = make_factory(district_a, "medium")
    SelfCertificationFactory(establishment=certified.establishment)
    result = plan(personas["inspector_a"], district_a, seed=5)
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB)
    sampled = result["sample"]
    assert result == {"planned": 3 + sampled, "high_risk": 1, "rota": 2, "sample": sampled,
                      "unassigned": 0}
    assert (event.actor, event.district, event.object_type) == (
        personas["inspector_a"], district_a, "compliance.inspection")
    assert event.detail == {"high_risk": 1, "rota": 2, "sample": sampled, "certifiers": 1,
                            "seed": 5}
    assert f"{3 + sampled} planned" in event.summary
