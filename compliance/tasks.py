"""Celery tasks of the compliance app: thin wrappers that call one service."""

from celery import shared_task


@shared_task
def case_payments_sync_task():
    from compliance.services import case_payments_sync

    case_payments_sync()


@shared_task
def visits_due_notify_task():
    from compliance.services import visits_due_notify

    visits_due_notify()
