"""Factories of migrants: destination states, surveys, help desks, and journeys and tickets
recorded through the services (so that their audit rows and side effects are real)."""

import uuid
from datetime import date

import factory
from factory.django import DjangoModelFactory

from core.models import State
from migrants import services
from migrants.models import HelpDesk, Migrant, Survey, Ticket
from tests.core.factories import BlockFactory, DistrictFactory, StateFactory, UserFactory


def maharashtra() -> State:
    return StateFactory(lgd_code=27, code="MH", name_en="Maharashtra", name_hi="महाराष्ट्र")


def gujarat() -> State:
    return StateFactory(lgd_code=24, code="GJ", name_en="Gujarat", name_hi="गुजरात")


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Survey {n}")
    kind = Survey.Kind.DOOR_TO_DOOR
    district = factory.SubFactory(DistrictFactory)
    block = factory.LazyAttribute(lambda o: BlockFactory(district=o.district))
    starts_on = date(2026, 1, 5)
    ends_on = date(2026, 1, 20)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def surveyors(self, create, extracted, **kwargs):
        if create and extracted:
            self.surveyors.set(extracted)


class HelpDeskFactory(DjangoModelFactory):
    class Meta:
        model = HelpDesk
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"Desk {n}")
    state = factory.LazyFunction(maharashtra)
    city = "Mumbai"
    phone = "02222620000"

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.set(extracted)


def journey(*, actor, district, companions=(), client_uuid=None, survey=None,
            **overrides) -> Migrant:
    """Record one journey out of ``district`` through the service and return it."""
    data = {"name": "Ramesh Sahu", "mobile": "9876512345", "age": 32,
            "origin_district": district, "destination_state": maharashtra(),
            "destination_place": "Pune", "sector": Migrant.Sector.CONSTRUCTION,
            "employer_name": "Patil Builders", "departed_on": date(2026, 1, 10)}
    data.update(overrides)
    migrant, _created = services.migrant_record(actor=actor, data=data, companions=companions,
                                                survey=survey, client_uuid=client_uuid)
    return migrant


def ticket(*, actor, district, channel=Ticket.Channel.HELPLINE, **overrides) -> Ticket:
    """Open one helpline ticket for a worker of ``district`` through the service."""
    data = {"caller_name": "Sunita Bai", "caller_mobile": "9876543210",
            "category": Ticket.Category.WAGES_UNPAID,
            "description": "Contractor has not paid two months' wages.",
            "location_state": maharashtra(), "location_place": "Pune",
            "origin_district": district}
    data.update(overrides)
    return services.ticket_open(actor=actor, channel=channel, data=data)


def entry(*, survey, client_uuid=None, companions=(), **data) -> dict:
    """One offline survey entry as a phone sends it (form data, ids as strings)."""
    values = {"name": "Mohan Lal", "mobile": "9876511111", "gender": "male", "age": "28",
              "origin_block": str(survey.block_id), "destination_state": str(maharashtra().pk),
              "destination_place": "Surat", "sector": Migrant.Sector.FACTORY,
              "departed_on": "02/01/2026", "household": "H-1"}
    values.update(data)
    return {"client_uuid": str(client_uuid or uuid.uuid4()), "data": values,
            "companions": list(companions)}
