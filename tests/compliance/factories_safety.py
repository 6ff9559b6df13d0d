"""Factories of factory safety, cess and voluntary compliance."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory import LazyAttribute, LazyFunction, SubFactory
from factory.django import DjangoModelFactory

from compliance.models import (
    Accident,
    CessAssessment,
    ConstructionProject,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
)
from employers.models import Establishment
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory


class FactoryFactory(DjangoModelFactory):
    """A licensed factory (risk as given; call factory_risk_refresh to compute it)."""

    class Meta:
        model = Factory

    establishment = factory.SubFactory(EstablishmentFactory)
    district = factory.LazyAttribute(lambda o: o.establishment.district)
    licence_number = factory.Sequence(lambda n: f"FL/CG/{n:05d}")
    licence_valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + timedelta(days=365))
    workers_employed = 120
    is_hazardous = False
    risk_category = "medium"
    risk_score = 35


class InspectionFactory(DjangoModelFactory):
    """A planned routine inspection of this month."""

    class Meta:
        model = Inspection

    # The field is called "factory", which hides the factory_boy module below it.
    factory = SubFactory(FactoryFactory)
    district = LazyAttribute(lambda o: o.factory.district)
    month = LazyFunction(lambda: timezone.localdate().replace(day=1))
    reason = Inspection.Reason.ROTA


class AccidentFactory(DjangoModelFactory):
    class Meta:
        model = Accident

    factory = SubFactory(FactoryFactory)
    district = LazyAttribute(lambda o: o.factory.district)
    occurred_at = LazyFunction(lambda: timezone.now() - timedelta(days=20))
    place = "Press shop"
    severity = Accident.Severity.SERIOUS
    persons_injured = 1
    cause = "Hand caught in a power press"
    reported_by = SubFactory(UserFactory)


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    topic = "Fire safety"
    trainer = "Fire officer"
    created_by = factory.SubFactory(UserFactory)


class ConstructionProjectFactory(DjangoModelFactory):
    class Meta:
        model = ConstructionProject

    establishment = factory.SubFactory(EstablishmentFactory,
                                       kind=Establishment.Kind.CONSTRUCTION,
                                       sector="construction")
    name = factory.Sequence(lambda n: f"Residential tower {n}")
    site = "Plot 12, Sector 5, Nava Raipur"
    district = factory.LazyAttribute(lambda o: o.establishment.district)
    estimated_cost = Decimal("50000000")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    completes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=600))
    approval_authority = "Nava Raipur Development Authority"


class CessAssessmentFactory(DjangoModelFactory):
    """A self-assessment of 1% of 5 crore, due 30 days from today."""

    class Meta:
        model = CessAssessment

    project = factory.SubFactory(ConstructionProjectFactory)
    kind = CessAssessment.Kind.SELF
    cost = Decimal("50000000")
    rate = Decimal("0.01")
    amount = Decimal("500000")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    assessed_by = factory.LazyAttribute(lambda o: o.project.establishment.owner)


class SelfCertificationFactory(DjangoModelFactory):
    class Meta:
        model = SelfCertification

    establishment = factory.SubFactory(EstablishmentFactory)
    district = factory.LazyAttribute(lambda o: o.establishment.district)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    checklist = {"factories": True}
    registers = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%%EOF\n",
                                                         name="registers.pdf"))
    submitted_by = factory.LazyAttribute(lambda o: o.establishment.owner)
