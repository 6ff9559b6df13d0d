"""The migration register through its pages: list, filters, export, a journey, recording."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from core.models import AuditEvent
from migrants.models import Companion, Migrant
from registration.models import Worker
from tests.core.factories import BlockFactory
from tests.migrants.factories import gujarat, journey, maharashtra
from tests.registration.factories import WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db

LIST = reverse("migrants:migrant_list")
CREATE = reverse("migrants:migrant_create")


@pytest.fixture
def journey_a(personas, district_a):
    return journey(actor=personas["officer_a"], district=district_a, name="Ramesh Sahu")


@pytest.fixture
def journey_b(personas, district_b):
    return journey(actor=personas["officer_b"], district=district_b, name="Bhola Yadav",
                   mobile="9876599999")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


# --- The list ---------------------------------------------------------------------------


def test_officer_sees_only_the_journeys_of_their_district(client, login, personas, journey_a,
                                                         journey_b):
    login(personas["officer_b"])
    page = client.get(LIST).content.decode()
    assert "Bhola Yadav" in page
    assert "Ramesh Sahu" not in page


def test_officer_from_another_district_gets_404_on_a_journey(client, login, personas,
                                                             journey_a):
    login(personas["officer_b"])
    response = client.get(journey_a.get_absolute_url())
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_helpline_agent_sees_journeys_of_every_district(client, login, personas, journey_a,
                                                        journey_b):
    login(personas["helpline"])
    page = client.get(LIST).content.decode()
    assert "Ramesh Sahu" in page and "Bhola Yadav" in page
    assert client.get(journey_a.get_absolute_url()).status_code == 200


def test_csc_operator_may_not_open_the_register(client, login, personas, journey_a):
    login(personas["csc_a"])
    assert client.get(LIST).status_code == 404
    assert client.get(journey_a.get_absolute_url()).status_code == 404


def test_empty_register_says_so(client, login, personas):
    login(personas["officer_a"])
    page = client.get(LIST).content.decode()
    assert "No journeys are recorded yet." in page


def test_register_filters_by_destination_state_status_and_employer(client, login, personas,
                                                                   district_a):
    officer = personas["officer_a"]
    journey(actor=officer, district=district_a, name="To Pune", employer_name="Patil Builders")
    journey(actor=officer, district=district_a, name="To Surat", destination_state=gujarat(),
            destination_place="Surat", employer_name="Shah Textiles")
    back = journey(actor=officer, district=district_a, name="Came Back",
                   returned_on=date(2026, 2, 1))
    assert back.status == Migrant.Status.RETURNED
    login(officer)
    page = client.get(LIST, {"destination_state": gujarat().pk}).content.decode()
    assert "To Surat" in page and "To Pune" not in page
    page = client.get(LIST, {"status": "returned"}).content.decode()
    assert "Came Back" in page and "To Pune" not in page
    page = client.get(LIST, {"employer": "patil"}).content.decode()
    assert "To Pune" in page and "To Surat" not in page


def test_register_filters_by_departure_dates_and_searches_by_mobile(client, login, personas,
                                                                    district_a):
    officer = personas["officer_a"]
    journey(actor=officer, district=district_a, name="Early", departed_on=date(2025, 10, 1),
            mobile="9876500011")
    journey(actor=officer, district=district_a, name="Late", departed_on=date(2026, 1, 20),
            mobile="9876500022")
    login(officer)
    page = client.get(LIST, {"departed_from": "01/01/2026"}).content.decode()
    assert "Late" in page and "Early" not in page
    page = client.get(LIST, {"q": "98765 00011"}).content.decode()
    assert "Early" in page and "Late" not in page


def test_register_filters_by_block(client, login, personas, district_a):
    officer = personas["officer_a"]
    block = BlockFactory(district=district_a, name_en="Abhanpur")
    journey(actor=officer, district=district_a, name="From Abhanpur", origin_block=block)
    journey(actor=officer, district=district_a, name="From Elsewhere")
    login(officer)
    page = client.get(LIST, {"origin_block": block.pk}).content.decode()
    assert "From Abhanpur" in page and "From Elsewhere" not in page


def test_csv_export_has_the_filtered_rows_of_the_users_districts_only(client, login, personas,
                                                                      journey_a, journey_b):
    login(personas["officer_a"])
    response = client.get(LIST, {"export": "csv"})
    rows = csv_rows(response)
    names = [row[0] for row in rows[1:]]
    assert names == ["Ramesh Sahu"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_xlsx_export_downloads_a_workbook(client, login, personas, journey_a, journey_b):
    from openpyxl import load_workbook

    login(personas["officer_b"])
    response = client.get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Bhola Yadav"]


def test_register_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                     django_assert_max_num_queries):
    officer = personas["officer_a"]
    for n in range(12):
        journey(actor=officer, district=district_a, name=f"Person {n}")
    login(officer)
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert response.status_code == 200
    assert "Person 11" in response.content.decode()


# --- One journey ------------------------------------------------------------------------


def test_journey_page_flags_a_child_companion_and_offers_registration(client, login,
                                                                      personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a,
                      companions=[{"name": "Raju", "relation": "son", "age": 12},
                                  {"name": "Sita", "relation": "wife", "age": 30}])
    login(personas["officer_a"])
    page = client.get(migrant.get_absolute_url()).content.decode()
    assert "Raju" in page and "Sita" in page
    assert page.count("child — at risk") == 1
    assert reverse("registration:worker_start") in page


def test_journey_page_links_the_registered_worker_and_shows_the_timeline(client, login,
                                                                         personas,
                                                                         district_a):
    worker = WorkerFactory(district=district_a)
    officer = personas["officer_a"]
    first = journey(actor=officer, district=district_a, worker=worker,
                    departed_on=date(2024, 11, 1), returned_on=date(2025, 4, 1),
                    destination_place="Nagpur")
    second = journey(actor=officer, district=district_a, worker=worker,
                     destination_place="Pune")
    login(officer)
    page = client.get(second.get_absolute_url()).content.decode()
    assert reverse("registration:worker_detail", args=[worker.uuid]) in page
    assert first.get_absolute_url() in page and "Nagpur" in page


def test_officer_records_the_return(client, login, personas, journey_a):
    login(personas["officer_a"])
    response = client.post(reverse("migrants:migrant_return", args=[journey_a.uuid]),
                           {"returned_on": "15/02/2026"})
    assert response.status_code == 302
    journey_a.refresh_from_db()
    assert journey_a.status == Migrant.Status.RETURNED
    assert journey_a.returned_on == date(2026, 2, 15)


def test_return_before_the_departure_is_refused(client, login, personas, journey_a):
    login(personas["officer_a"])
    response = client.post(reverse("migrants:migrant_return", args=[journey_a.uuid]),
                           {"returned_on": "01/01/2026"})
    assert response.status_code == 200
    assert "The return cannot be before the departure (10/01/2026)." in \
        response.content.decode()
    journey_a.refresh_from_db()
    assert journey_a.status == Migrant.Status.AWAY and journey_a.returned_on is None


def test_return_with_a_date_that_is_not_a_date_is_refused(client, login, personas, journey_a):
    login(personas["officer_a"])
    response = client.post(reverse("migrants:migrant_return", args=[journey_a.uuid]),
                           {"returned_on": "31/02/2026"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    journey_a.refresh_from_db()
    assert journey_a.returned_on is None


def test_helpline_agent_may_not_record_a_return(client, login, personas, journey_a):
    login(personas["helpline"])
    response = client.post(reverse("migrants:migrant_return", args=[journey_a.uuid]),
                           {"returned_on": "15/02/2026"})
    assert response.status_code == 404
    journey_a.refresh_from_db()
    assert journey_a.returned_on is None


def test_officer_of_another_district_may_not_record_a_return(client, login, personas,
                                                             journey_a):
    login(personas["officer_b"])
    response = client.post(reverse("migrants:migrant_return", args=[journey_a.uuid]),
                           {"returned_on": "15/02/2026"})
    assert response.status_code == 404
    journey_a.refresh_from_db()
    assert journey_a.returned_on is None


# --- Recording a journey ------------------------------------------------------------------


def journey_post(district, **overrides):
    data = {"step": "record", "name": "Sunita Bai", "mobile": "9876512000", "gender": "female",
            "age": "26", "origin_district": str(district.pk),
            "destination_state": str(maharashtra().pk), "destination_place": "Pune",
            "employer_name": "Patil Builders", "sector": "construction",
            "departed_on": "05/01/2026", "companions-TOTAL_FORMS": "2",
            "companions-INITIAL_FORMS": "0", "companions-MIN_NUM_FORMS": "0",
            "companions-MAX_NUM_FORMS": "20", "companions-0-name": "",
            "companions-1-name": ""}
    data.update(overrides)
    return data


def test_worker_found_by_aadhaar_prefills_the_journey_and_the_number_is_never_shown(
        client, login, personas, district_a):
    aadhaar = valid_aadhaar()
    worker = WorkerFactory(district=district_a, aadhaar=aadhaar, name="सुनीता बाई",
                           name_latin="Sunita Bai", mobile="9876512000",
                           gender=Worker.Gender.FEMALE)
    login(personas["officer_a"])
    response = client.post(CREATE, {"step": "find", "aadhaar": aadhaar})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Registered worker found" in page
    assert str(worker.uuid) in page and "9876512000" in page
    assert aadhaar not in page and aadhaar[-4:] + '"' not in page

    response = client.post(CREATE, journey_post(district_a, worker=str(worker.uuid),
                                                 **{"companions-0-name": "Raju",
                                                    "companions-0-relation": "son",
                                                    "companions-0-age": "11"}))
    assert response.status_code == 302
    migrant = Migrant.objects.get()
    assert migrant.worker == worker
    assert response.url == migrant.get_absolute_url()
    assert Companion.objects.get(migrant=migrant).is_child
    page = client.get(response.url).content.decode()
    assert aadhaar not in page and "child — at risk" in page


def test_aadhaar_is_not_echoed_back_when_the_search_fails(client, login, personas):
    aadhaar = valid_aadhaar()
    login(personas["officer_a"])
    page = client.post(CREATE, {"step": "find", "aadhaar": aadhaar}).content.decode()
    assert "No registered worker found" in page
    assert aadhaar not in page


def test_worker_of_another_district_is_not_found(client, login, personas, district_b):
    aadhaar = valid_aadhaar()
    WorkerFactory(district=district_b, aadhaar=aadhaar)
    login(personas["officer_a"])
    page = client.post(CREATE, {"step": "find", "aadhaar": aadhaar}).content.decode()
    assert "No registered worker found" in page


def test_worker_found_by_mobile_prefills_the_name(client, login, personas, district_a):
    WorkerFactory(district=district_a, mobile="9876512111", name_latin="Mohan Das")
    login(personas["officer_a"])
    page = client.post(CREATE, {"step": "find", "mobile": "9876512111"}).content.decode()
    assert "Registered worker found" in page


def test_find_needs_one_of_the_three(client, login, personas):
    login(personas["officer_a"])
    page = client.post(CREATE, {"step": "find"}).content.decode()
    assert "Enter the mobile number, the registration number or the Aadhaar number." in page


def test_journey_without_a_registered_worker_is_recorded(client, login, personas, district_a):
    login(personas["officer_a"])
    assert "Not registered" in client.get(CREATE).content.decode()
    assert client.get(CREATE, {"skip": "1"}).status_code == 200
    response = client.post(CREATE, journey_post(district_a))
    assert response.status_code == 302
    migrant = Migrant.objects.get()
    assert migrant.worker is None and migrant.created_by == personas["officer_a"]
    assert migrant.departed_on == date(2026, 1, 5)


def test_journey_from_another_district_is_refused_and_nothing_saved(client, login, personas,
                                                                    district_b):
    login(personas["officer_a"])
    response = client.post(CREATE, journey_post(district_b))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Migrant.objects.exists()


def test_journey_with_a_bad_mobile_is_refused_and_nothing_saved(client, login, personas,
                                                                district_a):
    login(personas["officer_a"])
    response = client.post(CREATE, journey_post(district_a, mobile="12345"))
    assert "Enter a 10-digit Indian mobile number" in response.content.decode()
    assert not Migrant.objects.exists()


def test_helpline_agent_may_not_record_a_journey(client, login, personas, district_a):
    login(personas["helpline"])
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, journey_post(district_a)).status_code == 404
    assert not Migrant.objects.exists()


# --- Home page and navigation -------------------------------------------------------------


def test_officer_home_shows_migrants_away_by_state_linking_to_the_register(
        client, login, personas, district_a, journey_a):
    login(personas["officer_a"])
    page = client.get(reverse("core:home")).content.decode()
    assert "Migrants away, by destination state" in page
    assert f"?status=away&amp;destination_state={maharashtra().pk}" in page
    assert reverse("migrants:survey_list") in page
