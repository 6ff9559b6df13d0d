"""Bonded labour cases through their pages: rescue, the case, its steps, the list, access."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import BondedCase, Hearing, RehabComponent, RescueOperation
from core.models import AuditEvent
from registration.models import Worker
from tests.compliance.factories import BondedCaseFactory, RescueOperationFactory, days_ago
from tests.welfare.factories import active_worker
from welfare.models import Application

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:bonded_list")
OPERATION_CREATE = reverse("compliance:operation_create")
PDF = b"%PDF-1.4\n% release certificate\n%%EOF\n"

# Every route that changes a case, with a POST body that would pass its form.
CASE_POST_ROUTES = {
    "compliance:bonded_update": {"name": "Changed"},
    "compliance:bonded_hand_over": {},
    "compliance:bonded_assistance": {"amount": "30000", "paid_on": "01/01/2026"},
    "compliance:bonded_assistance_request": {},
    "compliance:bonded_component": {"kind": "land", "status": "planned",
                                    "status_on": "01/01/2026"},
    "compliance:bonded_legal": {"fir_police_station": "Kotwali", "fir_number": "12/2026"},
    "compliance:bonded_hearing": {"held_on": "01/01/2026"},
    "compliance:bonded_visit": {"visited_on": "01/01/2026", "findings": "Well"},
    "compliance:bonded_worker": {"registration_number": "CG-X-1"},
}


def url(name: str, case: BondedCase, **kwargs) -> str:
    return reverse(name, kwargs={"uuid": case.uuid, **kwargs})


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def case_a(personas, district_a):
    """A person released in district A (their home district), awaiting assistance."""
    return BondedCaseFactory(operation__district=district_a, created_by=personas["officer_a"],
                             name="Budhram Dhruw")


@pytest.fixture
def case_b(personas, district_b):
    return BondedCaseFactory(operation__district=district_b, created_by=personas["officer_b"],
                             name="Mangal Oraon")


def person_data(district, **overrides) -> dict:
    return {"name": "Sukhiya Bai", "relative_name": "Dukalu", "gender": Worker.Gender.FEMALE,
            "age": "29", "mobile": "9876543210", "address": "Village Kharora",
            "origin_district": district.pk, "released_on": "", "category": "special",
            "employer_name": "Kiln owner Ramesh", "work": "Brick kiln",
            "advance_amount": "15000", "certificate_number": "RC/7/2026",
            "certificate_magistrate": "SDM Dharsiwa", **overrides}


# --- Recording a rescue and a released person ------------------------------------------


def test_officer_records_a_rescue_and_a_person_whose_case_page_shows_the_number(
        client, login, personas, district_a):
    login(personas["officer_a"])
    response = client.post(OPERATION_CREATE, {
        "rescued_on": day(days_ago(3)), "place": "Brick kiln, Dharsiwa",
        "state": district_a.state_id, "district": district_a.pk,
        "agency": "District administration and police"})
    operation = RescueOperation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:operation_detail",
                                           args=[operation.uuid])
    certificate = SimpleUploadedFile("Sukhiya release.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("compliance:bonded_create", args=[operation.uuid]),
                           {**person_data(district_a), "certificate": certificate})
    case = BondedCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.released_on == operation.rescued_on
    assert "Sukhiya" not in case.certificate_file.name
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Sukhiya Bai" in page
    assert f"BL-{timezone.localdate().year}-" in page
    assert case.number.startswith("BL-")


def test_a_rescue_dated_in_the_future_is_refused_and_nothing_is_saved(client, login, personas,
                                                                       district_a):
    login(personas["officer_a"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(OPERATION_CREATE, {
        "rescued_on": day(tomorrow), "place": "Kiln", "state": district_a.state_id,
        "district": district_a.pk, "agency": "Police"})
    assert response.status_code == 200
    assert "The date of rescue cannot be in the future." in response.content.decode()
    assert not RescueOperation.objects.exists()


def test_a_rescue_in_this_state_without_a_district_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    login(personas["officer_a"])
    response = client.post(OPERATION_CREATE, {
        "rescued_on": day(days_ago(1)), "place": "Kiln", "state": district_a.state_id,
        "district": "", "agency": "Police"})
    assert response.status_code == 200
    assert "Choose the district of the rescue." in response.content.decode()
    assert not RescueOperation.objects.exists()


def test_a_person_released_before_it_happened_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    operation = RescueOperationFactory(district=district_a)
    login(personas["officer_a"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("compliance:bonded_create", args=[operation.uuid]),
                           person_data(district_a, released_on=day(tomorrow)))
    assert response.status_code == 200
    assert "The date of release cannot be in the future." in response.content.decode()
    assert not BondedCase.objects.exists()


def test_a_certificate_that_is_not_a_pdf_or_image_is_refused(client, login, personas,
                                                             district_a):
    operation = RescueOperationFactory(district=district_a)
    login(personas["officer_a"])
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf at all",
                              content_type="application/pdf")
    response = client.post(reverse("compliance:bonded_create", args=[operation.uuid]),
                           {**person_data(district_a), "certificate": fake})
    assert response.status_code == 200
    assert "A document must be a PDF, JPEG or PNG file." in response.content.decode()
    assert not BondedCase.objects.exists()


# --- The list ---------------------------------------------------------------------------


def test_list_filters_by_stage(client, login, personas, district_a):
    waiting = BondedCaseFactory(operation__district=district_a, name="Waiting Person")
    BondedCaseFactory(operation__district=district_a, name="Assisted Person",
                      assistance_amount=30000, assistance_paid_on=days_ago(5),
                      stage=BondedCase.Stage.AWAITING_PACKAGE)
    login(personas["officer_a"])
    page = client.get(LIST, {"stage": "package"}).content.decode()
    assert "Assisted Person" in page
    assert waiting.name not in page


def test_list_filters_overdue_assistance(client, login, personas, district_a):
    BondedCaseFactory(operation__district=district_a, operation__rescued_on=days_ago(45),
                      name="Late Person")
    BondedCaseFactory(operation__district=district_a, operation__rescued_on=days_ago(5),
                      name="Recent Person")
    login(personas["officer_a"])
    page = client.get(LIST, {"overdue": "1"}).content.decode()
    assert "Late Person" in page
    assert "Recent Person" not in page


def test_awaiting_here_lists_people_of_the_district_released_elsewhere(client, login,
                                                                        personas, district_a,
                                                                        district_b):
    BondedCaseFactory(operation__district=district_b, origin_district=district_a,
                      name="Released Elsewhere")
    BondedCaseFactory(operation__district=district_a, name="Released Here")
    BondedCaseFactory(operation__district=district_b, origin_district=district_a,
                      name="Already Assisted", assistance_amount=30000,
                      assistance_paid_on=days_ago(2), stage=BondedCase.Stage.AWAITING_PACKAGE)
    login(personas["officer_a"])
    full = client.get(LIST).content.decode()
    assert "Released elsewhere, awaiting assistance here" in full
    page = client.get(LIST, {"awaiting": "here"}).content.decode()
    assert "Released Elsewhere" in page
    assert "Released Here" not in page
    assert "Already Assisted" not in page


def test_overdue_assistance_is_said_in_words_not_only_in_red(client, login, personas,
                                                             district_a):
    case = BondedCaseFactory(operation__district=district_a, operation__rescued_on=days_ago(45))
    login(personas["officer_a"])
    assert "overdue" in client.get(LIST).content.decode()
    assert "overdue" in client.get(case.get_absolute_url()).content.decode()


def test_empty_list_says_so_and_offers_to_record_a_rescue(client, login, personas):
    login(personas["officer_a"])
    page = client.get(LIST).content.decode()
    assert "No bonded labour cases are recorded yet." in page
    assert OPERATION_CREATE in page


def test_export_csv_has_only_the_cases_in_scope(client, login, personas, case_a, case_b):
    login(personas["officer_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [case_a.number]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a, district_b,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    BondedCaseFactory(operation__district=district_a, name="Person first")
    login(personas["officer_a"])
    one_row = list_queries()
    for n in range(12):
        BondedCaseFactory(operation__district=district_b if n % 2 else district_a,
                          origin_district=district_a, name=f"Person {n}")
    assert list_queries() == one_row
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert "Person 11" in response.content.decode()


# --- Who may open what -------------------------------------------------------------------


def test_officer_of_another_district_gets_404_on_the_case_page(client, login, personas,
                                                               case_a):
    login(personas["officer_b"])
    assert client.get(case_a.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_officer_of_another_district_gets_404_on_every_post_route(client, login, personas,
                                                                  case_a):
    case_a.components.create(kind="cash", amount=10000, status_on=timezone.localdate())
    login(personas["officer_b"])
    routes = {**CASE_POST_ROUTES, "compliance:bonded_component_pay": {}}
    for name, data in routes.items():
        kwargs = {"kind": "cash"} if name == "compliance:bonded_component_pay" else {}
        response = client.post(url(name, case_a, **kwargs), data)
        assert response.status_code == 404, name
    response = client.post(reverse("compliance:bonded_create", args=[case_a.operation.uuid]),
                           person_data(case_a.origin_district))
    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.name == "Budhram Dhruw"
    assert BondedCase.objects.count() == 1


def test_district_admin_reads_the_case_but_gets_404_on_its_forms(client, login, personas,
                                                                 case_a):
    login(personas["district_admin_a"])
    page = client.get(case_a.get_absolute_url())
    assert page.status_code == 200
    assert url("compliance:bonded_update", case_a) not in page.content.decode()
    assert client.get(LIST).status_code == 200
    assert client.get(OPERATION_CREATE).status_code == 404
    for name, data in CASE_POST_ROUTES.items():
        assert client.get(url(name, case_a)).status_code in (404, 405), name
        assert client.post(url(name, case_a), data).status_code == 404, name


@pytest.mark.parametrize("persona", ["csc_a", "worker_a", "inspector_a"])
def test_csc_operator_worker_and_inspector_get_404(client, login, personas, case_a, persona):
    login(personas[persona])
    assert client.get(LIST).status_code == 404
    assert client.get(case_a.get_absolute_url()).status_code == 404
    assert client.get(url("compliance:bonded_certificate", case_a)).status_code == 404


def test_certificate_downloads_as_an_attachment_and_is_404_outside_scope(client, login,
                                                                        personas, case_a):
    case_a.certificate_file.save("certificate.pdf", io.BytesIO(PDF))
    login(personas["officer_a"])
    response = client.get(url("compliance:bonded_certificate", case_a))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    login(personas["officer_b"])
    assert client.get(url("compliance:bonded_certificate", case_a)).status_code == 404


# --- Steps on a case ---------------------------------------------------------------------


def test_hand_over_shows_the_case_to_the_new_district_and_still_to_the_release_district(
        client, login, personas, case_a, district_b):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_hand_over", case_a),
                           {"district": district_b.pk}, follow=True)
    assert "The case is handed over to Bilaspur." in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.origin_district == district_b
    assert client.get(case_a.get_absolute_url()).status_code == 200
    login(personas["officer_b"])
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Handed over by Raipur" in page


def test_recording_assistance_moves_the_case_to_awaiting_the_package(client, login, personas,
                                                                     case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_assistance", case_a),
                           {"amount": "30000", "paid_on": day(days_ago(1))})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.assistance_paid_on == days_ago(1)
    assert case_a.stage == BondedCase.Stage.AWAITING_PACKAGE


def test_assistance_paid_before_the_release_is_refused(client, login, personas, case_a):
    login(personas["officer_a"])
    before = case_a.released_on - timedelta(days=1)
    response = client.post(url("compliance:bonded_assistance", case_a),
                           {"amount": "30000", "paid_on": day(before)})
    assert response.status_code == 200
    assert "The payment date falls between the release and today." in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.assistance_paid_on is None


def test_asking_for_assistance_creates_one_sanctioned_payment_for_a_linked_worker(
        client, login, personas, case_a, district_a):
    case_a.worker = active_worker(district=district_a)
    case_a.save()
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_assistance_request", case_a))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == Application.Status.SANCTIONED
    assert application.worker == case_a.worker
    client.post(url("compliance:bonded_assistance_request", case_a))
    assert Application.objects.count() == 1
    case_a.refresh_from_db()
    assert case_a.assistance_payment == application


def test_asking_for_assistance_without_a_registration_says_to_link_one(client, login,
                                                                       personas, case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_assistance_request", case_a))
    assert response.status_code == 200
    assert "Link the person" in response.content.decode()
    assert not Application.objects.exists()


def test_a_component_over_the_package_limit_is_refused_with_the_message(client, login,
                                                                        personas, case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_component", case_a), {
        "kind": "land", "amount": "150000", "status": "planned",
        "status_on": day(timezone.localdate())})
    assert response.status_code == 200
    assert "The package of this category is" in response.content.decode()
    assert not RehabComponent.objects.exists()


def test_a_component_within_the_package_is_saved_and_shown(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_component", case_a), {
        "kind": "housing", "amount": "40000", "status": "planned",
        "status_on": day(timezone.localdate()), "details": "Indira Awas"}, follow=True)
    assert "Indira Awas" in response.content.decode()
    assert case_a.components.get().amount == 40000


def test_component_form_is_prefilled_from_the_existing_component(client, login, personas,
                                                                 case_a):
    case_a.components.create(kind="skill", amount=12000, status_on=timezone.localdate(),
                             details="Masonry course")
    login(personas["officer_a"])
    page = client.get(url("compliance:bonded_component", case_a), {"kind": "skill"})
    assert 'value="Masonry course"' in page.content.decode()


def test_asking_for_a_component_payment_without_a_registration_is_shown_on_the_case(
        client, login, personas, case_a):
    case_a.components.create(kind="cash", amount=10000, status_on=timezone.localdate())
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_component_pay", case_a, kind="cash"))
    assert response.status_code == 200
    assert "Link the person" in response.content.decode()
    assert case_a.components.get().payment is None


def test_a_legal_outcome_without_a_court_case_number_is_refused(client, login, personas,
                                                                case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_legal", case_a), {
        "fir_police_station": "Kotwali", "fir_number": "12/2026", "fir_on": day(days_ago(5)),
        "outcome": "convicted", "outcome_on": day(days_ago(1))})
    assert response.status_code == 200
    assert "An outcome needs the court case number" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.outcome == "pending" and case_a.fir_number == ""


def test_an_fir_moves_the_legal_stage(client, login, personas, case_a):
    login(personas["officer_a"])
    client.post(url("compliance:bonded_legal", case_a), {
        "fir_police_station": "Kotwali", "fir_number": "12/2026", "fir_on": day(days_ago(5)),
        "outcome": "pending"})
    case_a.refresh_from_db()
    assert case_a.legal_stage == BondedCase.LegalStage.FIR


def test_a_hearing_with_the_next_one_before_it_is_refused(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_hearing", case_a), {
        "held_on": day(days_ago(2)), "next_on": day(days_ago(3))})
    assert response.status_code == 200
    assert "The next hearing must come after this one." in response.content.decode()
    assert not Hearing.objects.exists()


def test_a_follow_up_visit_sets_the_next_one(client, login, personas, case_a):
    login(personas["officer_a"])
    client.post(url("compliance:bonded_visit", case_a), {
        "visited_on": day(days_ago(1)), "findings": "Living at home, working on own land"})
    case_a.refresh_from_db()
    assert case_a.visits.count() == 1
    assert case_a.next_visit_on > days_ago(1)


def test_linking_a_registration_by_its_number(client, login, personas, case_a, district_a):
    worker = active_worker(district=district_a)
    login(personas["officer_a"])
    client.post(url("compliance:bonded_worker", case_a),
                {"registration_number": worker.registration_number.lower()})
    case_a.refresh_from_db()
    assert case_a.worker == worker


def test_starting_a_registration_opens_the_draft(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(url("compliance:bonded_worker", case_a), {"start": "1"})
    case_a.refresh_from_db()
    assert case_a.worker is not None
    assert response["Location"] == reverse("registration:worker_step",
                                           args=[case_a.worker.uuid, "personal"])


def test_correcting_a_case_keeps_the_home_district(client, login, personas, case_a):
    login(personas["officer_a"])
    data = person_data(case_a.origin_district, name="Budhram Dhruv",
                       released_on=day(case_a.released_on))
    response = client.post(url("compliance:bonded_update", case_a), data)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.name == "Budhram Dhruv"


def test_every_page_of_a_case_renders_for_its_officer(client, login, personas, case_a):
    case_a.components.create(kind="cash", amount=10000, status_on=timezone.localdate())
    login(personas["officer_a"])
    pages = [LIST, OPERATION_CREATE, reverse("compliance:operation_detail",
                                             args=[case_a.operation.uuid]),
             reverse("compliance:bonded_create", args=[case_a.operation.uuid]),
             case_a.get_absolute_url()]
    pages += [url(name, case_a) for name in CASE_POST_ROUTES
              if name != "compliance:bonded_assistance_request"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "<h1" in response.content.decode(), page

