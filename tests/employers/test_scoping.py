"""Who sees which establishments: district officials their district's, an employer only
their own (never another's), every other role none; and only the owner changes one.
"""

import pytest
from django.core.exceptions import ValidationError

from core.roles import RoleCode as R
from core.scoping import scoped
from employers import selectors, services
from employers.models import Establishment
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, district_a, district_b) -> dict[str, Establishment]:
    personas["employer_b"] = UserFactory(username="employer.b", roles=[R.EMPLOYER])
    personas["inspector_b"] = UserFactory(username="inspector.b",
                                          roles=[R.SAFETY_INSPECTOR],
                                          jurisdiction=[district_b])
    return {
        "A factory": EstablishmentFactory(owner=personas["employer_a"], district=district_a),
        "A builder": EstablishmentFactory(owner=personas["employer_a"], district=district_b,
                                          kind=Establishment.Kind.CONSTRUCTION),
        "B shop": EstablishmentFactory(owner=personas["employer_b"], district=district_b,
                                       kind=Establishment.Kind.SHOP),
        "other in A": EstablishmentFactory(district=district_a),
    }


EXPECTED = {
    "state_admin": {"A factory", "A builder", "B shop", "other in A"},
    **{name: {"A factory", "other in A"} for name in (
        "district_admin_a", "officer_a", "inspector_a")},
    **{name: {"A builder", "B shop"} for name in (
        "district_admin_b", "officer_b", "inspector_b")},
    # Employer A's builder is in district B: the owner sees it wherever it is.
    "employer_a": {"A factory", "A builder"},
    "employer_b": {"B shop"},
    **{name: set() for name in ("csc_a", "csc_b", "helpline", "maker", "checker",
                                "worker_a", "worker_b")},
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_sees_only_the_establishments_they_may(personas, world, persona):
    visible = set(scoped(personas[persona], Establishment).values_list("pk", flat=True))
    assert {label for label, row in world.items() if row.pk in visible} == EXPECTED[persona]


def test_the_establishment_list_of_an_employer_holds_only_their_own(personas, world):
    assert {row.name for row in selectors.establishment_list(user=personas["employer_a"])} == {
        world["A factory"].name, world["A builder"].name}


def test_another_employer_cannot_update_the_establishment(personas, world):
    target = world["A factory"]
    with pytest.raises(Establishment.DoesNotExist):
        services.establishment_update(actor=personas["employer_b"],
                                      establishment_id=target.pk, data={"name": "Taken"})
    target.refresh_from_db()
    assert target.name != "Taken"


def test_an_official_who_sees_the_establishment_cannot_update_it(personas, world):
    target = world["A factory"]
    with pytest.raises(Establishment.DoesNotExist):
        services.establishment_update(actor=personas["officer_a"],
                                      establishment_id=target.pk, data={"name": "Taken"})
    target.refresh_from_db()
    assert target.name != "Taken"


def test_the_owner_updates_the_establishment(personas, world):
    target = world["A factory"]
    updated = services.establishment_update(actor=personas["employer_a"],
                                            establishment_id=target.pk,
                                            data={"name": "Renamed works", "kind": "shop"})
    assert (updated.name, updated.kind) == ("Renamed works", Establishment.Kind.FACTORY)


def test_only_an_employers_account_registers_establishments(personas, district_a):
    with pytest.raises(ValidationError) as caught:
        services.establishment_register(actor=personas["officer_a"], data={
            "name": "Works", "kind": "factory", "address": "Urla", "district": district_a,
            "pan": "AAACR1234F", "workers_count": 10})
    assert caught.value.messages == ["Only an employer's account registers establishments."]
    assert not Establishment.objects.exists()


def test_an_employer_registers_an_establishment_as_its_owner(personas, district_a):
    registered = services.establishment_register(actor=personas["employer_a"], data={
        "name": "Works", "kind": "factory", "address": "Urla", "district": district_a,
        "pan": "AAACR1234F", "workers_count": 10, "owner": personas["officer_a"]})
    assert registered.owner == personas["employer_a"]
    assert scoped(personas["employer_a"], Establishment).filter(pk=registered.pk).exists()


def test_registering_the_same_name_twice_in_a_district_is_refused(personas, district_a):
    data = {"name": "Works", "kind": "factory", "address": "Urla", "district": district_a,
            "pan": "AAACR1234F", "workers_count": 10}
    services.establishment_register(actor=personas["employer_a"], data=data)
    with pytest.raises(ValidationError) as caught:
        services.establishment_register(actor=personas["employer_a"], data=data)
    assert caught.value.message_dict == {"name": [
        "You have already registered an establishment of this name in this district."]}
    assert Establishment.objects.count() == 1
