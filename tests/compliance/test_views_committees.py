"""Safety committees through their pages: members, meetings and minutes, the list of
committees missing, and who may open what."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import CommitteeMeeting, CommitteeMember
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.compliance.factories_safety import FactoryFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

MISSING = reverse("compliance:committees_missing")
PDF = b"%PDF-1.4\n% minutes of the meeting\n%%EOF\n"


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def committee_url(factory) -> str:
    return reverse("compliance:committee", args=[factory.uuid])


def remove_url(factory, member) -> str:
    return reverse("compliance:committee_member_remove", args=[factory.uuid, member.pk])


def member_data(**overrides) -> dict:
    return {"action": "member", "name": "Ramesh Sahu", "side": "workers",
            "designation": "Machine operator", "joined_on": "01/04/2024", **overrides}


def minutes_upload(content=PDF, name="minutes.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_member(factory, side: str, name: str = "Member") -> CommitteeMember:
    return CommitteeMember.objects.create(factory=factory, name=name, side=side,
                                          joined_on=timezone.localdate() - timedelta(days=300))


def add_meeting(factory, held_on, user) -> CommitteeMeeting:
    return CommitteeMeeting.objects.create(factory=factory, held_on=held_on, recorded_by=user,
                                           minutes=ContentFile(PDF, name="minutes.pdf"))


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def factory_a(personas, district_a):
    """A hazardous factory of employer A in district A."""
    return FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(
        owner=personas["employer_a"], district=district_a, name="Raipur Chemicals"))


@pytest.fixture
def factory_b(district_b):
    return FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(
        district=district_b, name="Bilaspur Explosives"))


@pytest.fixture
def inspector_b(district_b):
    return UserFactory(username="inspector.b", roles=[R.SAFETY_INSPECTOR],
                       jurisdiction=[district_b])


# --- Members ------------------------------------------------------------------------------


def test_employer_adds_a_member_who_is_shown_on_the_workers_side(client, login, personas,
                                                                 factory_a):
    login(personas["employer_a"])
    response = client.post(committee_url(factory_a), member_data())
    assert response.status_code == 302
    assert response["Location"] == committee_url(factory_a)
    member = CommitteeMember.objects.get()
    assert (member.factory, member.side, member.joined_on.year) == (factory_a, "workers", 2024)
    page = client.get(committee_url(factory_a))
    assert [m.name for m in page.context["workers"]] == ["Ramesh Sahu"]
    assert "The sides are unequal: 0 of the management and 1 of the workers." in (
        page.content.decode())


def test_a_balanced_committee_shows_no_warning(client, login, personas, factory_a):
    add_member(factory_a, "management", "Manager")
    add_member(factory_a, "workers", "Worker")
    login(personas["inspector_a"])
    page = client.get(committee_url(factory_a)).content.decode()
    assert "Balanced: 1 member of each side." in page
    assert "The sides are unequal" not in page


def test_a_member_without_a_name_is_refused_and_nothing_is_saved(client, login, personas,
                                                                 factory_a):
    login(personas["employer_a"])
    response = client.post(committee_url(factory_a), member_data(name=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CommitteeMember.objects.exists()


def test_inspector_removes_a_member(client, login, personas, factory_a):
    member = add_member(factory_a, "workers")
    login(personas["inspector_a"])
    response = client.post(remove_url(factory_a, member))
    assert response.status_code == 302
    assert not CommitteeMember.objects.exists()


def test_removing_is_a_post_only(client, login, personas, factory_a):
    member = add_member(factory_a, "workers")
    login(personas["employer_a"])
    assert client.get(remove_url(factory_a, member)).status_code == 405
    assert CommitteeMember.objects.exists()


def test_a_member_of_another_factory_cannot_be_removed_through_this_one(
        client, login, personas, factory_a, district_a):
    other = FactoryFactory(establishment=EstablishmentFactory(district=district_a))
    member = add_member(other, "workers")
    login(personas["inspector_a"])
    assert client.post(remove_url(factory_a, member)).status_code == 404
    assert CommitteeMember.objects.filter(pk=member.pk).exists()


# --- Meetings -------------------------------------------------------------------------------


def test_a_meeting_before_any_member_is_refused_and_nothing_is_saved(client, login, personas,
                                                                     factory_a):
    login(personas["employer_a"])
    response = client.post(committee_url(factory_a), {
        "action": "meeting", "held_on": day(timezone.localdate()), "minutes": minutes_upload()})
    assert response.status_code == 200
    assert "Add the committee&#x27;s members before its meetings." in response.content.decode()
    assert not CommitteeMeeting.objects.exists()


def test_employer_records_a_meeting_whose_minutes_download(client, login, personas,
                                                           factory_a):
    add_member(factory_a, "management")
    add_member(factory_a, "workers")
    login(personas["employer_a"])
    held_on = timezone.localdate() - timedelta(days=3)
    response = client.post(committee_url(factory_a), {
        "action": "meeting", "held_on": day(held_on), "minutes": minutes_upload()})
    assert response.status_code == 302
    meeting = CommitteeMeeting.objects.get()
    assert meeting.held_on == held_on
    page = client.get(committee_url(factory_a))
    assert page.context["met_this_quarter"] is True
    minutes = reverse("compliance:committee_minutes", args=[factory_a.uuid, meeting.pk])
    assert minutes in page.content.decode()
    download = client.get(minutes)
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def test_minutes_that_are_not_a_pdf_or_image_are_refused(client, login, personas, factory_a):
    add_member(factory_a, "workers")
    login(personas["employer_a"])
    response = client.post(committee_url(factory_a), {
        "action": "meeting", "held_on": day(timezone.localdate()),
        "minutes": minutes_upload(b"MZ\x90\x00 an executable", "minutes.pdf")})
    assert response.status_code == 200
    assert "The minutes must be a PDF, JPEG or PNG file." in response.content.decode()
    assert not CommitteeMeeting.objects.exists()


def test_minutes_larger_than_10_mb_are_refused(client, login, personas, factory_a):
    add_member(factory_a, "workers")
    login(personas["employer_a"])
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = client.post(committee_url(factory_a), {
        "action": "meeting", "held_on": day(timezone.localdate()),
        "minutes": minutes_upload(big)})
    assert response.status_code == 200
    assert "The file must be smaller than 10 MB." in response.content.decode()
    assert not CommitteeMeeting.objects.exists()


def test_a_meeting_long_ago_is_shown_as_not_within_the_quarter(client, login, personas,
                                                               factory_a):
    add_member(factory_a, "workers")
    add_meeting(factory_a, timezone.localdate() - timedelta(days=200), personas["employer_a"])
    login(personas["district_admin_a"])
    page = client.get(committee_url(factory_a))
    assert page.context["met_this_quarter"] is False
    assert "no meeting this quarter" in page.content.decode()


# --- Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_a"])
def test_district_officials_who_do_not_inspect_read_but_may_not_change(client, login,
                                                                       personas, factory_a,
                                                                       persona):
    member = add_member(factory_a, "workers")
    login(personas[persona])
    page = client.get(committee_url(factory_a))
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()
    assert client.post(committee_url(factory_a), member_data()).status_code == 404
    assert client.post(remove_url(factory_a, member)).status_code == 404
    assert CommitteeMember.objects.count() == 1


def test_another_employer_gets_404_on_the_committee(client, login, personas, factory_b):
    member = add_member(factory_b, "workers")
    meeting = add_meeting(factory_b, timezone.localdate(), personas["state_admin"])
    login(personas["employer_a"])
    assert client.get(committee_url(factory_b)).status_code == 404
    assert client.post(committee_url(factory_b), member_data()).status_code == 404
    assert client.post(remove_url(factory_b, member)).status_code == 404
    minutes = reverse("compliance:committee_minutes", args=[factory_b.uuid, meeting.pk])
    assert client.get(minutes).status_code == 404
    assert CommitteeMember.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b"])
def test_officials_of_another_district_get_404_on_the_committee(client, login, personas,
                                                                factory_a, persona):
    login(personas[persona])
    assert client.get(committee_url(factory_a)).status_code == 404


def test_inspector_of_another_district_gets_404_on_adding_a_member(client, login, factory_a,
                                                                   inspector_b):
    login(inspector_b)
    assert client.post(committee_url(factory_a), member_data()).status_code == 404
    assert not CommitteeMember.objects.exists()


# --- Committees missing ---------------------------------------------------------------------


def test_missing_lists_a_hazardous_factory_without_a_meeting_this_quarter_not_one_that_complies(
        client, login, personas, factory_a, district_a):
    add_member(factory_a, "management")
    add_member(factory_a, "workers")
    add_meeting(factory_a, timezone.localdate() - timedelta(days=120), personas["employer_a"])
    complies = FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(
        district=district_a, name="Compliant Chemicals"))
    add_member(complies, "management")
    add_member(complies, "workers")
    add_meeting(complies, timezone.localdate() - timedelta(days=10), personas["employer_a"])
    login(personas["inspector_a"])
    response = client.get(MISSING)
    rows = list(response.context["object_list"])
    assert rows == [factory_a]
    assert rows[0].missing == ["No meeting this quarter"]
    assert "Compliant Chemicals" not in response.content.decode()


def test_missing_names_no_committee_and_unequal_sides(client, login, personas, factory_a,
                                                      district_a):
    unequal = FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(
        district=district_a, name="Unequal Industries"))
    add_member(unequal, "management")
    add_meeting(unequal, timezone.localdate(), personas["employer_a"])
    not_hazardous = FactoryFactory(is_hazardous=False, establishment=EstablishmentFactory(
        district=district_a, name="Garment Unit"))
    login(personas["officer_a"])
    rows = {f.pk: f.missing for f in client.get(MISSING).context["object_list"]}
    assert rows == {factory_a.pk: ["No committee", "No meeting this quarter"],
                    unequal.pk: ["Unequal sides"]}
    assert not_hazardous.pk not in rows


def test_missing_shows_only_the_officials_districts(client, login, personas, factory_a,
                                                    factory_b):
    login(personas["district_admin_b"])
    assert list(client.get(MISSING).context["object_list"]) == [factory_b]


def test_missing_exports_csv(client, login, personas, factory_a):
    login(personas["state_admin"])
    rows = csv_rows(client.get(MISSING, {"export": "csv"}))
    assert rows[0][0] == "Factory"
    assert rows[1][0] == "Raipur Chemicals"
    assert rows[1][-1] == "No committee; No meeting this quarter"


def test_employer_gets_404_on_the_missing_list(client, login, personas):
    login(personas["employer_a"])
    assert client.get(MISSING).status_code == 404


def test_missing_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                                    django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MISSING).status_code == 200
        return len(queries)

    FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(district=district_a))
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(10):
        factory = FactoryFactory(is_hazardous=True, establishment=EstablishmentFactory(
            district=district_a, name=f"Hazard {n}"))
        add_member(factory, "workers")
    assert list_queries() == one_row
    with django_assert_max_num_queries(15):
        response = client.get(MISSING)
    assert "Hazard 9" in response.content.decode()
