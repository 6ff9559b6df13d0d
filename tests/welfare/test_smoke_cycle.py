"""The whole cycle once through the services: apply, sanction, batch, approve, file, bank."""

from core.sms import CapturingSMSBackend
from tests.welfare.factories import application_at
from welfare import services
from welfare.models import Application, PaymentBatch


def test_sanctioned_application_is_paid_through_batch_and_simulated_bank(
        personas, worker_a, edu_scheme, django_capture_on_commit_callbacks):
    application = application_at("sanctioned", worker=worker_a, scheme=edu_scheme,
                                 officer=personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payment_batch_create(actor=personas["maker"])
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.FILE_READY
    with django_capture_on_commit_callbacks(execute=True):
        services.bank_simulation_run(actor=personas["checker"], batch_id=batch.pk,
                                     failure_rate=0)
    application.refresh_from_db()
    assert application.status == Application.Status.PAID
    assert application.utr
    # The worker is told, once, and the application's history shows the payment.
    paid_sms = [m for m in CapturingSMSBackend.outbox if application.utr in m.text]
    assert len(paid_sms) == 1
    assert application.events.filter(status="paid").exists()
