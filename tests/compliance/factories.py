"""Factories of compliance: rescue operations, bonded labour and child labour cases."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from compliance import rules
from compliance.models import BondedCase, ChildCase, ChildSurvey, RescueOperation
from registration.models import Worker
from tests.core.factories import DistrictFactory, StateFactory, UserFactory


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


class RescueOperationFactory(DjangoModelFactory):
    """A rescue in this state's district (``district``); set ``state`` and
    ``place_district_name`` and ``district=None`` for one in another state."""

    class Meta:
        model = RescueOperation

    rescued_on = factory.LazyFunction(lambda: days_ago(10))
    place = "Brick kiln, Dharsiwa"
    district = factory.SubFactory(DistrictFactory)
    state = factory.LazyAttribute(lambda o: o.district.state if o.district else StateFactory())
    agency = "District administration and police"
    created_by = factory.SubFactory(UserFactory)


class BondedCaseFactory(DjangoModelFactory):
    """A released person awaiting immediate assistance, home district = district of release."""

    class Meta:
        model = BondedCase

    number = factory.Sequence(lambda n: f"BL-2026-{n + 1:05d}")
    operation = factory.SubFactory(RescueOperationFactory)
    name = "Budhram Dhruw"
    relative_name = "Sukhram Dhruw"
    gender = Worker.Gender.MALE
    age = 34
    mobile = "9876512345"
    origin_district = factory.LazyAttribute(lambda o: o.operation.district or DistrictFactory())
    release_district = factory.LazyAttribute(lambda o: o.operation.district)
    released_on = factory.LazyAttribute(lambda o: o.operation.rescued_on)
    employer_name = "Kiln owner Ramesh"
    work = "Brick kiln"
    advance_amount = 20000
    certificate_number = factory.Sequence(lambda n: f"RC/{n}/2026")
    certificate_on = factory.LazyAttribute(lambda o: o.released_on)
    certificate_magistrate = "SDM Dharsiwa"
    next_visit_on = factory.LazyAttribute(lambda o: rules.next_visit_after(o.released_on))
    created_by = factory.SubFactory(UserFactory)


class ChildSurveyFactory(DjangoModelFactory):
    class Meta:
        model = ChildSurvey

    district = factory.SubFactory(DistrictFactory)
    area = "Station road market"
    starts_on = factory.LazyFunction(lambda: days_ago(20))
    ends_on = factory.LazyFunction(lambda: days_ago(18))
    team = "Labour inspector, AHTU, Childline"
    cwc_members = "CWC chairperson"
    created_by = factory.SubFactory(UserFactory)


class ChildCaseFactory(DjangoModelFactory):
    """A child just rescued (awaiting the CWC order)."""

    class Meta:
        model = ChildCase

    number = factory.Sequence(lambda n: f"CL-2026-{n + 1:05d}")
    district = factory.SubFactory(DistrictFactory)
    rescued_on = factory.LazyFunction(lambda: days_ago(15))
    name = "Sonu Kumar"
    gender = Worker.Gender.MALE
    age = 13
    age_proof = ChildCase.AgeProof.SCHOOL_RECORD
    guardian_name = "Ramesh Kumar"
    establishment_name = "Sharma Dhaba"
    employer_name = "Vinod Sharma"
    work = "Washing dishes"
    is_hazardous = False
    next_visit_on = factory.LazyAttribute(lambda o: rules.next_visit_after(o.rescued_on))
    created_by = factory.SubFactory(UserFactory)
