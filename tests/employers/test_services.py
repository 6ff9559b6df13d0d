"""Writes of the employers app: registering and updating establishments."""

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.in_ import gstin as stdnum_gstin

from core.models import AuditEvent
from employers.models import Establishment
from employers.services import establishment_register, establishment_update
from tests.core.factories import BlockFactory, UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

PAN = "AAACR1234F"


def make_gstin(pan: str) -> str:
    body = f"22{pan}1Z"
    return body + luhn.calc_check_digit(body, alphabet=stdnum_gstin._ALPHABET)


def data(district, **overrides) -> dict:
    return {"name": "Urla Foundry", "kind": Establishment.Kind.FACTORY, "sector": "steel",
            "address": "Urla industrial area", "district": district, "block": None,
            "pan": PAN, "gstin": make_gstin(PAN), "workers_count": 80,
            "contact_phone": "", **overrides}


def test_an_employer_registers_an_establishment_as_its_owner_and_it_is_audited(personas,
                                                                                district_a):
    employer = personas["employer_a"]
    establishment = establishment_register(actor=employer, data=data(district_a))
    assert establishment.owner == employer
    assert establishment.district == district_a
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION,
                                     actor=employer).exists()


def test_someone_without_the_employer_role_cannot_register(personas, district_a):
    with pytest.raises(ValidationError):
        establishment_register(actor=personas["officer_a"], data=data(district_a))
    assert not Establishment.objects.exists()


def test_a_gstin_carrying_another_pan_is_refused_on_the_gstin_field(personas, district_a):
    with pytest.raises(ValidationError) as caught:
        establishment_register(actor=personas["employer_a"],
                               data=data(district_a, gstin=make_gstin("AABCS9876K")))
    assert caught.value.message_dict == {"gstin": ["The GSTIN does not carry this PAN."]}
    assert not Establishment.objects.exists()


def test_a_block_outside_the_district_is_refused_on_the_block_field(personas, district_a,
                                                                    district_b):
    with pytest.raises(ValidationError) as caught:
        establishment_register(actor=personas["employer_a"],
                               data=data(district_a, block=BlockFactory(district=district_b)))
    assert "block" in caught.value.message_dict
    assert not Establishment.objects.exists()


def test_the_same_name_in_the_same_district_twice_is_refused(personas, district_a):
    establishment_register(actor=personas["employer_a"], data=data(district_a))
    with pytest.raises(ValidationError) as caught:
        establishment_register(actor=personas["employer_a"], data=data(district_a))
    assert "name" in caught.value.message_dict
    assert Establishment.objects.count() == 1


def test_two_employers_may_use_the_same_name(personas, district_a):
    establishment_register(actor=personas["employer_a"], data=data(district_a))
    other = UserFactory(roles=["employer"])
    establishment_register(actor=other, data=data(district_a))
    assert Establishment.objects.count() == 2


def test_the_owner_updates_the_details_but_not_the_type(personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a)
    establishment_update(actor=personas["employer_a"], establishment_id=establishment.pk,
                         data={"workers_count": 300, "kind": Establishment.Kind.SHOP})
    establishment.refresh_from_db()
    assert establishment.workers_count == 300
    assert establishment.kind == Establishment.Kind.FACTORY


def test_another_employer_cannot_update_it(personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a)
    other = UserFactory(roles=["employer"])
    with pytest.raises(Establishment.DoesNotExist):
        establishment_update(actor=other, establishment_id=establishment.pk,
                             data={"workers_count": 1})
    establishment.refresh_from_db()
    assert establishment.workers_count == 120


def test_an_update_whose_gstin_no_longer_carries_the_pan_is_refused(personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                         gstin=make_gstin(PAN))
    with pytest.raises(ValidationError):
        establishment_update(actor=personas["employer_a"], establishment_id=establishment.pk,
                             data={"pan": "AABCS9876K"})
    establishment.refresh_from_db()
    assert establishment.pan == PAN
