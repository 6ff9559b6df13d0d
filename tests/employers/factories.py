"""Factories of employers: establishments of an employer's login."""

import factory
from factory.django import DjangoModelFactory

from core.roles import RoleCode as R
from employers.models import Establishment, Sector
from tests.core.factories import DistrictFactory, UserFactory


class EstablishmentFactory(DjangoModelFactory):
    """A factory establishment of a new employer (pass ``owner`` to share one)."""

    class Meta:
        model = Establishment

    owner = factory.SubFactory(UserFactory, roles=[R.EMPLOYER])
    name = factory.Sequence(lambda n: f"Establishment {n}")
    kind = Establishment.Kind.FACTORY
    sector = Sector.ENGINEERING
    address = "Industrial area, Urla"
    district = factory.SubFactory(DistrictFactory)
    pan = "AAACR1234F"
    workers_count = 120
