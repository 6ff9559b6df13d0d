"""Background tasks of registration: thin, by id, each calling one service."""

from celery import shared_task

from registration import cards, services


@shared_task(bind=True, autoretry_for=(cards.CardRenderError,), retry_backoff=30,
             retry_backoff_max=600, max_retries=5)
def labour_card_render_task(self, card_id: int) -> None:
    cards.labour_card_render(card_id=card_id)


@shared_task
def workers_expire_task() -> dict:
    return services.workers_expire()


@shared_task
def worker_import_uploads_purge_task() -> int:
    # Uploaded files hold clear Aadhaar numbers: unconfirmed ones do not stay.
    from registration.imports import worker_import_uploads_purge

    return worker_import_uploads_purge()


@shared_task
def card_print_part_task(job_id: str, index: int) -> None:
    from registration.job_handlers import card_print_part

    card_print_part(job_id=job_id, index=index)
