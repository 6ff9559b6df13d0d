"""A real Celery worker, on Redis, runs a background job end to end."""

import pytest

from core.models import AuditEvent, Job
from core.services import job_create
from tests.celery_support import real_broker, redis_answers, wait_for, worker_process

REDIS_URL = "redis://127.0.0.1:6379/7"  # a database of its own: no stray tasks


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_job_from_redis_to_done(personas):
    for n in range(5):
        AuditEvent.objects.create(action="otp_sent", actor_label=f"w{n}")
    with real_broker(REDIS_URL), worker_process(REDIS_URL) as output:
        job = job_create(actor=personas["state_admin"], kind="audit_export",
                         params={"query": "action=otp_sent"})
        wait_for(lambda: Job.objects.get(pk=job.pk).status in (Job.Status.DONE,
                                                                Job.Status.FAILED))
        job.refresh_from_db()
    assert job.status == Job.Status.DONE, output()
    assert job.total == 5 and job.result == {"rows": 5}
    assert job.result_file.read().decode("utf-8-sig").count("\n") == 6
