"""Voluntary compliance: an establishment's yearly self-certification
(services.self_certify) and what it changes: risk and the routine inspection plan.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance import services
from compliance.models import Inspection, SelfCertification
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.compliance.factories_safety import FactoryFactory, SelfCertificationFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def establishment(personas, district_a):
    return EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                sector="engineering")


def registers():
    return SimpleUploadedFile("registers.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def certify(establishment, actor, **changes):
    values = {"acts": ["factories", "wages"], "is_declared": True, "registers": registers()}
    values.update(changes)
    return services.self_certify(actor=actor, establishment_id=establishment.pk, **values)


def test_the_employer_self_certifies_for_this_year(personas, establishment, district_a):
    certification = certify(establishment, personas["employer_a"])
    assert (certification.year, certification.status, certification.district,
            certification.submitted_by) == (YEAR, SelfCertification.Status.VALID, district_a,
                                            personas["employer_a"])
    assert certification.checklist == {"factories": True, "wages": True}
    assert certification.registers.name.endswith(".pdf")
    assert AuditEvent.objects.filter(object_type="compliance.selfcertification",
                                     object_id=str(certification.pk)).exists()


def test_unknown_acts_are_dropped(personas, establishment):
    certification = certify(establishment, personas["employer_a"],
                            acts=["factories", "made-up act"])
    assert certification.checklist == {"factories": True}


def test_an_establishment_self_certifies_once_a_year(personas, establishment):
    certify(establishment, personas["employer_a"])
    with pytest.raises(ValidationError) as caught:
        certify(establishment, personas["employer_a"], acts=["boc"])
    assert caught.value.messages == [
        f"This establishment has already self-certified for {YEAR}."]
    assert SelfCertification.objects.count() == 1


def test_last_years_certification_does_not_stop_this_years(personas, establishment):
    SelfCertificationFactory(establishment=establishment, year=YEAR - 1)
    assert certify(establishment, personas["employer_a"]).year == YEAR


def test_a_certification_revoked_this_year_cannot_be_replaced_this_year(personas,
                                                                        establishment):
    SelfCertificationFactory(establishment=establishment, year=YEAR,
                             status=SelfCertification.Status.REVOKED,
                             revoked_at=timezone.now())
    with pytest.raises(ValidationError):
        certify(establishment, personas["employer_a"])
    assert SelfCertification.objects.count() == 1


def test_at_least_one_act_is_required(personas, establishment):
    with pytest.raises(ValidationError) as caught:
        certify(establishment, personas["employer_a"], acts=["not-an-act"])
    assert caught.value.message_dict == {"acts": ["Tick the acts you comply with."]}
    assert not SelfCertification.objects.exists()


def test_the_declaration_is_required(personas, establishment):
    with pytest.raises(ValidationError) as caught:
        certify(establishment, personas["employer_a"], is_declared=False)
    assert caught.value.message_dict == {"is_declared": ["Confirm the declaration to certify."]}
    assert not SelfCertification.objects.exists()


def test_the_registers_are_required(personas, establishment):
    with pytest.raises(ValidationError) as caught:
        certify(establishment, personas["employer_a"], registers=None)
    assert caught.value.message_dict == {"registers": ["Attach your registers (PDF)."]}
    assert not SelfCertification.objects.exists()


def test_every_missing_part_is_reported_at_once(personas, establishment):
    with pytest.raises(ValidationError) as caught:
        certify(establishment, personas["employer_a"], acts=[], is_declared=False,
                registers=None)
    assert set(caught.value.message_dict) == {"acts", "is_declared", "registers"}


def test_another_employer_cannot_certify_the_establishment(establishment):
    stranger = UserFactory(roles=[R.EMPLOYER])
    with pytest.raises(establishment.DoesNotExist):
        certify(establishment, stranger)
    assert not SelfCertification.objects.exists()


def test_certifying_lowers_the_factorys_risk(personas, establishment):
    factory = services.factory_risk_refresh(
        factory_id=FactoryFactory(establishment=establishment, workers_employed=120).pk)
    assert (factory.risk_score, factory.risk_category) == (30, "medium")
    certify(establishment, personas["employer_a"])
    factory.refresh_from_db()
    assert (factory.risk_score, factory.risk_category) == (20, "low")


def test_certifiers_are_left_out_of_the_routine_plan(personas, district_a, settings):
    # With no sample drawn, a certifier is never planned, whatever its risk.
    settings.COMPLIANCE_CERTIFIER_SAMPLE_SHARE = 0
    employer = personas["employer_a"]
    certified = {}
    for risk in ("high", "medium", "low"):
        establishment = EstablishmentFactory(owner=employer, district=district_a)
        certified[risk] = FactoryFactory(establishment=establishment, risk_category=risk)
        certify(establishment, employer)
        # Keep the category under test (certifying recomputed it).
        type(certified[risk]).objects.filter(pk=certified[risk].pk).update(
            risk_category=risk)
    routine = FactoryFactory(establishment=EstablishmentFactory(district=district_a),
                             risk_category="medium")
    result = services.inspection_plan_month(actor=personas["inspector_a"],
                                            district=district_a, month=MONTH, seed=3)
    assert list(Inspection.objects.values_list("factory_id", "reason")) == [
        (routine.pk, Inspection.Reason.ROTA)]
    assert (result["planned"], result["sample"]) == (1, 0)
