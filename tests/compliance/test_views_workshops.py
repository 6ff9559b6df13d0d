"""Training workshops through their pages: recording one, attendance per factory, the
per-district totals, and who may open what."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import Workshop, WorkshopAttendance
from core.roles import RoleCode as R
from tests.compliance.factories_safety import FactoryFactory, WorkshopFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:workshop_list")
CREATE = reverse("compliance:workshop_create")


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def workshop_data(district=None, **overrides) -> dict:
    return {"district": district.pk if district else "",
            "held_on": day(timezone.localdate() - timedelta(days=2)),
            "topic": "Handling of hazardous chemicals", "trainer": "Dr. Meena Verma",
            "venue": "District Industries Centre", **overrides}


@pytest.fixture
def factory_a(personas, district_a):
    return FactoryFactory(establishment=EstablishmentFactory(
        owner=personas["employer_a"], district=district_a, name="Raipur Steel Works"))


@pytest.fixture
def factory_a2(district_a):
    return FactoryFactory(establishment=EstablishmentFactory(district=district_a,
                                                             name="Urla Plastics"))


@pytest.fixture
def factory_b(district_b):
    return FactoryFactory(establishment=EstablishmentFactory(district=district_b,
                                                             name="Bilaspur Cement"))


@pytest.fixture
def inspector_b(district_b):
    return UserFactory(username="inspector.b", roles=[R.SAFETY_INSPECTOR],
                       jurisdiction=[district_b])


def attend(workshop, factory, attendees: int) -> WorkshopAttendance:
    return WorkshopAttendance.objects.create(workshop=workshop, factory=factory,
                                             attendees=attendees)


# --- Recording a workshop and its attendance ------------------------------------------------


def test_inspector_records_a_district_workshop_and_its_attendance(client, login, personas,
                                                                  district_a, factory_a):
    login(personas["inspector_a"])
    response = client.post(CREATE, workshop_data(district_a))
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == workshop.get_absolute_url()
    assert (workshop.district, workshop.created_by) == (district_a, personas["inspector_a"])
    response = client.post(workshop.get_absolute_url(),
                           {"factory": factory_a.pk, "attendees": "12"})
    assert response.status_code == 302
    attendance = WorkshopAttendance.objects.get()
    assert (attendance.factory, attendance.attendees) == (factory_a, 12)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Raipur Steel Works" in page
    assert "12" in page


def test_recording_a_factory_again_corrects_its_number(client, login, personas, district_a,
                                                       factory_a):
    workshop = WorkshopFactory(district=district_a)
    attend(workshop, factory_a, 5)
    login(personas["inspector_a"])
    client.post(workshop.get_absolute_url(), {"factory": factory_a.pk, "attendees": "7"})
    assert WorkshopAttendance.objects.get().attendees == 7


def test_state_admin_records_a_state_level_workshop(client, login, personas):
    login(personas["state_admin"])
    response = client.post(CREATE, workshop_data())
    assert response.status_code == 302
    assert Workshop.objects.get().district is None


def test_inspector_may_not_record_a_state_level_workshop(client, login, personas):
    login(personas["inspector_a"])
    response = client.post(CREATE, workshop_data())
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Workshop.objects.exists()


def test_inspector_may_not_record_a_workshop_of_another_district(client, login, personas,
                                                                 district_b):
    login(personas["inspector_a"])
    response = client.post(CREATE, workshop_data(district_b))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Workshop.objects.exists()


def test_attendance_offers_only_the_factories_of_the_workshops_district(
        client, login, personas, district_a, factory_a, factory_b):
    workshop = WorkshopFactory(district=district_a)
    login(personas["state_admin"])
    form = client.get(workshop.get_absolute_url()).context["form"]
    assert list(form.fields["factory"].queryset) == [factory_a]
    response = client.post(workshop.get_absolute_url(),
                           {"factory": factory_b.pk, "attendees": "4"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not WorkshopAttendance.objects.exists()


def test_a_state_level_workshop_offers_the_inspectors_factories(client, login, personas,
                                                                factory_a, factory_b):
    workshop = WorkshopFactory(district=None)
    login(personas["inspector_a"])
    form = client.get(workshop.get_absolute_url()).context["form"]
    assert list(form.fields["factory"].queryset) == [factory_a]


def test_zero_attendees_are_refused_and_nothing_is_saved(client, login, personas, district_a,
                                                         factory_a):
    workshop = WorkshopFactory(district=district_a)
    login(personas["inspector_a"])
    response = client.post(workshop.get_absolute_url(),
                           {"factory": factory_a.pk, "attendees": "0"})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not WorkshopAttendance.objects.exists()


# --- The list and the totals per district ---------------------------------------------------


def test_per_district_totals_add_up_attendees_and_factories(client, login, personas,
                                                            district_a, factory_a, factory_a2,
                                                            factory_b):
    district_workshop = WorkshopFactory(district=district_a, topic="Fire safety")
    state_workshop = WorkshopFactory(district=None, topic="Chemical safety")
    attend(district_workshop, factory_a, 10)
    attend(district_workshop, factory_a2, 5)
    attend(state_workshop, factory_a, 3)
    attend(state_workshop, factory_b, 8)
    login(personas["state_admin"])
    response = client.get(LIST)
    totals = {row["factory__district__name_en"]: (row["attendees"], row["factories"])
              for row in response.context["by_district"]}
    assert totals == {"Raipur": (18, 2), "Bilaspur": (8, 1)}
    assert response.context["by_district_total"] == {"attendees": 26, "factories": 3}
    workshops = {w.topic: (w.factories_count, w.attendees_total)
                 for w in response.context["object_list"]}
    assert workshops == {"Fire safety": (2, 15), "Chemical safety": (2, 11)}


def test_district_inspector_sees_their_districts_and_state_workshops_only(
        client, login, personas, district_a, district_b):
    WorkshopFactory(district=district_a, topic="Raipur training")
    WorkshopFactory(district=None, topic="State training")
    WorkshopFactory(district=district_b, topic="Bilaspur training")
    login(personas["inspector_a"])
    topics = {w.topic for w in client.get(LIST).context["object_list"]}
    assert topics == {"Raipur training", "State training"}


def test_export_csv_lists_the_workshops(client, login, personas, district_a, factory_a):
    workshop = WorkshopFactory(district=district_a, topic="Fire safety")
    attend(workshop, factory_a, 9)
    login(personas["officer_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert rows[0] == ["Date", "Topic", "Trainer", "Venue", "Level", "Factories", "Attendees"]
    assert rows[1][1] == "Fire safety"
    assert rows[1][4:] == ["Raipur", "1", "9"]


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a, factory_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    attend(WorkshopFactory(district=district_a), factory_a, 3)
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(10):
        attend(WorkshopFactory(district=district_a if n % 2 else None, topic=f"Topic {n}"),
               factory_a, n + 1)
    assert list_queries() == one_row
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert "Topic 9" in response.content.decode()


# --- Who may open what ----------------------------------------------------------------------


def test_employer_sees_all_workshops_but_no_district_totals(client, login, personas,
                                                            district_a, district_b):
    WorkshopFactory(district=district_a, topic="Raipur training")
    WorkshopFactory(district=district_b, topic="Bilaspur training")
    login(personas["employer_a"])
    response = client.get(LIST)
    assert {w.topic for w in response.context["object_list"]} == {"Raipur training",
                                                                  "Bilaspur training"}
    assert "by_district" not in response.context
    assert CREATE not in response.content.decode()


def test_employer_sees_only_their_own_factories_attendance(client, login, personas,
                                                           district_a, factory_a, factory_a2):
    workshop = WorkshopFactory(district=district_a)
    attend(workshop, factory_a, 4)
    attend(workshop, factory_a2, 6)
    login(personas["employer_a"])
    response = client.get(workshop.get_absolute_url())
    assert [row.factory for row in response.context["attendance"]] == [factory_a]
    assert "Urla Plastics" not in response.content.decode()


def test_employer_may_not_record_attendance_or_workshops(client, login, personas, district_a,
                                                         factory_a):
    workshop = WorkshopFactory(district=district_a)
    login(personas["employer_a"])
    page = client.get(workshop.get_absolute_url())
    assert page.status_code == 200
    assert "form" not in page.context
    response = client.post(workshop.get_absolute_url(),
                           {"factory": factory_a.pk, "attendees": "5"})
    assert response.status_code == 404
    assert client.get(CREATE).status_code == 404
    assert not WorkshopAttendance.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_a"])
def test_district_officials_read_but_may_not_record_attendance(client, login, personas,
                                                               district_a, factory_a, persona):
    workshop = WorkshopFactory(district=district_a)
    login(personas[persona])
    assert client.get(workshop.get_absolute_url()).status_code == 200
    assert client.post(workshop.get_absolute_url(),
                       {"factory": factory_a.pk, "attendees": "5"}).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert not WorkshopAttendance.objects.exists()


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b"])
def test_officials_of_another_district_get_404_on_a_district_workshop(client, login,
                                                                      personas, district_a,
                                                                      persona):
    workshop = WorkshopFactory(district=district_a)
    login(personas[persona])
    assert client.get(workshop.get_absolute_url()).status_code == 404


def test_inspector_of_another_district_gets_404_on_recording_attendance(
        client, login, district_a, factory_a, inspector_b):
    workshop = WorkshopFactory(district=district_a)
    login(inspector_b)
    response = client.post(workshop.get_absolute_url(),
                           {"factory": factory_a.pk, "attendees": "5"})
    assert response.status_code == 404
    assert not WorkshopAttendance.objects.exists()


@pytest.mark.parametrize("persona", ["csc_a", "worker_a"])
def test_other_roles_get_404_on_workshops(client, login, personas, persona):
    login(personas[persona])
    assert client.get(LIST).status_code == 404
