"""A real Celery worker, on Redis, runs a background job end to end."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from core.models import AuditEvent, Job
from core.services import job_create
from labourportal.celery import app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/7"  # a database of its own: no stray tasks


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def worker_database_url() -> str:
    params = connection.settings_dict
    host = params["HOST"] or "127.0.0.1"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{params['USER']}@{quote(host, safe='')}{port}/{params['NAME']}"


def reset_broker_pools():
    """Drop Celery's cached connections so a changed broker_url takes effect."""
    from kombu import pools

    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per connection process-wide; eager tasks after this
    # test still take a producer from there (for the serializer).
    pools.reset()


@pytest.fixture
def real_broker():
    old = (app.conf.broker_url, app.conf.task_always_eager)
    reset_broker_pools()
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    yield
    app.conf.broker_url, app.conf.task_always_eager = old
    reset_broker_pools()


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_job_from_redis_to_done(personas, real_broker):
    for n in range(5):
        AuditEvent.objects.create(action="otp_sent", actor_label=f"w{n}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "labourportal.settings.test",
           "DATABASE_URL": worker_database_url(), "REDIS_URL": REDIS_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "labourportal", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        job = job_create(actor=personas["state_admin"], kind="audit_export",
                         params={"query": "action=otp_sent"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (Job.Status.DONE, Job.Status.FAILED):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert job.status == Job.Status.DONE, output
    assert job.total == 5 and job.result == {"rows": 5}
    assert job.result_file.read().decode("utf-8-sig").count("\n") == 6
