"""Each role logs in to a home page made for it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADINGS = {
    "state_admin": "State administration",
    "district_admin_a": "District administration",
    "officer_a": "Labour officer",
    "inspector_a": "Safety inspector",
    "helpline": "Migrant helpline",
    "maker": "Board accounts (maker)",
    "checker": "Board accounts (checker)",
    "csc_a": "CSC / Lok Mitra operator",
    "employer_a": "Employer",
    "worker_a": "My registration",
}


@pytest.mark.parametrize("persona,heading", HEADINGS.items())
def test_each_role_sees_its_own_home_page(personas, login, client, persona, heading):
    login(personas[persona])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert heading in response.content.decode()
    others = set(HEADINGS.values()) - {heading}
    assert not [other for other in others if f">{other}</h2>" in response.content.decode()]


def test_anonymous_visitor_sees_the_landing_page_with_both_logins(client, db):
    response = client.get(reverse("core:home"))
    page = response.content.decode()
    assert "Worker login with mobile" in page
    assert "Office / employer login" in page


def test_state_admin_home_counts_users_by_role(personas, login, client):
    login(personas["state_admin"])
    page = client.get(reverse("core:home")).content.decode()
    assert "Labour officer" in page and "Users by role" in page


def test_csc_home_shows_operator_id_and_home_district(personas, login, client):
    login(personas["csc_a"])
    page = client.get(reverse("core:home")).content.decode()
    assert "CSC-A-1" in page and "Raipur" in page


def test_user_without_a_role_is_told_to_contact_the_office(login, client, db):
    from tests.core.factories import UserFactory

    login(UserFactory())
    page = client.get(reverse("core:home")).content.decode()
    assert "no role yet" in page


def test_every_page_has_skip_link_landmarks_and_language_switch(personas, login, client):
    login(personas["officer_a"])
    page = client.get(reverse("core:home")).content.decode()
    assert 'href="#content"' in page and '<main id="content"' in page
    assert 'name="language" value="hi"' in page and "<nav" in page


def test_authenticated_pages_are_not_cached(personas, login, client):
    login(personas["officer_a"])
    response = client.get(reverse("core:home"))
    assert response["Cache-Control"] == "no-store"
