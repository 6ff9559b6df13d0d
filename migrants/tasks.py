"""Celery tasks of the migrants app: thin wrappers that call one service."""

from celery import shared_task


@shared_task
def tickets_escalate_task():
    from migrants.services import tickets_escalate

    tickets_escalate()


@shared_task
def survey_sheets_purge_task():
    from migrants.services import survey_sheets_purge

    survey_sheets_purge()
