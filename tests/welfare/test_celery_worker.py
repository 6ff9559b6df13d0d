"""A real Celery worker, on Redis, writes a batch's payment file and applies the bank's answer."""

import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from core.models import Job
from labourportal.celery import app
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import bankfiles, selectors, services
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own: no stray tasks, and no other test flushes it meanwhile.
REDIS_URL = "redis://127.0.0.1:6379/11"


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


@pytest.fixture
def celery_worker_process(real_broker):
    """Start a worker process on the test database; yield a function returning its output."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "labourportal.settings.test",
           "DATABASE_URL": worker_database_url(), "REDIS_URL": REDIS_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "labourportal", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []

    def log() -> str:
        return "".join(output)

    yield log
    worker.terminate()
    output.append(worker.communicate(timeout=30)[0])


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_writes_the_payment_file_and_applies_the_banks_answer(
        personas, district_a, celery_worker_process):
    scheme = SchemeFactory(code="tool", amount=Decimal("5000"))
    apps = [application_at("sanctioned", worker=active_worker(district=district_a),
                           scheme=scheme, officer=personas["state_admin"],
                           amount=Decimal(amount)) for amount in (5000, 4000, 3000)]
    batch = services.payment_batch_create(actor=personas["maker"])
    services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)

    batch.refresh_from_db()

    def file_job_ended():
        return Job.objects.get(pk=batch.file_job_id).status in (Job.Status.DONE,
                                                                 Job.Status.FAILED)

    assert wait_for(file_job_ended), celery_worker_process()
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.FILE_READY, celery_worker_process()
    content = batch.file.read()
    assert bankfiles.payment_file_check(content) == []
    assert bankfiles.payment_file_read(content).count == 3

    lines = list(batch.lines.order_by("pk"))
    answer = ["REFERENCE,STATUS,UTR,REASON_CODE,AMOUNT",
              f"{lines[0].reference},SUCCESS,UTR000001,,{lines[0].amount}",
              f"{lines[1].reference},SUCCESS,UTR000002,,{lines[1].amount}",
              f"{lines[2].reference},FAILED,,AC06,{lines[2].amount}"]
    uploaded = services.bank_response_upload(actor=personas["checker"], batch_id=batch.pk,
                                             content="\n".join(answer).encode(),
                                             name="bank.csv")

    def ingested():
        uploaded.refresh_from_db()
        return uploaded.status != BankResponseFile.Status.QUEUED

    assert wait_for(ingested), celery_worker_process()
    assert uploaded.status == BankResponseFile.Status.DONE, uploaded.result
    assert (uploaded.result["paid"], uploaded.result["failed"]) == (2, 1)
    assert Job.objects.get(pk=uploaded.job_id).status == Job.Status.DONE
    # The SMS task goes through the broker too: every settled line is marked told.
    assert wait_for(lambda: not PaymentLine.objects.filter(
        batch=batch, notified_at__isnull=True).exists()), celery_worker_process()

    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.CLOSED
    assert [Application.objects.get(pk=a.pk).status for a in apps] == [
        Application.Status.PAID, Application.Status.PAID, Application.Status.PAYMENT_FAILED]
    totals = selectors.batch_totals(batch)
    assert totals["paid"] == {"count": 2, "amount": Decimal("9000")}
    assert totals["failed"] == {"count": 1, "amount": Decimal("3000")}
