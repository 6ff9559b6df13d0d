"""Child labour through its pages: who may open a child's record, audits, exports, forms."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import ChildCase, ChildSurvey, FollowUpVisit, Hearing
from core.models import AuditEvent
from tests.compliance.factories import ChildCaseFactory, ChildSurveyFactory, days_ago

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:child_list")
CREATE = reverse("compliance:child_create")
SURVEYS = reverse("compliance:child_survey_list")
SURVEY_CREATE = reverse("compliance:child_survey_create")

# Who may open a record of district A (everyone else gets 404).
READERS_OF_A = {"state_admin", "district_admin_a", "officer_a"}
KEEPERS_OF_A = {"state_admin", "officer_a"}
# Who may open the list at all (district B's officials see it, without A's rows).
LIST_READERS = READERS_OF_A | {"district_admin_b", "officer_b"}


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def survey_a(personas, district_a):
    return ChildSurveyFactory(district=district_a, area="Gudhiyari market",
                              created_by=personas["officer_a"])


@pytest.fixture
def case_a(personas, district_a, survey_a):
    return ChildCaseFactory(district=district_a, survey=survey_a, name="Sonu Kumar",
                            guardian_name="Ramesh Kumar", created_by=personas["officer_a"])


@pytest.fixture
def case_b(personas, district_b):
    return ChildCaseFactory(district=district_b, name="Quixley Bhoi",
                            guardian_name="Zorawar Bhoi", created_by=personas["officer_b"])


def _statuses(client, login, personas, url) -> dict:
    statuses = {}
    for key, user in personas.items():
        login(user)
        statuses[key] = client.get(url).status_code
    return statuses


def _expected(allowed) -> dict:
    return {key: 200 if key in allowed else 404 for key in (
        "state_admin", "district_admin_a", "district_admin_b", "officer_a", "officer_b",
        "inspector_a", "csc_a", "csc_b", "helpline", "maker", "checker", "employer_a",
        "worker_a", "worker_b")}


# --- The access matrix -----------------------------------------------------------------


def test_child_detail_opens_only_for_the_districts_officials_and_the_state_admin(
        client, login, personas, case_a):
    assert _statuses(client, login, personas, case_a.get_absolute_url()) == \
        _expected(READERS_OF_A)


def test_child_list_shows_the_row_only_to_the_districts_officials_and_the_state_admin(
        client, login, personas, case_a):
    seen = {}
    for key, user in personas.items():
        login(user)
        response = client.get(LIST)
        seen[key] = (response.status_code,
                     case_a.number in response.content.decode()
                     if response.status_code == 200 else None)
    assert seen == {key: (200, key in READERS_OF_A) if key in LIST_READERS else (404, None)
                    for key in personas}


def test_child_update_opens_only_for_the_districts_officer_and_the_state_admin(
        client, login, personas, case_a):
    for section in ("child", "order", "rehabilitation", "prosecution"):
        url = reverse("compliance:child_update", args=[case_a.uuid, section])
        assert _statuses(client, login, personas, url) == _expected(KEEPERS_OF_A), section


def test_child_survey_detail_opens_only_for_the_districts_officials_and_the_state_admin(
        client, login, personas, survey_a):
    assert _statuses(client, login, personas, survey_a.get_absolute_url()) == \
        _expected(READERS_OF_A)


def test_hearing_and_visit_forms_open_only_for_the_districts_officer_and_the_state_admin(
        client, login, personas, case_a):
    for name in ("compliance:child_hearing", "compliance:child_visit"):
        url = reverse(name, args=[case_a.uuid])
        assert _statuses(client, login, personas, url) == _expected(KEEPERS_OF_A), name


@pytest.mark.parametrize("name", ["child_list", "child_create", "child_survey_list",
                                  "child_survey_create"])
def test_anonymous_visitor_is_sent_to_login_from_the_child_pages(client, db, name):
    response = client.get(reverse(f"compliance:{name}"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_anonymous_visitor_is_sent_to_login_from_a_childs_record(client, case_a):
    for url in (case_a.get_absolute_url(), case_a.survey.get_absolute_url(),
                reverse("compliance:child_update", args=[case_a.uuid, "child"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_district_admin_reads_a_case_without_edit_links(client, login, personas, case_a):
    login(personas["district_admin_a"])
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Sonu Kumar" in page
    assert reverse("compliance:child_update", args=[case_a.uuid, "order"]) not in page


def test_unknown_section_is_404(client, login, personas, case_a):
    login(personas["officer_a"])
    url = reverse("compliance:child_update", args=[case_a.uuid, "district"])
    assert client.get(url).status_code == 404


# --- Audit -------------------------------------------------------------------------------


def test_every_read_of_a_childs_case_is_audited_with_its_district(client, login, personas,
                                                                  case_a, district_a):
    for key in READERS_OF_A:
        login(personas[key])
        assert client.get(case_a.get_absolute_url()).status_code == 200
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.SENSITIVE_READ, actor=personas[key],
            object_type="compliance.childcase", object_id=str(case_a.pk),
            district=district_a).count() == 1, key


def test_a_refused_read_of_a_childs_case_is_audited_as_a_refusal(client, login, personas,
                                                                 case_a, district_a):
    login(personas["officer_b"])
    assert client.get(case_a.get_absolute_url()).status_code == 404
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.REFUSAL)
    assert (refusal.actor, refusal.object_id, refusal.district) == (
        personas["officer_b"], str(case_a.pk), district_a)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ).exists()


def test_a_refused_role_is_audited_without_naming_the_case(client, login, personas, case_a):
    login(personas["csc_a"])
    assert client.get(case_a.get_absolute_url()).status_code == 404
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.REFUSAL)
    assert refusal.object_id == ""


def test_opening_a_cases_form_is_audited_as_a_read(client, login, personas, case_a):
    login(personas["officer_a"])
    client.get(reverse("compliance:child_update", args=[case_a.uuid, "child"]))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ,
                                     object_id=str(case_a.pk)).exists()


def test_reading_a_survey_with_its_children_is_audited(client, login, personas, survey_a,
                                                       case_a, district_a):
    login(personas["district_admin_a"])
    page = client.get(survey_a.get_absolute_url()).content.decode()
    assert "Sonu Kumar" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ,
                                     object_type="compliance.childsurvey",
                                     district=district_a).exists()


# --- The list and its exports ---------------------------------------------------------


def test_state_admin_export_has_no_names(client, login, personas, case_a, case_b):
    login(personas["state_admin"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    content = "\n".join(",".join(row) for row in rows)
    assert sorted(row[0] for row in rows[1:]) == sorted([case_a.number, case_b.number])
    for name in ("Sonu", "Ramesh", "Quixley", "Zorawar", "Sharma Dhaba", "Vinod Sharma"):
        assert name not in content
    assert rows[0][:4] == ["Case number", "District", "Age", "Gender"]


def test_officer_export_has_the_names(client, login, personas, case_a):
    login(personas["officer_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert row["Child's name"] == "Sonu Kumar"
    assert row["Parent / guardian"] == "Ramesh Kumar"
    assert row["Case number"] == case_a.number


def test_export_never_includes_another_districts_rows(client, login, personas, case_a,
                                                     case_b):
    for key in ("officer_a", "district_admin_a"):
        login(personas[key])
        rows = csv_rows(client.get(LIST, {"export": "csv"}))
        assert [row[0] for row in rows[1:]] == [case_a.number], key
        assert "Quixley" not in str(rows)


def test_xlsx_export_is_audited_with_its_row_count(client, login, personas, case_a):
    from openpyxl import load_workbook

    login(personas["officer_a"])
    response = client.get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [case_a.number]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.detail["rows"] == 1


def test_list_filters_by_stage_hazard_prosecution_and_search(client, login, personas,
                                                             district_a):
    officer = personas["officer_a"]
    plain = ChildCaseFactory(district=district_a, name="Plain Case")
    hazardous = ChildCaseFactory(district=district_a, name="Kiln Child", is_hazardous=True)
    placed = ChildCaseFactory(district=district_a, name="Placed Child",
                              cwc_order_on=days_ago(5), stage=ChildCase.Stage.AWAITING_PLACEMENT)
    in_court = ChildCaseFactory(district=district_a, name="Court Child",
                                complaint_on=days_ago(3))
    login(officer)

    def names(**query):
        return {c.name for c in client.get(LIST, query).context["object_list"]}

    assert names(stage="placement") == {placed.name}
    assert names(is_hazardous="1") == {hazardous.name}
    assert names(prosecution_pending="1") == {in_court.name}
    assert names(q="plain") == {plain.name}
    assert names(q=in_court.number) == {in_court.name}


def test_state_admin_filters_the_list_by_district(client, login, personas, case_a, case_b,
                                                  district_b):
    login(personas["state_admin"])
    cases = client.get(LIST, {"district": district_b.pk}).context["object_list"]
    assert [c.number for c in cases] == [case_b.number]


def test_empty_list_says_so_and_offers_recording_to_keepers(client, login, personas):
    login(personas["officer_a"])
    page = client.get(LIST).content.decode()
    assert "No rescued children are recorded yet." in page
    assert CREATE in page


def test_district_admin_is_not_offered_to_record_a_child(client, login, personas, case_a):
    login(personas["district_admin_a"])
    assert CREATE not in client.get(LIST).content.decode()
    assert client.get(CREATE).status_code == 404


def test_child_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                  survey_a, django_assert_max_num_queries):
    for n in range(25):
        ChildCaseFactory(district=district_a, survey=survey_a, name=f"Child {n}")
    login(personas["state_admin"])
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    assert "Child 24" in response.content.decode()


# --- Recording a child -------------------------------------------------------------------


def _child_data(district, **overrides) -> dict:
    data = {"district": district.pk, "survey": "", "rescued_on": _d(days_ago(2)),
            "name": "Raju Netam", "gender": "male", "age": "12", "age_proof": "school",
            "guardian_name": "Sukhlal Netam", "home_address": "Village Kurud",
            "establishment_name": "Laxmi Hotel", "establishment_address": "Station road",
            "employer_name": "Mohan Lal", "work": "Serving tea", "is_hazardous": "on"}
    data.update(overrides)
    return data


def test_officer_records_a_rescued_child_and_is_sent_to_the_case(client, login, personas,
                                                                 district_a, survey_a):
    login(personas["officer_a"])
    response = client.post(CREATE, _child_data(district_a, survey=survey_a.pk))
    case = ChildCase.objects.get(name="Raju Netam")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.district, case.survey, case.is_hazardous, case.stage) == (
        district_a, survey_a, True, ChildCase.Stage.AWAITING_ORDER)
    assert case.number.startswith("CL-")
    follow = client.get(response["Location"])
    assert "Rescued child recorded as case" in follow.content.decode()


def test_create_with_age_18_is_refused_with_a_message_and_nothing_saved(client, login,
                                                                        personas, district_a):
    login(personas["officer_a"])
    response = client.post(CREATE, _child_data(district_a, age="18"))
    assert response.status_code == 200
    assert "A child is under 18 years of age." in response.content.decode()
    assert not ChildCase.objects.exists()


def test_officer_may_not_record_a_child_in_another_district(client, login, personas,
                                                            district_b):
    login(personas["officer_a"])
    response = client.post(CREATE, _child_data(district_b))
    assert response.status_code == 200
    assert not ChildCase.objects.exists()


def test_survey_of_another_district_is_refused(client, login, personas, district_a,
                                               district_b):
    other = ChildSurveyFactory(district=district_b)
    login(personas["state_admin"])
    response = client.post(CREATE, _child_data(district_a, survey=other.pk))
    assert response.status_code == 200
    assert "That survey is of another district." in response.content.decode()
    assert not ChildCase.objects.exists()


def test_record_from_a_survey_page_starts_with_the_survey_chosen(client, login, personas,
                                                                 survey_a):
    login(personas["officer_a"])
    form = client.get(CREATE, {"survey": str(survey_a.uuid)}).context["form"]
    assert form.initial["survey"] == survey_a


# --- The sections of a case -----------------------------------------------------------


def _section(case, name):
    return reverse("compliance:child_update", args=[case.uuid, name])


def test_cwc_order_before_the_rescue_is_refused(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(_section(case_a, "order"), {
        "cwc_order_number": "CWC/12", "cwc_order_on": _d(case_a.rescued_on - timedelta(days=1)),
        "placement": "", "placement_details": ""})
    assert response.status_code == 200
    assert "The CWC order comes after the rescue." in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.cwc_order_on is None and case_a.stage == ChildCase.Stage.AWAITING_ORDER


def test_stage_moves_order_placement_school_rehabilitated_through_the_section_forms(
        client, login, personas, case_a):
    login(personas["officer_a"])
    order_on = _d(case_a.rescued_on + timedelta(days=1))
    client.post(_section(case_a, "order"), {"cwc_order_number": "CWC/12",
                                            "cwc_order_on": order_on, "placement": ""})
    case_a.refresh_from_db()
    assert case_a.stage == ChildCase.Stage.AWAITING_PLACEMENT
    client.post(_section(case_a, "order"), {
        "cwc_order_number": "CWC/12", "cwc_order_on": order_on, "placement": "family",
        "placement_details": "Restored to the mother"})
    case_a.refresh_from_db()
    assert case_a.stage == ChildCase.Stage.AWAITING_SCHOOL
    response = client.post(_section(case_a, "rehabilitation"), {
        "education": "nclp", "institution": "NCLP centre, Raipur",
        "enrolled_on": _d(case_a.rescued_on + timedelta(days=5)),
        "scholarship_amount": "1800", "fund_deposit_amount": "20000",
        "fund_deposit_on": _d(case_a.rescued_on + timedelta(days=6))})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.stage == ChildCase.Stage.REHABILITATED
    assert case_a.fund_deposit_amount == 20000
    assert "Rehabilitated" in client.get(response["Location"]).content.decode()


def test_case_page_says_what_is_pending_next(client, login, personas, case_a):
    login(personas["officer_a"])
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Next: record the Child Welfare Committee&#x27;s order." in page
    assert _section(case_a, "order") in page
    assert "₹20,000" in page  # the deposit suggested from settings


def test_prosecution_outcome_needs_the_court_case_and_judgment(client, login, personas,
                                                               case_a):
    login(personas["officer_a"])
    response = client.post(_section(case_a, "prosecution"), {
        "complaint_on": _d(days_ago(3)), "court_name": "CJM Raipur", "court_case_number": "",
        "outcome": "convicted", "outcome_on": _d(days_ago(1)), "fine_amount": "20000"})
    assert response.status_code == 200
    assert "An outcome needs the court case number" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.outcome == "pending" and case_a.complaint_on is None


def test_a_zero_fine_is_refused_on_the_form(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(_section(case_a, "prosecution"), {
        "complaint_on": _d(days_ago(3)), "court_name": "CJM Raipur",
        "court_case_number": "12/2026", "outcome": "convicted", "outcome_on": _d(days_ago(1)),
        "fine_amount": "0"})
    assert response.status_code == 200
    assert "Enter an amount greater than zero." in response.content.decode()


def test_changing_the_rescue_date_after_the_order_is_refused_on_top_of_the_form(
        client, login, personas, case_a):
    case_a.cwc_order_on = days_ago(10)
    case_a.save()
    login(personas["officer_a"])
    data = _child_data(case_a.district, rescued_on=_d(days_ago(5)))
    data.pop("district")
    response = client.post(_section(case_a, "child"), data)
    assert response.status_code == 200
    assert "The CWC order comes after the rescue." in response.content.decode()


def test_hearing_is_recorded_on_the_case(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_hearing", args=[case_a.uuid]), {
        "held_on": _d(days_ago(1)), "next_on": _d(timezone.localdate() + timedelta(days=20)),
        "notes": "Employer appeared"})
    assert response.status_code == 302
    assert Hearing.objects.get(child_case=case_a).notes == "Employer appeared"


def test_hearing_in_the_future_is_refused(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_hearing", args=[case_a.uuid]), {
        "held_on": _d(timezone.localdate() + timedelta(days=2)), "notes": ""})
    assert response.status_code == 200
    assert "A hearing cannot be recorded before it is held." in response.content.decode()
    assert not Hearing.objects.exists()


def test_visit_is_recorded_and_the_next_one_falls_due_after_it(client, login, personas,
                                                               case_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_visit", args=[case_a.uuid]), {
        "visited_on": _d(days_ago(1)), "findings": "In school, well"})
    assert response.status_code == 302
    assert FollowUpVisit.objects.filter(child_case=case_a).count() == 1
    case_a.refresh_from_db()
    assert case_a.next_visit_on > timezone.localdate()


def test_visit_before_the_rescue_is_refused(client, login, personas, case_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_visit", args=[case_a.uuid]), {
        "visited_on": _d(case_a.rescued_on - timedelta(days=1)), "findings": "x"})
    assert response.status_code == 200
    assert "A follow-up visit comes after the rescue." in response.content.decode()
    assert not FollowUpVisit.objects.exists()


def test_officer_of_another_district_may_not_post_to_a_case(client, login, personas, case_a):
    login(personas["officer_b"])
    response = client.post(reverse("compliance:child_visit", args=[case_a.uuid]), {
        "visited_on": _d(days_ago(1)), "findings": "x"})
    assert response.status_code == 404
    assert not FollowUpVisit.objects.exists()


# --- Surveys -----------------------------------------------------------------------------


def test_officer_plans_a_survey_of_their_district(client, login, personas, district_a):
    login(personas["officer_a"])
    response = client.post(SURVEY_CREATE, {
        "district": district_a.pk, "area": "Industrial area, Urla",
        "starts_on": _d(days_ago(1)), "ends_on": _d(timezone.localdate() + timedelta(days=2)),
        "team": "LEO, AHTU", "cwc_members": "CWC member"})
    survey = ChildSurvey.objects.get(area="Industrial area, Urla")
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()


def test_survey_ending_before_it_starts_is_refused(client, login, personas, district_a):
    login(personas["officer_a"])
    response = client.post(SURVEY_CREATE, {
        "district": district_a.pk, "area": "Urla", "starts_on": _d(days_ago(1)),
        "ends_on": _d(days_ago(3)), "team": "LEO"})
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not ChildSurvey.objects.exists()


def test_findings_are_recorded_on_the_survey(client, login, personas, survey_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_survey_update", args=[survey_a.uuid]), {
        "area": survey_a.area, "starts_on": _d(survey_a.starts_on),
        "ends_on": _d(survey_a.ends_on), "team": survey_a.team, "cwc_members": "",
        "establishments_visited": "14", "children_found": "3", "findings": "3 at dhabas"})
    assert response.status_code == 302
    survey_a.refresh_from_db()
    assert (survey_a.establishments_visited, survey_a.children_found) == (14, 3)


def test_children_found_without_establishments_is_refused(client, login, personas, survey_a):
    login(personas["officer_a"])
    response = client.post(reverse("compliance:child_survey_update", args=[survey_a.uuid]), {
        "area": survey_a.area, "starts_on": _d(survey_a.starts_on),
        "ends_on": _d(survey_a.ends_on), "team": survey_a.team,
        "establishments_visited": "0", "children_found": "3", "findings": ""})
    assert response.status_code == 200
    assert "give the number of establishments visited" in response.content.decode()
    survey_a.refresh_from_db()
    assert survey_a.children_found == 0


def test_survey_list_counts_the_children_recorded_and_exports(client, login, personas,
                                                              survey_a, case_a, district_b):
    ChildSurveyFactory(district=district_b, area="Bilaspur bazaar")
    login(personas["officer_a"])
    response = client.get(SURVEYS)
    surveys = list(response.context["object_list"])
    assert [(s.area, s.cases_count) for s in surveys] == [("Gudhiyari market", 1)]
    rows = csv_rows(client.get(SURVEYS, {"export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["Gudhiyari market"]
    assert "Sonu" not in str(rows)
