"""English or Hindi, switched on every page; a logged-in user keeps their choice."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_switches_to_hindi(client):
    response = client.post(reverse("core:language_set"), {"language": "hi", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="hi">' in page


def test_logged_in_user_keeps_hindi_on_their_profile_across_sessions(client, login, personas):
    officer = personas["officer_a"]
    login(officer)
    client.post(reverse("core:language_set"), {"language": "hi", "next": "/"})
    officer.refresh_from_db()
    assert officer.preferred_language == "hi"
    client.cookies.clear()
    login(officer)
    assert '<html lang="hi">' in client.get("/").content.decode()


def test_unknown_language_and_foreign_next_url_are_ignored(client):
    response = client.post(reverse("core:language_set"),
                           {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_hindi_page_shows_hindi_text(client):
    client.post(reverse("core:language_set"), {"language": "hi", "next": "/"})
    page = client.get(reverse("core:worker_login")).content.decode()
    assert "मोबाइल" in page


@pytest.mark.django_db
def test_the_language_buttons_carry_a_csrf_token_and_work_with_csrf_checks_on():
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    form = page[page.index('class="language-switch"'):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post("/language/", {"language": "hi", "next": "/",
                                          "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.cookies["portal_language"].value == "hi"


def test_the_logout_button_carries_a_csrf_token_and_logs_out(personas):
    import re

    from django.test import Client

    from tests.conftest import mfa_login

    client = Client(enforce_csrf_checks=True)
    mfa_login(client, personas["officer_a"])
    page = client.get("/").content.decode()
    form = page[page.index('action="/accounts/logout/"'):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
