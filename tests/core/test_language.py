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
