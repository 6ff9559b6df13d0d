"""Accidents through their pages: reporting (and the fatal alert), the list, investigation,
and who may open what."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance import selectors_safety
from compliance.models import Accident
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend
from tests.compliance.factories_safety import AccidentFactory, FactoryFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:accident_list")
PDF = b"%PDF-1.4\n% investigation report\n%%EOF\n"


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def factory_a(personas, district_a):
    """A factory of employer A in district A."""
    return FactoryFactory(establishment=EstablishmentFactory(
        owner=personas["employer_a"], district=district_a, name="Raipur Steel Works"))


@pytest.fixture
def factory_b(district_b):
    """Another employer's factory in district B."""
    return FactoryFactory(establishment=EstablishmentFactory(district=district_b,
                                                             name="Bilaspur Cement"))


@pytest.fixture
def inspector_b(district_b):
    return UserFactory(username="inspector.b", roles=[R.SAFETY_INSPECTOR],
                       jurisdiction=[district_b])


def report_url(factory) -> str:
    return reverse("compliance:accident_report", args=[factory.uuid])


def accident_data(**overrides) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {"occurred_on": day(yesterday), "occurred_time": "10:30",
            "place": "Rolling mill", "severity": Accident.Severity.SERIOUS,
            "persons_killed": "0", "persons_injured": "2",
            "cause": "A crane chain broke and a coil fell.", **overrides}


# --- Reporting ------------------------------------------------------------------------------


def test_employer_reports_a_serious_accident_which_is_listed(client, login, personas,
                                                             factory_a):
    login(personas["employer_a"])
    response = client.post(report_url(factory_a), accident_data())
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == accident.get_absolute_url()
    assert accident.reported_by == personas["employer_a"]
    assert accident.persons_injured == 2
    page = client.get(LIST).content.decode()
    assert "Raipur Steel Works" in page
    assert accident.get_absolute_url() in page


def test_the_date_and_time_typed_are_the_portals_local_time(client, login, personas,
                                                            factory_a):
    login(personas["employer_a"])
    client.post(report_url(factory_a), accident_data(occurred_on="02/01/2025",
                                                     occurred_time="23:45"))
    occurred = timezone.localtime(Accident.objects.get().occurred_at,
                                  timezone.get_default_timezone())
    assert (occurred.day, occurred.month, occurred.year) == (2, 1, 2025)
    assert (occurred.hour, occurred.minute) == (23, 45)


def test_reporting_an_accident_changes_the_days_since_the_last_accident(
        client, login, personas, factory_a):
    AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(days=40))
    user = personas["employer_a"]

    def days_since_last() -> int:
        row = selectors_safety.factory_list(user=user).get(pk=factory_a.pk)
        return selectors_safety.days_since(row.last_accident_at)

    assert days_since_last() == 40
    login(user)
    client.post(report_url(factory_a), accident_data())
    assert days_since_last() == 1


def test_a_fatal_accident_with_nobody_killed_is_refused_and_nothing_is_saved(
        client, login, personas, factory_a):
    login(personas["employer_a"])
    response = client.post(report_url(factory_a), accident_data(
        severity=Accident.Severity.FATAL, persons_killed="0"))
    assert response.status_code == 200
    assert ("A fatal accident: give the number of persons killed."
            in response.content.decode())
    assert not Accident.objects.exists()


def test_an_accident_in_the_future_is_refused_and_nothing_is_saved(client, login, personas,
                                                                   factory_a):
    login(personas["employer_a"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(report_url(factory_a), accident_data(occurred_on=day(tomorrow)))
    assert response.status_code == 200
    assert "The accident cannot be in the future." in response.content.decode()
    assert not Accident.objects.exists()


def test_a_time_that_is_not_hours_and_minutes_is_refused(client, login, personas, factory_a):
    login(personas["employer_a"])
    response = client.post(report_url(factory_a), accident_data(occurred_time="25:99"))
    assert response.status_code == 200
    assert "Enter a valid time." in response.content.decode()
    assert not Accident.objects.exists()


def test_a_fatal_accident_alerts_district_a_by_email_and_sms_and_not_district_b(
        client, login, personas, factory_a, inspector_b, mailoutbox,
        django_capture_on_commit_callbacks):
    for key, mobile in (("inspector_a", "9876511111"), ("officer_a", "9876522222"),
                        ("district_admin_a", "9876533333"), ("officer_b", "9876544444")):
        personas[key].mobile = mobile
        personas[key].save(update_fields=["mobile"])
    login(personas["employer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(factory_a), accident_data(
            severity=Accident.Severity.FATAL, persons_killed="1"), follow=True)
    assert "The district has been alerted" in response.content.decode()
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted(personas[key].email for key in (
        "inspector_a", "officer_a", "district_admin_a"))
    assert "Raipur Steel Works" in mail.subject
    for key in ("officer_b", "district_admin_b"):
        assert personas[key].email not in mail.to
    assert inspector_b.email not in mail.to
    mobiles = sorted(sms.mobile for sms in CapturingSMSBackend.outbox)
    assert mobiles == ["9876511111", "9876522222", "9876533333"]
    assert all("Raipur Steel Works" in sms.text for sms in CapturingSMSBackend.outbox)


def test_a_serious_accident_alerts_nobody(client, login, personas, factory_a, mailoutbox,
                                          django_capture_on_commit_callbacks):
    login(personas["employer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(factory_a), accident_data(), follow=True)
    assert "The accident is reported." in response.content.decode()
    assert "The district has been alerted" not in response.content.decode()
    assert mailoutbox == []
    assert CapturingSMSBackend.outbox == []


def test_inspector_of_the_district_reports_an_accident(client, login, personas, factory_a):
    login(personas["inspector_a"])
    response = client.post(report_url(factory_a), accident_data())
    assert response.status_code == 302
    assert Accident.objects.get().reported_by == personas["inspector_a"]


def test_another_employer_gets_404_on_reporting_at_someone_elses_factory(
        client, login, personas, factory_b):
    login(personas["employer_a"])
    assert client.get(report_url(factory_b)).status_code == 404
    assert client.post(report_url(factory_b), accident_data()).status_code == 404
    assert not Accident.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_inspector_of_another_district_gets_404_on_reporting(client, login, factory_a,
                                                             inspector_b):
    login(inspector_b)
    assert client.post(report_url(factory_a), accident_data()).status_code == 404
    assert not Accident.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_a", "csc_a"])
def test_officers_who_do_not_inspect_get_404_on_reporting(client, login, personas, factory_a,
                                                          persona):
    login(personas[persona])
    assert client.get(report_url(factory_a)).status_code == 404


# --- The list -------------------------------------------------------------------------------


def test_list_shows_this_years_accidents_by_default_with_the_fatal_and_serious_counts(
        client, login, personas, factory_a):
    now = timezone.now()
    AccidentFactory(factory=factory_a, severity=Accident.Severity.FATAL, persons_killed=2,
                    occurred_at=now - timedelta(hours=5), place="Furnace")
    AccidentFactory(factory=factory_a, occurred_at=now - timedelta(hours=3), place="Press")
    AccidentFactory(factory=factory_a, occurred_at=now - timedelta(days=800), place="Old")
    login(personas["inspector_a"])
    response = client.get(LIST)
    page = response.content.decode()
    assert [a.place for a in response.context["object_list"]] == ["Press", "Furnace"]
    assert response.context["summary"] == {"fatal": 1, "serious": 1}
    assert 'class="text-danger fw-semibold">Fatal</span>' in page
    all_years = client.get(LIST, {"year": "all"})
    assert len(all_years.context["object_list"]) == 3


def test_list_filters_by_severity_and_factory_name(client, login, personas, factory_a,
                                                   district_a):
    other = FactoryFactory(establishment=EstablishmentFactory(district=district_a,
                                                              name="Urla Plastics"))
    AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(hours=2))
    AccidentFactory(factory=other, severity=Accident.Severity.DANGEROUS,
                    occurred_at=timezone.now() - timedelta(hours=1))
    login(personas["officer_a"])
    response = client.get(LIST, {"severity": "dangerous"})
    assert [a.factory for a in response.context["object_list"]] == [other]
    response = client.get(LIST, {"q": "steel"})
    assert [a.factory for a in response.context["object_list"]] == [factory_a]


def test_employer_lists_only_their_own_factories_accidents(client, login, personas,
                                                           factory_a, factory_b):
    mine = AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(hours=1))
    AccidentFactory(factory=factory_b, occurred_at=timezone.now() - timedelta(hours=1))
    login(personas["employer_a"])
    response = client.get(LIST)
    assert list(response.context["object_list"]) == [mine]
    assert "district" not in response.context["filter"].form.fields


def test_district_official_lists_only_their_districts_accidents(client, login, personas,
                                                                factory_a, factory_b):
    mine = AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(hours=1))
    AccidentFactory(factory=factory_b, occurred_at=timezone.now() - timedelta(hours=1))
    login(personas["district_admin_a"])
    assert list(client.get(LIST).context["object_list"]) == [mine]


def test_export_csv_has_the_accidents_in_scope(client, login, personas, factory_a,
                                               factory_b):
    AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(hours=1))
    AccidentFactory(factory=factory_b, occurred_at=timezone.now() - timedelta(hours=1))
    login(personas["inspector_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert rows[0][:2] == ["Date and time", "Factory"]
    assert [row[1] for row in rows[1:]] == ["Raipur Steel Works"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_list_queries_do_not_grow_with_rows(client, login, personas, factory_a, district_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    AccidentFactory(factory=factory_a, occurred_at=timezone.now() - timedelta(hours=1))
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(10):
        AccidentFactory(factory=FactoryFactory(establishment=EstablishmentFactory(
            district=district_a, name=f"Factory {n}")),
            occurred_at=timezone.now() - timedelta(hours=2))
    assert list_queries() == one_row
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert "Factory 9" in response.content.decode()


# --- The accident and its investigation ----------------------------------------------------


def test_inspector_records_the_investigation_with_a_pdf(client, login, personas, factory_a):
    accident = AccidentFactory(factory=factory_a)
    login(personas["inspector_a"])
    page = client.get(accident.get_absolute_url()).content.decode()
    investigate = reverse("compliance:accident_investigate", args=[accident.uuid])
    assert "Record the investigation" in page
    assert investigate in page
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = client.post(investigate, {
        "investigated_on": day(timezone.localdate()),
        "investigation": "Worn chain not replaced; the manager is responsible.",
        "investigation_file": upload})
    assert response.status_code == 302
    assert response["Location"] == accident.get_absolute_url()
    accident.refresh_from_db()
    assert accident.investigated_on == timezone.localdate()
    assert accident.investigated_by == personas["inspector_a"]
    page = client.get(accident.get_absolute_url()).content.decode()
    assert "Worn chain not replaced" in page
    download = client.get(reverse("compliance:accident_investigation_file",
                                  args=[accident.uuid]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def test_an_investigation_file_that_is_not_a_pdf_is_refused(client, login, personas,
                                                            factory_a):
    accident = AccidentFactory(factory=factory_a)
    login(personas["inspector_a"])
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("compliance:accident_investigate", args=[accident.uuid]), {
        "investigated_on": day(timezone.localdate()), "investigation": "Findings",
        "investigation_file": fake})
    assert response.status_code == 200
    assert "The report must be a PDF file." in response.content.decode()
    accident.refresh_from_db()
    assert accident.investigated_on is None


def test_an_investigation_before_the_accident_is_refused(client, login, personas, factory_a):
    accident = AccidentFactory(factory=factory_a)
    login(personas["inspector_a"])
    before = timezone.localtime(accident.occurred_at).date() - timedelta(days=1)
    response = client.post(reverse("compliance:accident_investigate", args=[accident.uuid]), {
        "investigated_on": day(before), "investigation": "Findings"})
    assert response.status_code == 200
    assert "The investigation falls between the accident and today." in (
        response.content.decode())
    accident.refresh_from_db()
    assert accident.investigated_on is None


def test_employer_reads_the_accident_but_may_not_investigate(client, login, personas,
                                                             factory_a):
    accident = AccidentFactory(factory=factory_a)
    login(personas["employer_a"])
    page = client.get(accident.get_absolute_url())
    assert page.status_code == 200
    assert "Record the investigation" not in page.content.decode()
    investigate = reverse("compliance:accident_investigate", args=[accident.uuid])
    assert client.post(investigate, {"investigated_on": day(timezone.localdate()),
                                     "investigation": "Mine"}).status_code == 404


def test_another_employer_gets_404_on_the_accident(client, login, factory_b, personas):
    accident = AccidentFactory(factory=factory_b)
    login(personas["employer_a"])
    assert client.get(accident.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b"])
def test_officials_of_another_district_get_404_on_the_accident(client, login, personas,
                                                               factory_a, persona):
    accident = AccidentFactory(factory=factory_a)
    login(personas[persona])
    assert client.get(accident.get_absolute_url()).status_code == 404


def test_inspector_of_another_district_gets_404_on_investigating(client, login, factory_a,
                                                                 inspector_b):
    accident = AccidentFactory(factory=factory_a)
    login(inspector_b)
    response = client.post(reverse("compliance:accident_investigate", args=[accident.uuid]),
                           {"investigated_on": day(timezone.localdate()),
                            "investigation": "Findings"})
    assert response.status_code == 404
    accident.refresh_from_db()
    assert accident.investigated_on is None


@pytest.mark.parametrize("persona", ["csc_a", "worker_a", "helpline"])
def test_other_roles_get_404_on_the_list(client, login, personas, persona):
    login(personas[persona])
    assert client.get(LIST).status_code == 404
