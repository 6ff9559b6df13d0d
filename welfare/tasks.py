"""Celery tasks of welfare: thin wrappers that load by id and call one service.

The payment file and the bank response run as core Jobs (welfare.job_handlers).
"""

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def payment_notices_send_task(self, response_id: int, first_id: int, last_id: int):
    from welfare.services.ledger import payment_notices_send

    payment_notices_send(response_id=response_id, first_id=first_id, last_id=last_id)
