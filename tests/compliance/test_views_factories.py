"""Factories through their pages: registering a licence, the list, the factory page, access."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import Factory, Inspection
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.compliance.factories_safety import (
    AccidentFactory,
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
    WorkshopFactory,
)
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:factory_list")


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def register_url(establishment) -> str:
    return reverse("compliance:factory_register", args=[establishment.uuid])


def licence_data(**overrides) -> dict:
    return {"licence_number": "FL/CG/RPR/1234",
            "licence_valid_until": day(timezone.localdate() + timedelta(days=300)),
            "workers_employed": "650", "is_hazardous": "on", **overrides}


@pytest.fixture
def chemicals_a(personas, district_a):
    """Employer A's chemicals factory establishment, licence not yet registered."""
    return EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                sector="chemicals", name="Raipur Acids")


@pytest.fixture
def factory_a(personas, district_a):
    return FactoryFactory(establishment__owner=personas["employer_a"],
                          establishment__district=district_a,
                          establishment__name="Urla Forgings")


@pytest.fixture
def factory_b(district_b):
    return FactoryFactory(establishment__district=district_b,
                          establishment__name="Sirgitti Castings")


# --- Registering a factory -------------------------------------------------------------------


def test_employer_registers_a_factory_and_its_computed_risk_is_shown(client, login, personas,
                                                                     chemicals_a):
    login(personas["employer_a"])
    response = client.post(register_url(chemicals_a), licence_data())
    factory = Factory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == factory.get_absolute_url()
    # Chemicals 40 + hazardous 30 + 500 workers or more 20.
    assert (factory.risk_score, factory.risk_category) == (90, "high")
    assert factory.district == chemicals_a.district
    page = client.get(factory.get_absolute_url()).content.decode()
    assert "High risk" in page
    assert "score 90" in page
    assert "FL/CG/RPR/1234" in page


def test_a_licence_number_already_registered_is_refused_and_nothing_is_saved(
        client, login, personas, chemicals_a, factory_b):
    login(personas["employer_a"])
    response = client.post(register_url(chemicals_a),
                           licence_data(licence_number=factory_b.licence_number))
    assert response.status_code == 200
    assert ("A factory with this licence number is already registered."
            in response.content.decode())
    assert not Factory.objects.filter(establishment=chemicals_a).exists()


def test_a_licence_without_its_validity_is_refused_and_nothing_is_saved(client, login,
                                                                        personas, chemicals_a):
    login(personas["employer_a"])
    response = client.post(register_url(chemicals_a), licence_data(licence_valid_until=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Factory.objects.exists()


def test_employer_sees_their_unregistered_factory_with_a_link_to_register_it(
        client, login, personas, chemicals_a):
    login(personas["employer_a"])
    page = client.get(LIST).content.decode()
    assert "Raipur Acids" in page
    assert register_url(chemicals_a) in page


def test_registering_a_factory_already_registered_goes_to_its_page(client, login, personas,
                                                                   factory_a):
    login(personas["employer_a"])
    response = client.get(register_url(factory_a.establishment))
    assert response.status_code == 302
    assert response["Location"] == factory_a.get_absolute_url()


def test_another_employer_cannot_register_the_factory(client, login, chemicals_a):
    other = UserFactory(roles=[R.EMPLOYER])
    login(other)
    assert client.get(register_url(chemicals_a)).status_code == 404
    assert client.post(register_url(chemicals_a), licence_data()).status_code == 404
    assert not Factory.objects.exists()


def test_an_inspector_cannot_register_an_employers_factory(client, login, personas,
                                                           chemicals_a):
    login(personas["inspector_a"])
    assert client.get(register_url(chemicals_a)).status_code == 404


# --- The list --------------------------------------------------------------------------------


def test_inspector_lists_the_factories_of_their_district_only(client, login, personas,
                                                              factory_a, factory_b):
    login(personas["inspector_a"])
    page = client.get(LIST).content.decode()
    assert "Urla Forgings" in page
    assert "Sirgitti Castings" not in page


def test_employer_lists_only_their_own_factories(client, login, personas, factory_a,
                                                 district_a):
    FactoryFactory(establishment__district=district_a, establishment__name="Someone Else's")
    login(personas["employer_a"])
    page = client.get(LIST).content.decode()
    assert "Urla Forgings" in page
    assert "Someone Else" not in page


def test_the_list_shows_days_since_the_last_accident_or_none_recorded(client, login, personas,
                                                                      factory_a, district_a):
    quiet = FactoryFactory(establishment__district=district_a, establishment__name="Quiet Mill")
    AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(days=20))
    login(personas["inspector_a"])
    response = client.get(LIST)
    rows = {f.establishment.name: f for f in response.context["object_list"]}
    assert rows["Urla Forgings"].days_since_accident == 20
    assert rows[quiet.establishment.name].days_since_accident is None
    assert "none recorded" in response.content.decode()


def test_an_expired_licence_is_marked_in_the_list(client, login, personas, district_a):
    expired_on = timezone.localdate() - timedelta(days=3)
    FactoryFactory(establishment__district=district_a, licence_valid_until=expired_on)
    login(personas["inspector_a"])
    page = client.get(LIST).content.decode()
    assert f"expired on {day(expired_on)}" in page


def test_the_risk_filter_keeps_only_that_risk(client, login, personas, district_a):
    FactoryFactory(establishment__district=district_a, establishment__name="Hot Plant",
                   risk_category="high", risk_score=80)
    FactoryFactory(establishment__district=district_a, establishment__name="Calm Plant",
                   risk_category="low", risk_score=10)
    login(personas["inspector_a"])
    page = client.get(LIST, {"risk": "high"}).content.decode()
    assert "Hot Plant" in page
    assert "Calm Plant" not in page


def test_the_certifier_filter_keeps_the_self_certifiers(client, login, personas, district_a):
    certifier = FactoryFactory(establishment__district=district_a,
                               establishment__name="Certified Works")
    SelfCertificationFactory(establishment=certifier.establishment)
    FactoryFactory(establishment__district=district_a, establishment__name="Plain Works")
    login(personas["inspector_a"])
    page = client.get(LIST, {"certifier": "1"}).content.decode()
    assert "Certified Works" in page
    assert "Plain Works" not in page


def test_the_list_exports_as_csv_with_the_filter(client, login, personas, factory_a,
                                                 district_a):
    FactoryFactory(establishment__district=district_a, establishment__name="Other Plant",
                   is_hazardous=True)
    login(personas["inspector_a"])
    response = client.get(LIST, {"hazardous": "0", "export": "csv"})
    rows = csv_rows(response)
    assert rows[0][:3] == ["Factory", "District", "Licence number"]
    assert [row[0] for row in rows[1:]] == ["Urla Forgings"]
    assert rows[1][-1] == "none recorded"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    FactoryFactory(establishment__district=district_a)
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(12):
        factory = FactoryFactory(establishment__district=district_a,
                                 establishment__name=f"Plant {n}")
        AccidentFactory(factory=factory)
    assert list_queries() == one_row
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert "Plant 11" in response.content.decode()


def test_a_worker_gets_404_on_the_factory_list(client, login, personas):
    login(personas["worker_a"])
    assert client.get(LIST).status_code == 404


# --- The factory page ------------------------------------------------------------------------


def test_the_employer_sees_their_factory_page_with_their_actions(client, login, personas,
                                                                 factory_a):
    login(personas["employer_a"])
    page = client.get(factory_a.get_absolute_url()).content.decode()
    assert reverse("compliance:factory_update", args=[factory_a.uuid]) in page
    assert reverse("compliance:accident_report", args=[factory_a.uuid]) in page
    assert reverse("compliance:committee", args=[factory_a.uuid]) in page
    assert reverse("compliance:inspection_create", args=[factory_a.uuid]) not in page


def test_the_inspector_may_open_an_inspection_from_the_factory_page(client, login, personas,
                                                                    factory_a):
    login(personas["inspector_a"])
    page = client.get(factory_a.get_absolute_url()).content.decode()
    assert reverse("compliance:inspection_create", args=[factory_a.uuid]) in page
    assert reverse("compliance:accident_report", args=[factory_a.uuid]) in page


def test_the_labour_officer_reads_the_factory_page_without_actions(client, login, personas,
                                                                   factory_a):
    login(personas["officer_a"])
    response = client.get(factory_a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("compliance:factory_update", args=[factory_a.uuid]) not in page
    assert reverse("compliance:inspection_create", args=[factory_a.uuid]) not in page


def test_the_employer_sees_only_done_inspections_on_the_factory_page(client, login, personas,
                                                                     factory_a):
    planned = InspectionFactory(factory=factory_a)
    done = InspectionFactory(factory=factory_a, month=planned.month.replace(year=2024),
                             status=Inspection.Status.DONE, inspected_on=timezone.localdate())
    login(personas["employer_a"])
    page = client.get(factory_a.get_absolute_url()).content.decode()
    assert done.get_absolute_url() in page
    assert planned.get_absolute_url() not in page


def test_the_factory_page_shows_the_training_attended(client, login, personas, factory_a):
    workshop = WorkshopFactory(district=factory_a.district, topic="Handling acids")
    workshop.attendance.create(factory=factory_a, attendees=7)
    login(personas["inspector_a"])
    page = client.get(factory_a.get_absolute_url()).content.decode()
    assert "Handling acids" in page
    assert "7 people trained" in page


def test_inspector_of_another_district_gets_404_on_the_factory_page(client, login, personas,
                                                                    factory_b):
    login(personas["inspector_a"])
    assert client.get(factory_b.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_another_employer_gets_404_on_the_factory_page(client, login, factory_a):
    login(UserFactory(roles=[R.EMPLOYER]))
    assert client.get(factory_a.get_absolute_url()).status_code == 404


# --- Corrections -----------------------------------------------------------------------------


def test_the_employer_corrects_the_workers_and_the_risk_is_recomputed(client, login, personas,
                                                                      factory_a):
    login(personas["employer_a"])
    url = reverse("compliance:factory_update", args=[factory_a.uuid])
    response = client.post(url, licence_data(licence_number=factory_a.licence_number,
                                             workers_employed="800"))
    assert response.status_code == 302
    factory_a.refresh_from_db()
    assert factory_a.workers_employed == 800
    # Engineering 20 + hazardous 30 + 500 workers or more 20.
    assert (factory_a.risk_score, factory_a.risk_category) == (70, "high")


def test_the_district_inspector_may_correct_the_factory(client, login, personas, factory_a):
    login(personas["inspector_a"])
    url = reverse("compliance:factory_update", args=[factory_a.uuid])
    response = client.post(url, licence_data(licence_number=factory_a.licence_number,
                                             is_hazardous=""))
    assert response.status_code == 302
    factory_a.refresh_from_db()
    assert factory_a.is_hazardous is False


def test_a_correction_to_another_factorys_licence_number_is_refused(client, login, personas,
                                                                    factory_a, factory_b):
    login(personas["employer_a"])
    url = reverse("compliance:factory_update", args=[factory_a.uuid])
    response = client.post(url, licence_data(licence_number=factory_b.licence_number))
    assert response.status_code == 200
    assert ("A factory with this licence number is already registered."
            in response.content.decode())
    factory_a.refresh_from_db()
    assert factory_a.licence_number != factory_b.licence_number


def test_the_labour_officer_gets_404_on_the_correction(client, login, personas, factory_a):
    login(personas["officer_a"])
    assert client.get(reverse("compliance:factory_update", args=[factory_a.uuid])
                      ).status_code == 404


def test_inspector_of_another_district_gets_404_on_the_correction(client, login, factory_a,
                                                                  district_b):
    login(UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b]))
    url = reverse("compliance:factory_update", args=[factory_a.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, licence_data(workers_employed="1")).status_code == 404
    factory_a.refresh_from_db()
    assert factory_a.workers_employed == 120
