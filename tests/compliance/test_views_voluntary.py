"""Voluntary compliance through its pages: self-certifying, the list, the report, the
registers, and who may open what."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import SelfCertification
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.compliance.factories_safety import SelfCertificationFactory
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:certification_list")
REPORT = reverse("compliance:certification_report")
PDF = b"%PDF-1.4\n% registers of workers, wages and hours\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def certify_url(establishment) -> str:
    return reverse("compliance:certification_create", args=[establishment.uuid])


def registers_url(certification) -> str:
    return reverse("compliance:certification_registers", args=[certification.uuid])


def pdf(name: str = "registers.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def certify_data(**overrides) -> dict:
    return {"acts": ["factories", "wages"], "is_declared": "on", "registers": pdf(),
            **overrides}


@pytest.fixture
def establishment_a(personas, district_a):
    return EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                name="Siltara Castings")


@pytest.fixture
def employer_b(db):
    return UserFactory(username="employer.b", roles=[R.EMPLOYER])


# --- Self-certifying ------------------------------------------------------------------------


def test_owner_self_certifies_and_is_told_they_leave_routine_inspection(client, login,
                                                                        personas,
                                                                        establishment_a):
    login(personas["employer_a"])
    response = client.post(certify_url(establishment_a), certify_data(), follow=True)
    certification = SelfCertification.objects.get()
    assert response.redirect_chain[-1][0] == establishment_a.get_absolute_url()
    assert certification.year == timezone.localdate().year
    assert certification.checklist == {"factories": True, "wages": True}
    assert certification.district == establishment_a.district
    assert "registers" not in certification.registers.name.rsplit("/", 1)[-1]
    page = response.content.decode()
    assert "out of routine inspections, except a random sample" in page


def test_the_form_shows_the_declaration_and_every_act(client, login, personas,
                                                      establishment_a):
    login(personas["employer_a"])
    page = client.get(certify_url(establishment_a)).content.decode()
    assert "a declaration found false revokes the self-certification" in page
    assert "Factories Act, 1948" in page
    assert "Shops and Establishments Act of the state" in page
    assert 'accept="application/pdf"' in page


def test_a_second_self_certification_in_the_year_is_refused(client, login, personas,
                                                            establishment_a):
    SelfCertificationFactory(establishment=establishment_a)
    login(personas["employer_a"])
    response = client.post(certify_url(establishment_a), certify_data())
    assert response.status_code == 200
    year = timezone.localdate().year
    assert f"This establishment has already self-certified for {year}." in \
        response.content.decode()
    assert SelfCertification.objects.count() == 1


def test_the_form_says_when_the_year_is_already_certified(client, login, personas,
                                                          establishment_a):
    SelfCertificationFactory(establishment=establishment_a)
    login(personas["employer_a"])
    page = client.get(certify_url(establishment_a)).content.decode()
    assert "The next certification is due next year." in page
    assert 'name="registers"' not in page


def test_the_declaration_is_required(client, login, personas, establishment_a):
    login(personas["employer_a"])
    data = certify_data()
    del data["is_declared"]
    response = client.post(certify_url(establishment_a), data)
    assert response.status_code == 200
    assert "Confirm the declaration to certify." in response.content.decode()
    assert not SelfCertification.objects.exists()


def test_at_least_one_act_must_be_ticked(client, login, personas, establishment_a):
    login(personas["employer_a"])
    response = client.post(certify_url(establishment_a), certify_data(acts=[]))
    assert response.status_code == 200
    assert "Tick the acts you comply with." in response.content.decode()
    assert not SelfCertification.objects.exists()


def test_registers_that_are_not_a_pdf_are_refused_by_their_content(client, login, personas,
                                                                   establishment_a):
    login(personas["employer_a"])
    response = client.post(certify_url(establishment_a),
                           certify_data(registers=pdf("registers.pdf", PNG)))
    assert response.status_code == 200
    assert "The registers must be a PDF file." in response.content.decode()
    assert not SelfCertification.objects.exists()


def test_registers_over_10_mb_are_refused(client, login, personas, establishment_a):
    login(personas["employer_a"])
    big = pdf(content=PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(certify_url(establishment_a), certify_data(registers=big))
    assert response.status_code == 200
    assert "The registers file must be smaller than 10 MB." in response.content.decode()
    assert not SelfCertification.objects.exists()


def test_registers_are_required(client, login, personas, establishment_a):
    login(personas["employer_a"])
    data = certify_data()
    del data["registers"]
    response = client.post(certify_url(establishment_a), data)
    assert response.status_code == 200
    assert "Attach your registers (PDF)." in response.content.decode()
    assert not SelfCertification.objects.exists()


def test_another_employer_gets_404_on_the_certification_form(client, login, employer_b,
                                                             establishment_a):
    login(employer_b)
    assert client.get(certify_url(establishment_a)).status_code == 404
    assert client.post(certify_url(establishment_a), certify_data()).status_code == 404
    assert not SelfCertification.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


@pytest.mark.parametrize("persona", ["officer_a", "inspector_a", "district_admin_a",
                                     "state_admin"])
def test_officials_cannot_certify_for_an_employer(client, login, personas, persona,
                                                  establishment_a):
    login(personas[persona])
    assert client.post(certify_url(establishment_a), certify_data()).status_code == 404
    assert not SelfCertification.objects.exists()


# --- The list -------------------------------------------------------------------------------


def test_the_employer_lists_only_their_own_certifications(client, login, personas,
                                                          establishment_a, employer_b):
    SelfCertificationFactory(establishment=establishment_a)
    SelfCertificationFactory(establishment=EstablishmentFactory(owner=employer_b,
                                                                name="Bhilai Fabricators"))
    login(personas["employer_a"])
    page = client.get(LIST).content.decode()
    assert "Siltara Castings" in page
    assert "Bhilai Fabricators" not in page
    assert 'name="district"' not in page
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Siltara Castings"]


@pytest.mark.parametrize("persona", ["officer_a", "inspector_a", "district_admin_a",
                                     "state_admin"])
def test_officials_of_the_district_list_it(client, login, personas, persona,
                                           establishment_a):
    SelfCertificationFactory(establishment=establishment_a)
    login(personas[persona])
    assert "Siltara Castings" in client.get(LIST).content.decode()


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b"])
def test_officials_of_another_district_do_not_list_it(client, login, personas, persona,
                                                      establishment_a):
    SelfCertificationFactory(establishment=establishment_a)
    login(personas[persona])
    assert "Siltara Castings" not in client.get(LIST).content.decode()
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert rows[1:] == []


@pytest.mark.parametrize("persona", ["worker_a", "csc_a", "helpline"])
def test_other_roles_get_404_on_the_list(client, login, personas, persona):
    login(personas[persona])
    assert client.get(LIST).status_code == 404


def test_a_revoked_certification_shows_its_status_and_reason(client, login, personas,
                                                             establishment_a):
    SelfCertificationFactory(establishment=establishment_a, status="revoked",
                             revoked_at=timezone.now(),
                             revoked_reason="Found false in inspection on 01/02/2026.")
    login(personas["officer_a"])
    page = client.get(LIST).content.decode()
    assert "Revoked" in page
    assert "Found false in inspection on 01/02/2026." in page
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    headers = rows[0]
    assert rows[1][headers.index("Status")] == "Revoked"
    assert rows[1][headers.index("Reason for revocation")] == \
        "Found false in inspection on 01/02/2026."


def test_list_filters_by_year_status_and_district(client, login, personas, district_a,
                                                  district_b, establishment_a):
    year = timezone.localdate().year
    SelfCertificationFactory(establishment=establishment_a, year=year - 1)
    SelfCertificationFactory(establishment=EstablishmentFactory(district=district_a,
                                                                name="Urla Foundry"),
                             status="revoked", revoked_at=timezone.now())
    SelfCertificationFactory(establishment=EstablishmentFactory(district=district_b,
                                                                name="Bilaspur Mill"))
    login(personas["state_admin"])
    page = client.get(LIST, {"year": year - 1}).content.decode()
    assert "Siltara Castings" in page and "Urla Foundry" not in page
    page = client.get(LIST, {"status": "revoked"}).content.decode()
    assert "Urla Foundry" in page and "Siltara Castings" not in page
    page = client.get(LIST, {"district": district_b.pk}).content.decode()
    assert "Bilaspur Mill" in page and "Urla Foundry" not in page


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    SelfCertificationFactory(establishment__district=district_a,
                             establishment__name="First Works")
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(12):
        SelfCertificationFactory(establishment__district=district_a,
                                 establishment__name=f"Works {n}")
    assert list_queries() == one_row
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert "Works 11" in response.content.decode()


# --- The report -----------------------------------------------------------------------------


def report_cells(page: str) -> str:
    return " ".join(page.split())


def test_the_report_counts_certifiers_and_establishments_by_district_and_sector(
        client, login, personas, district_a, district_b):
    year = timezone.localdate().year
    steel = [EstablishmentFactory(district=district_a, sector="steel") for _ in range(4)]
    food = [EstablishmentFactory(district=district_a, sector="food") for _ in range(2)]
    SelfCertificationFactory(establishment=steel[0])
    SelfCertificationFactory(establishment=steel[1])
    # Revoked, of last year or of an inactive establishment: not a certifier this year.
    SelfCertificationFactory(establishment=steel[2], status="revoked",
                             revoked_at=timezone.now())
    SelfCertificationFactory(establishment=food[0], year=year - 1)
    inactive = EstablishmentFactory(district=district_a, sector="steel", is_active=False)
    SelfCertificationFactory(establishment=inactive)
    EstablishmentFactory(district=district_b, sector="steel")
    login(personas["officer_a"])
    response = client.get(REPORT, {"export": "csv"})
    rows = csv_rows(response)
    assert rows[0] == ["District", "Sector", "Self-certified", "Establishments", "Per cent"]
    assert sorted(rows[1:]) == [
        ["Raipur", "Food processing and rice mills", "0", "2", "0.0"],
        ["Raipur", "Iron, steel and foundries", "2", "4", "50.0"],
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_type="compliance.certification_report").exists()
    page = report_cells(client.get(REPORT).content.decode())
    assert "Bilaspur" not in page
    assert '<td class="text-end">2</td> <td class="text-end">6</td> ' \
           '<td class="text-end">33.3</td>' in page


def test_the_report_of_another_year_counts_that_years_certifiers(client, login, personas,
                                                                 district_a):
    year = timezone.localdate().year
    SelfCertificationFactory(establishment=EstablishmentFactory(district=district_a,
                                                                sector="food"),
                             year=year - 1)
    login(personas["state_admin"])
    rows = csv_rows(client.get(REPORT, {"year": year - 1, "export": "csv"}))
    assert rows[1:] == [["Raipur", "Food processing and rice mills", "1", "1", "100.0"]]


def test_the_report_downloads_as_excel(client, login, personas, district_a):
    EstablishmentFactory(district=district_a)
    login(personas["district_admin_a"])
    response = client.get(REPORT, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_the_employer_gets_404_on_the_report(client, login, personas):
    login(personas["employer_a"])
    assert client.get(REPORT).status_code == 404


def test_an_empty_report_says_so(client, login, personas):
    login(personas["inspector_a"])
    page = client.get(REPORT).content.decode()
    assert "No active establishments are registered in your districts yet." in page


# --- The registers --------------------------------------------------------------------------


def test_owner_downloads_the_registers_as_an_attachment(client, login, personas,
                                                        establishment_a):
    certification = SelfCertificationFactory(establishment=establishment_a)
    login(personas["employer_a"])
    response = client.get(registers_url(certification))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_inspector_of_the_district_downloads_them_and_it_is_audited(client, login,
                                                                        personas,
                                                                        establishment_a):
    certification = SelfCertificationFactory(establishment=establishment_a)
    login(personas["inspector_a"])
    assert client.get(registers_url(certification)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ,
                                     actor=personas["inspector_a"]).exists()


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b", "worker_a"])
def test_others_get_404_on_the_registers(client, login, personas, persona, establishment_a):
    certification = SelfCertificationFactory(establishment=establishment_a)
    login(personas[persona])
    assert client.get(registers_url(certification)).status_code == 404


def test_another_employer_gets_404_on_the_registers(client, login, employer_b,
                                                    establishment_a):
    certification = SelfCertificationFactory(establishment=establishment_a)
    login(employer_b)
    assert client.get(registers_url(certification)).status_code == 404
