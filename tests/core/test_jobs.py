"""Long jobs run in the background with a progress page; results are served privately."""

import pytest
from django.test import TestCase
from django.urls import reverse

from core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def start_export(client, query="action=otp_sent"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("core:auditevent_export"), {"query": query})


def test_background_audit_export_finishes_with_progress_and_a_file(client, login, personas):
    for n in range(25):
        AuditEvent.objects.create(action="otp_sent", actor_label=f"w{n}")
    login(personas["state_admin"])
    response = start_export(client)
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 25
    status = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["has_file"]
    body = b"".join(client.get(reverse("core:job_file", args=[job.pk])).streaming_content)
    assert body.decode("utf-8-sig").count("\n") == 26
    assert AuditEvent.objects.filter(action="export", object_id=str(job.pk)).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "progressbar" in page and "Download the file" in page


def test_another_users_job_and_its_file_answer_404(client, login, personas):
    login(personas["state_admin"])
    start_export(client)
    job = Job.objects.get()
    login(personas["district_admin_a"])
    for name in ("core:job_detail", "core:job_status", "core:job_file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name


def test_running_a_finished_job_again_changes_nothing(client, login, personas):
    from core.tasks import job_run_task

    login(personas["state_admin"])
    start_export(client)
    job = Job.objects.get()
    finished_at = job.finished_at
    job_run_task(str(job.pk))
    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert AuditEvent.objects.filter(action="export", object_id=str(job.pk)).count() == 1
