"""Surveys through their pages: plan, list, page, the offline capture page and its sync,
and survey sheets uploaded as CSV or XLSX."""

import io
import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from migrants.models import Companion, Migrant, Survey
from tests.core.factories import BlockFactory, UserFactory, VillageFactory
from tests.migrants.factories import SurveyFactory, entry, journey, maharashtra

pytestmark = pytest.mark.django_db

LIST = reverse("migrants:survey_list")
CREATE = reverse("migrants:survey_create")


@pytest.fixture
def survey_a(personas, district_a):
    return SurveyFactory(district=district_a, created_by=personas["officer_a"],
                         name="Abhanpur door to door", surveyors=[personas["officer_a"]])


@pytest.fixture
def survey_b(personas, district_b):
    return SurveyFactory(district=district_b, created_by=personas["officer_b"],
                         name="Takhatpur camp")


def sync(client, survey, entries, **kwargs):
    body = kwargs.pop("body", None)
    return client.post(reverse("migrants:survey_sync", args=[survey.uuid]),
                       data=body if body is not None else json.dumps({"entries": entries}),
                       content_type="application/json")


# --- Plan, list, page ---------------------------------------------------------------------


def survey_post(district, block, **overrides):
    data = {"name": "Arang survey", "kind": Survey.Kind.DOOR_TO_DOOR,
            "district": str(district.pk), "block": str(block.pk), "starts_on": "05/01/2026",
            "ends_on": "20/01/2026"}
    data.update(overrides)
    return data


def test_officer_plans_a_survey_with_surveyors_of_the_district(client, login, personas,
                                                               district_a):
    block = BlockFactory(district=district_a)
    surveyor = UserFactory(roles=["labour_officer"], jurisdiction=[district_a])
    login(personas["officer_a"])
    response = client.post(CREATE, survey_post(district_a, block,
                                                surveyors=[str(surveyor.pk)]))
    survey = Survey.objects.get()
    assert response.status_code == 302 and response.url == survey.get_absolute_url()
    assert list(survey.surveyors.all()) == [surveyor]
    assert survey.created_by == personas["officer_a"]


def test_survey_with_a_surveyor_of_another_district_is_refused(client, login, personas,
                                                               district_a):
    block = BlockFactory(district=district_a)
    login(personas["state_admin"])
    response = client.post(CREATE, survey_post(district_a, block,
                                               surveyors=[str(personas["officer_b"].pk)]))
    assert "Not officers or surveyors of the chosen district: officer.b." in \
        response.content.decode()
    assert not Survey.objects.exists()


def test_survey_ending_before_it_starts_is_refused(client, login, personas, district_a):
    block = BlockFactory(district=district_a)
    login(personas["officer_a"])
    response = client.post(CREATE, survey_post(district_a, block, ends_on="01/01/2026"))
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not Survey.objects.exists()


def test_survey_of_another_districts_block_is_refused(client, login, personas, district_a,
                                                      district_b):
    block = BlockFactory(district=district_b)
    login(personas["officer_a"])
    response = client.post(CREATE, survey_post(district_a, block))
    assert response.status_code == 200
    assert not Survey.objects.exists()


def test_survey_list_is_scoped(client, login, personas, survey_a, survey_b):
    login(personas["officer_b"])
    page = client.get(LIST).content.decode()
    assert "Takhatpur camp" in page and "Abhanpur door to door" not in page


def test_officer_from_another_district_gets_404_on_a_survey(client, login, personas,
                                                           survey_a):
    login(personas["officer_b"])
    for name in ("survey_detail", "survey_capture", "survey_import"):
        assert client.get(reverse(f"migrants:{name}", args=[survey_a.uuid])).status_code == 404


def test_helpline_agent_may_not_open_surveys(client, login, personas, survey_a):
    login(personas["helpline"])
    assert client.get(LIST).status_code == 404
    assert client.get(survey_a.get_absolute_url()).status_code == 404


def test_survey_page_and_list_count_households_and_migrants(client, login, personas,
                                                            survey_a, district_a):
    officer = personas["officer_a"]
    journey(actor=officer, district=district_a, survey=survey_a, name="Mohan", household="H-1")
    journey(actor=officer, district=district_a, survey=survey_a, name="Sohan", household="H-1",
            companions=[{"name": "Chhotu", "relation": "son", "age": 9}])
    journey(actor=officer, district=district_a, survey=survey_a, name="Rohan", household="H-2")
    login(officer)
    page = client.get(survey_a.get_absolute_url()).content.decode()
    assert re.search(r'survey-households">2<', page)
    assert re.search(r'survey-migrants">3<', page)
    assert "Household H-1" in page and "Chhotu" in page and "child — at risk" in page
    assert reverse("migrants:survey_capture", args=[survey_a.uuid]) in page
    assert reverse("migrants:survey_import", args=[survey_a.uuid]) in page
    listing = client.get(LIST).content.decode()
    assert re.search(r'<td class="text-end">2</td>\s*<td class="text-end">3</td>', listing)


def test_survey_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                   django_assert_max_num_queries):
    for n in range(10):
        SurveyFactory(district=district_a, created_by=personas["officer_a"], name=f"S{n}")
    login(personas["officer_a"])
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert response.status_code == 200 and "S9" in response.content.decode()


# --- The offline capture page -------------------------------------------------------------


def test_capture_page_refers_to_its_script_and_has_no_inline_script(client, login, personas,
                                                                    survey_a):
    login(personas["officer_a"])
    response = client.get(reverse("migrants:survey_capture", args=[survey_a.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "migrants/js/survey-capture.js" in page
    assert f'data-sw-url="{reverse("migrants:survey_sw")}"' in page
    assert f'data-sync-url="{reverse("migrants:survey_sync", args=[survey_a.uuid])}"' in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "onclick=" not in page and " style=" not in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="destination_state"' in page and 'name="household"' in page


def test_service_worker_script_is_served_with_its_scope_header(client, login, personas):
    login(personas["officer_a"])
    response = client.get(reverse("migrants:survey_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == LIST
    assert b"addEventListener(\"fetch\"" in response.content


# --- Sync -------------------------------------------------------------------------------------


def test_sync_records_entries_and_a_repeated_batch_adds_nothing(client, login, personas,
                                                                survey_a):
    login(personas["officer_a"])
    batch = [entry(survey=survey_a, name="Mohan Lal",
                   companions=[{"name": "Raju", "relation": "son", "age": "10"}]),
             entry(survey=survey_a, name="Gita Bai", gender="female")]
    first = sync(client, survey_a, batch).json()["results"]
    assert [r["status"] for r in first] == ["recorded", "recorded"]
    again = sync(client, survey_a, batch).json()["results"]
    assert [r["status"] for r in again] == ["already", "already"]
    assert Migrant.objects.filter(survey=survey_a).count() == 2
    assert Companion.objects.count() == 1
    assert {r["id"] for r in first} == {r["id"] for r in again}


def test_sync_returns_invalid_entries_with_their_errors_and_records_the_others(
        client, login, personas, survey_a):
    login(personas["officer_a"])
    bad = entry(survey=survey_a, name="", age="3")
    good = entry(survey=survey_a)
    results = sync(client, survey_a, [bad, good]).json()["results"]
    assert results[0]["status"] == "invalid"
    assert results[0]["client_uuid"] == bad["client_uuid"]
    assert set(results[0]["errors"]) == {"name", "age"}
    assert results[1]["status"] == "recorded"
    assert Migrant.objects.count() == 1


def test_sync_answers_an_entry_with_a_malformed_id_as_invalid(client, login, personas,
                                                              survey_a):
    login(personas["officer_a"])
    bad = {**entry(survey=survey_a), "client_uuid": "not-a-uuid"}
    results = sync(client, survey_a, [bad, entry(survey=survey_a)]).json()["results"]
    assert [r["status"] for r in results] == ["invalid", "recorded"]
    assert "client_uuid" in results[0]["errors"]


def test_sync_of_another_districts_survey_gets_404(client, login, personas, survey_b):
    login(personas["officer_a"])
    response = sync(client, survey_b, [entry(survey=survey_b)])
    assert response.status_code == 404
    assert not Migrant.objects.exists()


def test_surveyor_assigned_from_another_district_may_sync(client, login, personas,
                                                          survey_b):
    survey_b.surveyors.add(personas["officer_a"])
    login(personas["officer_a"])
    results = sync(client, survey_b, [entry(survey=survey_b)]).json()["results"]
    assert results[0]["status"] == "recorded"
    assert Migrant.objects.get().origin_district == survey_b.district


def test_sync_with_bad_json_gets_400_with_a_message(client, login, personas, survey_a):
    login(personas["officer_a"])
    response = sync(client, survey_a, None, body="{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "The request is not valid JSON."


def test_sync_without_an_entries_list_gets_400(client, login, personas, survey_a):
    login(personas["officer_a"])
    response = sync(client, survey_a, None, body=json.dumps({"entries": "x"}))
    assert response.status_code == 400
    assert "entries" in response.json()["error"]


def test_sync_of_too_many_entries_gets_400_and_records_nothing(client, login, personas,
                                                               survey_a):
    login(personas["officer_a"])
    one = entry(survey=survey_a)
    batch = [{**one, "client_uuid": str(uuid.uuid4())} for _n in range(201)]
    response = sync(client, survey_a, batch)
    assert response.status_code == 400
    assert response.json()["error"] == "Send at most 200 entries at a time."
    assert not Migrant.objects.exists()


def test_sync_needs_a_login(client, survey_a):
    response = sync(client, survey_a, [entry(survey=survey_a)])
    assert response.status_code == 302
    assert not Migrant.objects.exists()


def test_sync_is_refused_to_a_role_without_surveys(client, login, personas, survey_a):
    login(personas["csc_a"])
    assert sync(client, survey_a, [entry(survey=survey_a)]).status_code == 404
    assert not Migrant.objects.exists()


def test_sync_requires_the_csrf_token(personas, survey_a):
    from django.test import Client

    from tests.conftest import mfa_login

    strict = mfa_login(Client(enforce_csrf_checks=True), personas["officer_a"])
    response = sync(strict, survey_a, [entry(survey=survey_a)])
    assert response.status_code == 403
    assert not Migrant.objects.exists()


# --- Survey sheets ------------------------------------------------------------------------

HEADER = ("name,mobile,gender,age,block,village,destination_state,destination_place,"
          "employer_name,sector,departed_on,household,companions\n")


def sheet(text: str, name="sheet.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"), content_type="text/csv")


@pytest.fixture
def sheet_places(survey_a):
    village = VillageFactory(block=survey_a.block, name_en="Kurud")
    maharashtra()
    return survey_a.block, village


def test_sheet_check_shows_errors_by_row_and_saves_nothing(client, login, personas, survey_a,
                                                           sheet_places):
    block, village = sheet_places
    url = reverse("migrants:survey_import", args=[survey_a.uuid])
    rows = (HEADER
            + f"Mohan Lal,9876511111,M,28,{block.name_en},Kurud,Maharashtra,Pune,Patil,"
              "construction,02/01/2026,H-1,\"Raju, son, 10\"\n"
            + "Gita Bai,12345,F,30,Nowhere,,Atlantis,Surat,,factory,02/01/2026,H-2,\n")
    login(personas["officer_a"])
    response = client.post(url, {"file": sheet(rows)})
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'import-new">1<', page) and re.search(r'import-invalid">1<', page)
    assert "<td>3</td><td><code>mobile</code></td>" in page
    assert "No state of this name or code." in page
    assert "No block of this name or code" in page
    assert not Migrant.objects.exists()


def test_sheet_confirm_adds_the_valid_rows_and_a_reupload_adds_nothing(
        client, login, personas, survey_a, sheet_places):
    block, village = sheet_places
    url = reverse("migrants:survey_import", args=[survey_a.uuid])
    rows = (HEADER
            + f"Mohan Lal,9876511111,M,28,{block.name_en},Kurud,MH,Pune,Patil,construction,"
              "02/01/2026,H-1,\"Raju, son, 10; Sita, wife, 25\"\n"
            + "Sohan Lal,,male,35,,,महाराष्ट्र,Nagpur,,Brick kiln,,H-1,\n"
            + "Bad Row,,,,,,,,,,,,\n")
    login(personas["officer_a"])
    page = client.post(url, {"file": sheet(rows)}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    response = client.post(url, {"token": token})
    assert response.status_code == 200
    assert re.search(r'import-new">2<', response.content.decode())
    mohan = Migrant.objects.get(name="Mohan Lal")
    assert mohan.survey == survey_a and mohan.origin_village == village
    assert mohan.origin_district == survey_a.district and mohan.gender == "male"
    assert mohan.companions.count() == 2
    assert Migrant.objects.get(name="Sohan Lal").sector == Migrant.Sector.BRICK_KILN
    # The same token twice imports nothing more.
    client.post(url, {"token": token})
    assert Migrant.objects.count() == 2
    # The same sheet again: everything is already there, nothing to confirm.
    page = client.post(url, {"file": sheet(rows)}).content.decode()
    assert re.search(r'import-new">0<', page) and re.search(r'import-already">2<', page)
    assert 'name="token"' not in page
    assert Migrant.objects.count() == 2


def test_sheet_as_xlsx_is_checked_like_a_csv(client, login, personas, survey_a, sheet_places):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append(["name", "mobile", "destination_state", "destination_place", "departed_on"])
    ws.append(["Mohan Lal", 9876511111, "Maharashtra", "Pune", datetime(2026, 1, 2)])
    out = io.BytesIO()
    workbook.save(out)
    upload = SimpleUploadedFile("sheet.xlsx", out.getvalue())
    url = reverse("migrants:survey_import", args=[survey_a.uuid])
    login(personas["officer_a"])
    page = client.post(url, {"file": upload}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    client.post(url, {"token": token})
    migrant = Migrant.objects.get()
    assert migrant.mobile == "9876511111" and str(migrant.departed_on) == "2026-01-02"


def test_sheet_without_the_required_columns_is_refused(client, login, personas, survey_a):
    url = reverse("migrants:survey_import", args=[survey_a.uuid])
    login(personas["officer_a"])
    page = client.post(url, {"file": sheet("name,mobile\nMohan,9876511111\n")}).content.decode()
    assert "Missing: destination_state, destination_place." in page
    assert not Migrant.objects.exists()


def test_sheet_token_of_another_user_imports_nothing(client, login, personas, survey_a,
                                                     sheet_places):
    url = reverse("migrants:survey_import", args=[survey_a.uuid])
    login(personas["officer_a"])
    rows = HEADER + "Mohan Lal,,,,,,MH,Pune,,,,,\n"
    page = client.post(url, {"file": sheet(rows)}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    login(personas["state_admin"])
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert not Migrant.objects.exists()


def test_sheet_template_lists_the_columns(client, login, personas, survey_a):
    login(personas["officer_a"])
    response = client.get(reverse("migrants:survey_import", args=[survey_a.uuid]),
                          {"template": "csv"})
    assert response.content.decode("utf-8-sig").startswith("name,mobile,gender")
