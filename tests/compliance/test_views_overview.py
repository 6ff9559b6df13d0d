"""The compliance overview (counts that link to their lists) and the visits-due page."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import ChildCase
from core.models import AuditEvent
from tests.compliance.factories import (
    BondedCaseFactory,
    ChildCaseFactory,
    RescueOperationFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("compliance:overview")
VISITS = reverse("compliance:visits_due")
CHILD_LIST = reverse("compliance:child_list")
BONDED_LIST = reverse("compliance:bonded_list")


def _links(page: str, list_url: str) -> list[tuple[str, int]]:
    """Return the (url, number) of every number on the page linking to ``list_url``."""
    pattern = re.compile(r'<a href="(' + re.escape(list_url) + r'(?:\?[^"]*)?)">(\d+)</a>')
    return [(html.unescape(url), int(number)) for url, number in pattern.findall(page)]


@pytest.fixture
def children(personas, district_a, district_b):
    """Children of both districts at every stage, some hazardous, some in court."""
    S = ChildCase.Stage
    made = []
    for district, n in ((district_a, 2), (district_b, 1)):
        for _i in range(n):
            made.append(ChildCaseFactory(district=district))
            made.append(ChildCaseFactory(district=district, cwc_order_on=days_ago(9),
                                         stage=S.AWAITING_PLACEMENT, complaint_on=days_ago(5)))
        made.append(ChildCaseFactory(district=district, cwc_order_on=days_ago(9),
                                     placement="family", stage=S.AWAITING_SCHOOL))
    made.append(ChildCaseFactory(district=district_a, cwc_order_on=days_ago(9),
                                 placement="family", education="school", institution="GPS",
                                 enrolled_on=days_ago(3), stage=S.REHABILITATED,
                                 complaint_on=days_ago(8), court_case_number="1/26",
                                 outcome="convicted", outcome_on=days_ago(1)))
    return made


@pytest.fixture
def bonded(district_a, district_b):
    """Bonded cases of district A: one awaiting assistance past its due days, one recent."""
    late = RescueOperationFactory(district=district_a, rescued_on=days_ago(45))
    recent = RescueOperationFactory(district=district_a, rescued_on=days_ago(5))
    other = RescueOperationFactory(district=district_b, rescued_on=days_ago(5))
    return [BondedCaseFactory(operation=late), BondedCaseFactory(operation=recent),
            BondedCaseFactory(operation=other)]


# --- The overview ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_b", "state_admin"])
def test_overview_child_numbers_equal_the_counts_of_the_lists_they_link_to(
        client, login, personas, children, persona):
    login(personas[persona])
    links = _links(client.get(OVERVIEW).content.decode(), CHILD_LIST)
    assert links, "the overview links its numbers to the child list"
    assert any(number > 0 for _url, number in links)
    for url, number in links:
        assert client.get(url).context["paginator"].count == number, url


def test_overview_counts_only_the_users_districts(client, login, personas, children,
                                                  district_a, district_b):
    login(personas["officer_a"])
    urls = [url for url, _n in _links(client.get(OVERVIEW).content.decode(), CHILD_LIST)]
    assert any(f"district={district_a.pk}" in url for url in urls)
    assert not any(f"district={district_b.pk}" in url for url in urls)


def test_overview_links_bonded_numbers_by_home_district_stage_and_overdue(
        client, login, personas, bonded, district_a):
    login(personas["officer_a"])
    links = dict(_links(client.get(OVERVIEW).content.decode(), BONDED_LIST))
    base = f"{BONDED_LIST}?origin_district={district_a.pk}"
    assert links[f"{base}&stage=assistance"] == 2
    assert links[f"{base}&stage=rehabilitated"] == 0
    assert links[f"{base}&overdue=1"] == 1
    assert links[base] == 2


def test_overview_bonded_stage_and_overdue_numbers_equal_their_lists(
        client, login, personas, bonded):
    login(personas["state_admin"])
    links = _links(client.get(OVERVIEW).content.decode(), BONDED_LIST)
    checked = [(url, number) for url, number in links
               if "stage=" in url or "overdue=1" in url]
    assert checked
    for url, number in checked:
        assert client.get(url).context["paginator"].count == number, url


def test_overview_shows_a_dash_for_milestones_without_cases(client, login, personas):
    login(personas["officer_a"])
    page = client.get(OVERVIEW).content.decode()
    milestones = page[page.index('class="row mb-0 milestones"'):]
    milestones = milestones[:milestones.index("</dl>")]
    assert milestones.count("<dd") == 4 and milestones.count("—") == 4


def test_overview_shows_the_median_days_to_assistance(client, login, personas, district_a):
    operation = RescueOperationFactory(district=district_a, rescued_on=days_ago(20))
    BondedCaseFactory(operation=operation, assistance_amount=30000,
                      assistance_paid_on=days_ago(10))
    login(personas["officer_a"])
    assert "10 days" in client.get(OVERVIEW).content.decode()


def test_overview_offers_the_quick_links(client, login, personas):
    login(personas["officer_a"])
    page = client.get(OVERVIEW).content.decode()
    for name in ("operation_create", "child_list", "child_survey_list", "visits_due"):
        assert reverse(f"compliance:{name}") in page, name


def test_overview_is_404_for_roles_that_do_not_read_cases(client, login, personas):
    for key in ("inspector_a", "csc_a", "helpline", "maker", "employer_a", "worker_a"):
        login(personas[key])
        assert client.get(OVERVIEW).status_code == 404, key
        assert client.get(VISITS).status_code == 404, key


def test_anonymous_visitor_is_sent_to_login_from_the_overview(client, db):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "login" in response["Location"]


def test_overview_csv_has_the_counts_and_is_audited(client, login, personas, children,
                                                    bonded):
    login(personas["officer_a"])
    response = client.get(OVERVIEW, {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Register", "District", "Count of", "Cases"]
    assert ["Child labour", "Raipur", "All cases", "6"] in rows
    assert ["Bonded labour", "Raipur", "Immediate assistance overdue", "1"] in rows
    assert not any(row[1] == "Bilaspur" for row in rows[1:])
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.detail["rows"] == len(rows) - 1


def test_overview_xlsx_downloads_a_workbook(client, login, personas, children):
    from openpyxl import load_workbook

    login(personas["state_admin"])
    response = client.get(OVERVIEW, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(max_row=1, values_only=True)) == (
        "Register", "District", "Count of", "Cases")


# --- Visits due ------------------------------------------------------------------------


def test_visits_due_lists_a_case_whose_visit_is_past_and_not_one_in_the_future(
        client, login, personas, district_a):
    past = ChildCaseFactory(district=district_a, next_visit_on=days_ago(4))
    future = ChildCaseFactory(district=district_a,
                              next_visit_on=timezone.localdate() + timedelta(days=3))
    login(personas["officer_a"])
    page = client.get(VISITS).content.decode()
    assert past.number in page and future.number not in page
    assert "4 days" in page
    assert reverse("compliance:child_visit", args=[past.uuid]) in page


def test_visits_due_puts_the_oldest_first_across_bonded_and_child_cases(
        client, login, personas, district_a):
    child = ChildCaseFactory(district=district_a, next_visit_on=days_ago(2))
    operation = RescueOperationFactory(district=district_a, rescued_on=days_ago(100))
    person = BondedCaseFactory(operation=operation, next_visit_on=days_ago(9))
    today = ChildCaseFactory(district=district_a, next_visit_on=timezone.localdate())
    login(personas["officer_a"])
    rows = client.get(VISITS).context["rows"]
    assert [row["case"] for row in rows] == [person, child, today]
    assert [row["days"] for row in rows] == [9, 2, 0]
    assert rows[0]["visit_url"] == reverse("compliance:bonded_visit", args=[person.uuid])


def test_visits_due_shows_only_the_users_districts(client, login, personas, district_a,
                                                   district_b):
    ChildCaseFactory(district=district_a, next_visit_on=days_ago(1))
    other = ChildCaseFactory(district=district_b, next_visit_on=days_ago(1), name="Quixley")
    login(personas["officer_a"])
    page = client.get(VISITS).content.decode()
    assert other.number not in page and "Quixley" not in page


def test_district_admin_sees_visits_due_without_record_links(client, login, personas,
                                                             district_a):
    case = ChildCaseFactory(district=district_a, next_visit_on=days_ago(1))
    login(personas["district_admin_a"])
    page = client.get(VISITS).content.decode()
    assert case.number in page
    assert reverse("compliance:child_visit", args=[case.uuid]) not in page


def test_no_visits_due_says_so(client, login, personas):
    login(personas["officer_a"])
    assert "No follow-up visits are due." in client.get(VISITS).content.decode()
