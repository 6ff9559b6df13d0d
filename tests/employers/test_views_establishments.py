"""Establishments through their pages: registering, the list, the page, corrections, access."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn
from stdnum.in_ import gstin as stdnum_gstin

from core.models import AuditEvent
from core.roles import RoleCode as R
from employers.models import Establishment
from tests.compliance.factories_safety import (
    ConstructionProjectFactory,
    FactoryFactory,
    SelfCertificationFactory,
)
from tests.core.factories import BlockFactory, DistrictFactory, UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("employers:establishment_list")
CREATE = reverse("employers:establishment_create")
PAN = "AAACR1234F"


def make_gstin(pan: str, state: str = "22") -> str:
    """Return a GSTIN with a correct check character carrying ``pan``."""
    body = f"{state}{pan}1Z"
    return body + luhn.calc_check_digit(body, alphabet=stdnum_gstin._ALPHABET)


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def form_data(district, **overrides) -> dict:
    return {"name": "Raipur Steel Rolling Mills", "kind": Establishment.Kind.FACTORY,
            "sector": "steel", "address": "Plot 7, Siltara industrial area",
            "district": district.pk, "block": "", "pan": PAN, "gstin": make_gstin(PAN),
            "workers_count": "240", "contact_phone": "0771 2345678", **overrides}


@pytest.fixture
def establishment_a(personas, district_a):
    return EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                name="Siltara Castings")


@pytest.fixture
def employer_b(db):
    return UserFactory(username="employer.b", roles=[R.EMPLOYER])


def detail(establishment) -> str:
    return reverse("employers:establishment_detail", args=[establishment.uuid])


def update(establishment) -> str:
    return reverse("employers:establishment_update", args=[establishment.uuid])


# --- Registering ------------------------------------------------------------------------


def test_employer_registers_an_establishment_and_sees_it_in_their_list(client, login,
                                                                       personas, district_a):
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(district_a, pan="aaacr1234f"))
    establishment = Establishment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(establishment)
    assert establishment.owner == personas["employer_a"]
    assert establishment.pan == PAN
    assert establishment.gstin == make_gstin(PAN)
    assert establishment.contact_phone == "07712345678"
    page = client.get(LIST).content.decode()
    assert "Raipur Steel Rolling Mills" in page
    assert PAN in page


def test_registering_in_a_block_of_the_district_keeps_the_block(client, login, personas,
                                                                district_a):
    block = BlockFactory(district=district_a, name_en="Dharsiwa")
    login(personas["employer_a"])
    client.post(CREATE, form_data(district_a, block=block.pk))
    assert Establishment.objects.get().block == block


def test_an_invalid_pan_is_refused_with_an_example_and_nothing_is_saved(client, login,
                                                                         personas, district_a):
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(district_a, pan="AAAXR1234F", gstin=""))
    assert response.status_code == 200
    assert "Enter a valid PAN, e.g. AAACR1234F." in response.content.decode()
    assert not Establishment.objects.exists()


def test_a_gstin_that_does_not_carry_the_pan_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(district_a, gstin=make_gstin("AABCS9876K")))
    assert response.status_code == 200
    assert "The GSTIN does not carry this PAN." in response.content.decode()
    assert not Establishment.objects.exists()


def test_a_gstin_with_a_wrong_check_character_is_refused_and_nothing_is_saved(
        client, login, personas, district_a):
    login(personas["employer_a"])
    wrong = make_gstin(PAN)[:-1] + ("A" if make_gstin(PAN)[-1] != "A" else "B")
    response = client.post(CREATE, form_data(district_a, gstin=wrong))
    assert response.status_code == 200
    assert "Enter a valid GSTIN of 15 characters" in response.content.decode()
    assert not Establishment.objects.exists()


def test_a_block_of_another_district_is_refused_and_nothing_is_saved(client, login, personas,
                                                                     district_a, district_b):
    block = BlockFactory(district=district_b)
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(district_a, block=block.pk))
    assert response.status_code == 200
    assert "That block is not in the district chosen." in response.content.decode()
    assert not Establishment.objects.exists()


def test_the_same_name_twice_in_a_district_is_refused(client, login, personas, district_a,
                                                      establishment_a):
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(district_a, name="Siltara Castings"))
    assert response.status_code == 200
    assert "You have already registered an establishment of this name" in \
        response.content.decode()
    assert Establishment.objects.count() == 1


def test_a_district_of_another_state_cannot_be_chosen(client, login, personas):
    elsewhere = DistrictFactory(state__lgd_code=27, state__code="MH", state__name_en="Maha")
    login(personas["employer_a"])
    response = client.post(CREATE, form_data(elsewhere))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Establishment.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "inspector_a", "district_admin_a",
                                     "state_admin"])
def test_officials_get_404_on_the_registration_form(client, login, personas, persona):
    login(personas[persona])
    assert client.get(CREATE).status_code == 404


# --- Correcting -------------------------------------------------------------------------


def test_owner_corrects_the_details_and_the_type_stays(client, login, personas, district_a,
                                                       establishment_a):
    login(personas["employer_a"])
    data = form_data(district_a, name="Siltara Castings", workers_count="300",
                     kind=Establishment.Kind.SHOP)
    response = client.post(update(establishment_a), data)
    assert response.status_code == 302
    establishment_a.refresh_from_db()
    assert establishment_a.workers_count == 300
    assert establishment_a.kind == Establishment.Kind.FACTORY


def test_a_correction_with_a_bad_pan_is_refused_and_nothing_changes(client, login, personas,
                                                                    district_a,
                                                                    establishment_a):
    login(personas["employer_a"])
    response = client.post(update(establishment_a),
                           form_data(district_a, pan="12345", workers_count="999"))
    assert response.status_code == 200
    assert "Enter a valid PAN, e.g. AAACR1234F." in response.content.decode()
    establishment_a.refresh_from_db()
    assert establishment_a.workers_count == 120


def test_the_edit_form_is_prefilled(client, login, personas, establishment_a):
    login(personas["employer_a"])
    page = client.get(update(establishment_a)).content.decode()
    assert 'value="Siltara Castings"' in page


# --- Who may see what -------------------------------------------------------------------


def test_another_employer_gets_404_on_the_establishment_pages(client, login, employer_b,
                                                              establishment_a, district_a):
    login(employer_b)
    assert client.get(detail(establishment_a)).status_code == 404
    assert client.get(update(establishment_a)).status_code == 404
    assert client.post(update(establishment_a), form_data(district_a)).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()
    establishment_a.refresh_from_db()
    assert establishment_a.name == "Siltara Castings"


def test_another_employer_never_sees_the_establishment_in_the_list_or_export(
        client, login, employer_b, establishment_a):
    EstablishmentFactory(owner=employer_b, name="Bhilai Fabricators")
    login(employer_b)
    page = client.get(LIST).content.decode()
    assert "Bhilai Fabricators" in page
    assert "Siltara Castings" not in page
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    names = [row[0] for row in rows[1:]]
    assert names == ["Bhilai Fabricators"]


@pytest.mark.parametrize("persona", ["inspector_a", "officer_a", "district_admin_a",
                                     "state_admin"])
def test_officials_of_the_district_see_the_establishment(client, login, personas, persona,
                                                         establishment_a):
    login(personas[persona])
    assert "Siltara Castings" in client.get(LIST).content.decode()
    page = client.get(detail(establishment_a)).content.decode()
    assert PAN in page
    assert reverse("employers:establishment_update", args=[establishment_a.uuid]) not in page


@pytest.mark.parametrize("persona", ["officer_b", "district_admin_b"])
def test_officials_of_another_district_neither_list_nor_open_it(client, login, personas,
                                                                persona, establishment_a):
    login(personas[persona])
    assert "Siltara Castings" not in client.get(LIST).content.decode()
    assert client.get(detail(establishment_a)).status_code == 404


def test_an_inspector_of_another_district_gets_404(client, login, district_b,
                                                   establishment_a):
    login(UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b]))
    assert client.get(detail(establishment_a)).status_code == 404


def test_officials_get_404_on_the_edit_form(client, login, personas, establishment_a):
    login(personas["officer_a"])
    assert client.get(update(establishment_a)).status_code == 404


@pytest.mark.parametrize("persona", ["worker_a", "csc_a", "helpline", "maker"])
def test_other_roles_get_404_on_the_list(client, login, personas, persona):
    login(personas[persona])
    assert client.get(LIST).status_code == 404


# --- The list ---------------------------------------------------------------------------


def test_list_filters_by_type_sector_and_search(client, login, personas, district_a):
    owner = personas["employer_a"]
    EstablishmentFactory(owner=owner, district=district_a, name="Urla Foundry",
                         sector="steel")
    EstablishmentFactory(owner=owner, district=district_a, name="Gudhiyari Cloth House",
                         kind=Establishment.Kind.SHOP, sector="retail", pan="AABCG5555Q")
    login(personas["officer_a"])
    page = client.get(LIST, {"kind": "shop"}).content.decode()
    assert "Gudhiyari Cloth House" in page and "Urla Foundry" not in page
    page = client.get(LIST, {"sector": "steel"}).content.decode()
    assert "Urla Foundry" in page and "Gudhiyari Cloth House" not in page
    page = client.get(LIST, {"q": "aabcg5555"}).content.decode()
    assert "Gudhiyari Cloth House" in page and "Urla Foundry" not in page


def test_list_filters_officials_by_district(client, login, personas, district_a, district_b):
    EstablishmentFactory(district=district_a, name="Raipur Works")
    EstablishmentFactory(district=district_b, name="Bilaspur Works")
    login(personas["state_admin"])
    page = client.get(LIST, {"district": district_b.pk}).content.decode()
    assert "Bilaspur Works" in page and "Raipur Works" not in page


def test_the_employer_has_no_district_filter_and_is_offered_to_register(client, login,
                                                                        personas):
    login(personas["employer_a"])
    page = client.get(LIST).content.decode()
    assert 'name="district"' not in page
    assert "You have not registered an establishment yet." in page
    assert CREATE in page


def test_list_and_export_say_whether_self_certified_this_year(client, login, personas,
                                                              establishment_a, district_a):
    EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                         name="Not Certified Works")
    SelfCertificationFactory(establishment=establishment_a)
    login(personas["employer_a"])
    rows = {row[0]: row for row in csv_rows(client.get(LIST, {"export": "csv"}))[1:]}
    headers = csv_rows(client.get(LIST, {"export": "csv"}))[0]
    column = headers.index("Self-certified this year")
    assert rows["Siltara Castings"][column] == "Yes"
    assert rows["Not Certified Works"][column] == "No"
    assert rows["Siltara Castings"][headers.index("PAN")] == PAN
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_revoked_certification_does_not_count_as_self_certified(client, login, personas,
                                                                  establishment_a):
    SelfCertificationFactory(establishment=establishment_a, status="revoked",
                             revoked_at=timezone.now(), revoked_reason="False registers")
    login(personas["employer_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    column = rows[0].index("Self-certified this year")
    assert rows[1][column] == "No"


def test_excel_export_downloads(client, login, personas, establishment_a):
    login(personas["officer_a"])
    response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    EstablishmentFactory(district=district_a, name="First Works")
    login(personas["officer_a"])
    one_row = list_queries()
    for n in range(12):
        establishment = EstablishmentFactory(district=district_a, name=f"Works {n}",
                                             block=BlockFactory(district=district_a))
        if n % 2:
            SelfCertificationFactory(establishment=establishment)
    assert list_queries() == one_row
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert "Works 11" in response.content.decode()


# --- The establishment's page -------------------------------------------------------------


def test_a_factory_without_a_licence_offers_its_owner_to_register_it(client, login, personas,
                                                                     establishment_a):
    login(personas["employer_a"])
    page = client.get(detail(establishment_a)).content.decode()
    assert reverse("compliance:factory_register", args=[establishment_a.uuid]) in page
    assert reverse("compliance:certification_create", args=[establishment_a.uuid]) in page


def test_a_licensed_factory_links_to_its_safety_page(client, login, personas,
                                                     establishment_a):
    factory = FactoryFactory(establishment=establishment_a, licence_number="FL/CG/777")
    login(personas["inspector_a"])
    page = client.get(detail(establishment_a)).content.decode()
    assert "FL/CG/777" in page
    assert reverse("compliance:factory_detail", args=[factory.uuid]) in page


def test_a_builder_sees_its_projects_and_may_add_one(client, login, personas, district_a):
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   kind=Establishment.Kind.CONSTRUCTION, sector="construction")
    ConstructionProjectFactory(establishment=builder, name="Shanti Heights")
    login(personas["employer_a"])
    page = client.get(detail(builder)).content.decode()
    assert "Shanti Heights" in page
    assert reverse("compliance:project_create", args=[builder.uuid]) in page
    assert reverse("compliance:factory_register", args=[builder.uuid]) not in page


def test_the_page_queries_do_not_grow_with_projects_and_certifications(
        client, login, personas, district_a):
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   kind=Establishment.Kind.CONSTRUCTION)
    ConstructionProjectFactory(establishment=builder)
    login(personas["employer_a"])
    with CaptureQueriesContext(connection) as queries:
        client.get(detail(builder))
    one_each = len(queries)
    year = timezone.localdate().year
    for n in range(5):
        ConstructionProjectFactory(establishment=builder)
        SelfCertificationFactory(establishment=builder, year=year - n)
    with CaptureQueriesContext(connection) as queries:
        client.get(detail(builder))
    assert len(queries) == one_each


def test_a_safety_inspector_does_not_see_cess_projects(client, login, personas, district_a):
    builder = EstablishmentFactory(district=district_a, kind=Establishment.Kind.CONTRACTOR)
    ConstructionProjectFactory(establishment=builder, name="Shanti Heights")
    login(personas["inspector_a"])
    page = client.get(detail(builder)).content.decode()
    assert "Shanti Heights" not in page


def test_the_page_shows_this_years_self_certification(client, login, personas,
                                                      establishment_a):
    SelfCertificationFactory(establishment=establishment_a)
    login(personas["officer_a"])
    page = client.get(detail(establishment_a)).content.decode()
    assert f"Self-certified for {timezone.localdate().year}" in page


def test_the_page_shows_a_revoked_certification_with_its_reason(client, login, personas,
                                                                establishment_a):
    SelfCertificationFactory(establishment=establishment_a, status="revoked",
                             revoked_at=timezone.now(), revoked_reason="Registers were false")
    login(personas["employer_a"])
    page = client.get(detail(establishment_a)).content.decode()
    assert "Revoked" in page
    assert "Registers were false" in page
    assert reverse("compliance:certification_create", args=[establishment_a.uuid]) not in page


# --- The employer's home page ---------------------------------------------------------------


def test_employer_home_lists_their_establishments_and_what_applies(client, login, personas,
                                                                   district_a, employer_b):
    factory_site = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                        name="Urla Foundry")
    builder = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                   name="Shanti Builders", kind=Establishment.Kind.CONSTRUCTION)
    EstablishmentFactory(owner=employer_b, name="Someone Else's Mill")
    SelfCertificationFactory(establishment=builder)
    login(personas["employer_a"])
    page = client.get(reverse("core:home")).content.decode()
    assert "Urla Foundry" in page and "Shanti Builders" in page
    assert "Someone Else&#x27;s Mill" not in page and "Someone Else's Mill" not in page
    assert reverse("compliance:factory_register", args=[factory_site.uuid]) in page
    assert reverse("compliance:project_create", args=[builder.uuid]) in page
    assert reverse("compliance:certification_create", args=[factory_site.uuid]) in page
    assert reverse("compliance:certification_create", args=[builder.uuid]) not in page
    assert CREATE in page


def test_employer_home_without_establishments_offers_to_register_one(client, login,
                                                                     personas):
    login(personas["employer_a"])
    page = client.get(reverse("core:home")).content.decode()
    assert "You have not registered an establishment yet." in page
    assert CREATE in page
