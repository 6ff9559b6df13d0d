"""Help desk pages: the public list of open desks and the state admin's editor."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.roles import RoleCode as R
from migrants.models import HelpDesk
from tests.core.factories import UserFactory
from tests.migrants.factories import HelpDeskFactory, gujarat, maharashtra

pytestmark = pytest.mark.django_db
LIST = reverse("migrants:desk_list")
CREATE = reverse("migrants:desk_create")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def desk_data(**overrides) -> dict:
    data = {"name_en": "Surat migrant help desk", "name_hi": "सूरत प्रवासी सहायता केंद्र",
            "state": str(gujarat().pk), "city": "Surat", "address": "Ring Road, Udhna",
            "phone": "02612345678", "email": "surat.desk@example.test", "is_active": "on"}
    data.update(overrides)
    return data


def test_public_page_lists_open_desks_by_state_with_the_helpline(client, db):
    HelpDeskFactory(name_en="Mumbai desk", city="Mumbai", phone="02222620000",
                    email="mumbai@example.test", address="Dadar East")
    HelpDeskFactory(name_en="Surat desk", state=gujarat(), city="Surat")
    HelpDeskFactory(name_en="Pune desk (closed)", city="Pune", is_active=False)
    response = client.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mumbai desk" in content and "Surat desk" in content
    assert "Pune desk (closed)" not in content
    assert "Maharashtra" in content and "Gujarat" in content
    assert "Dadar East" in content and "tel:02222620000" in content
    assert "mailto:mumbai@example.test" in content
    assert "1800-233-0000" in content
    assert CREATE not in content


def test_public_page_shows_the_desk_name_in_hindi(client, db):
    HelpDeskFactory(name_en="Mumbai desk", name_hi="मुंबई सहायता केंद्र")
    client.cookies["django_language"] = "hi"
    content = client.get(LIST, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "मुंबई सहायता केंद्र" in content


def test_public_page_without_open_desks_points_to_the_helpline(client, db):
    HelpDeskFactory(is_active=False)
    content = client.get(LIST).content.decode()
    assert "No help desk is open at the moment." in content


def test_state_admin_creates_a_desk_with_its_staff(personas, login, client):
    agent = UserFactory(username="agent.surat", roles=[R.HELPLINE_AGENT])
    login(personas["state_admin"])
    response = client.post(CREATE, desk_data(staff=[str(agent.pk)]), follow=True)
    desk = HelpDesk.objects.get()
    assert desk.name_en == "Surat migrant help desk"
    assert desk.state == gujarat()
    assert list(desk.staff.all()) == [agent]
    assert "saved" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN, object_id=str(desk.pk))
    assert event.actor == personas["state_admin"]
    assert event.summary == "help desk created"


def test_staff_must_be_helpline_agents(personas, login, client):
    login(personas["state_admin"])
    response = client.post(CREATE, desk_data(staff=[str(personas["officer_a"].pk)]))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert HelpDesk.objects.count() == 0


def test_desk_without_name_or_phone_shows_the_messages_and_saves_nothing(personas, login,
                                                                        client):
    login(personas["state_admin"])
    response = client.post(CREATE, desk_data(name_en="", phone=""))
    content = response.content.decode()
    assert content.count("This field is required.") == 2
    assert 'value="Surat"' in content
    assert HelpDesk.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN).exists()


@pytest.mark.parametrize("persona", ["officer_a", "district_admin_a", "helpline", "worker_a"])
def test_only_the_state_admin_may_create_or_edit_a_desk(persona, personas, login, client):
    desk = HelpDeskFactory()
    login(personas[persona])
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, desk_data()).status_code == 404
    edit = reverse("migrants:desk_update", args=[desk.pk])
    assert client.post(edit, desk_data(is_active="")).status_code == 404
    desk.refresh_from_db()
    assert desk.is_active
    assert HelpDesk.objects.count() == 1


def test_anonymous_visitor_is_sent_to_log_in_for_the_editor(client, db):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_state_admin_closes_a_desk_and_it_leaves_the_public_page(personas, login, client):
    agent = UserFactory(username="agent.mumbai", roles=[R.HELPLINE_AGENT])
    desk = HelpDeskFactory(name_en="Mumbai desk", staff=[agent])
    login(personas["state_admin"])
    edit = reverse("migrants:desk_update", args=[desk.pk])
    form = client.get(edit).content.decode()
    assert 'value="Mumbai desk"' in form
    client.post(edit, desk_data(name_en="Mumbai desk", state=str(maharashtra().pk),
                                city="Mumbai", is_active="", staff=[str(agent.pk)]))
    desk.refresh_from_db()
    assert not desk.is_active
    assert list(desk.staff.all()) == [agent]
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN, object_id=str(desk.pk))
    assert event.summary == "help desk updated (closed)"
    assert "is_active" in event.detail["changed"] and "staff" not in event.detail["changed"]
    client.logout()
    assert "Mumbai desk" not in client.get(LIST).content.decode()


def test_state_admin_sees_closed_desks_to_open_them_again(personas, login, client):
    desk = HelpDeskFactory(name_en="Pune desk", is_active=False)
    login(personas["state_admin"])
    content = client.get(LIST).content.decode()
    assert "Pune desk" in content
    assert reverse("migrants:desk_update", args=[desk.pk]) in content


def test_editing_a_missing_desk_is_404(personas, login, client):
    login(personas["state_admin"])
    assert client.get(reverse("migrants:desk_update", args=[999999])).status_code == 404


def test_public_page_queries_do_not_grow_with_the_desks(client, db,
                                                        django_assert_max_num_queries):
    for n in range(10):
        HelpDeskFactory(name_en=f"Desk {n}", state=gujarat() if n % 2 else maharashtra())
    with django_assert_max_num_queries(5):
        assert client.get(LIST).status_code == 200
