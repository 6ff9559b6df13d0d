"""A real Celery worker, on Redis, writes a batch's payment file and applies the bank's answer."""

from decimal import Decimal

import pytest

from core.models import Job
from tests.celery_support import real_broker, redis_answers, wait_for, worker_process
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import bankfiles, selectors, services
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine

# A Redis database of its own: no stray tasks, and no other test flushes it meanwhile.
REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def celery_worker_process():
    """A real worker on its own Redis database; yields a function giving its output."""
    with real_broker(REDIS_URL), worker_process(REDIS_URL) as output:
        yield output


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
