"""/health/ reports the database, the cache, the broker and (where one runs) the worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_every_service_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_fails_when_the_broker_is_unreachable(client, settings):
    from labourportal.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_health_reports_a_stale_or_missing_celery_worker(client, settings):
    settings.HEALTH_CHECK_CELERY = True
    assert client.get("/health/").json()["checks"]["celery_worker"] == "no heartbeat yet"
    WorkerHeartbeat.objects.create(name="celery", seen_at=timezone.now() - timedelta(hours=1))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["celery_worker"].startswith("stale")
    WorkerHeartbeat.objects.filter(name="celery").update(seen_at=timezone.now())
    assert client.get("/health/").status_code == 200


def test_health_says_nothing_personal(client, personas):
    assert "officer" not in client.get("/health/").content.decode()
