"""Error pages a user may meet speak both languages and say nothing is lost."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_expired_form_explains_itself_in_english_and_hindi():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "hi"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Page expired" in body and "पेज की समय-सीमा समाप्त" in body
    assert "is not lost" in body
