"""Background job handlers of registration (bulk card printing, imports)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.jobs import job_handler
from core.models import AuditEvent
from core.services import job_progress
from registration.cards import card_print_workers, cards_sheet_pdf


@job_handler("card_print")
def card_print_run(job):
    """Print the cards of the job's workers (or camp) on A4 card stock, with progress.

    ``job.params`` is ``{"worker_ids": [worker UUID, ...]}`` or ``{"camp_id": N}``.
    Scope is checked again here: the user's jurisdiction may have changed since
    the job was queued, and params are never trusted on their own.
    """
    user = job.created_by
    workers = card_print_workers(user=user, worker_uuids=job.params.get("worker_ids"),
                                 camp_id=job.params.get("camp_id"))
    total = workers.count()
    job_progress(job_id=job.pk, done=0, total=total)
    if total == 0:
        return {"cards": 0}
    pdf = cards_sheet_pdf(workers.iterator(chunk_size=200),
                          progress=lambda done: job_progress(job_id=job.pk, done=done))
    with transaction.atomic():
        job.result_file.save(f"labour-cards-{timezone.now():%Y%m%d-%H%M%S}.pdf",
                             ContentFile(pdf), save=False)
        job.done = total
        job.total = total
        job.save(update_fields=["result_file", "done", "total"])
        audit_event_record(action=AuditEvent.Action.EXPORT, actor=user, obj=job,
                           summary=f"{total} labour cards printed (background)",
                           detail={"cards": total, "format": "pdf",
                                   "camp_id": job.params.get("camp_id")})
    return {"cards": total}
