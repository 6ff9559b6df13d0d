"""Background job handlers of registration (bulk card printing; imports are in imports.py).

A bulk print of many cards is split into parts of ``PART_SIZE`` cards, each rendered
by its own task, so that every Celery worker process (every core) renders at once;
the task that finishes the last part joins the parts into the job's one PDF.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.jobs import JobContinues, job_handler
from core.models import AuditEvent, Job
from core.services import job_fail, job_finish, job_progress
from registration.cards import card_print_workers, cards_sheet_pdf

PART_SIZE = 100  # cards per part: 20 A4 pages, a few seconds of one core


def _part_path(job_id, index: int) -> str:
    return f"jobs/card-print/{job_id}/part-{index:04d}.pdf"


@job_handler("card_print")
def card_print_run(job):
    """Print the cards of the job's workers (or camp) on A4 card stock, with progress.

    ``job.params`` is ``{"worker_ids": [worker UUID, ...]}`` or ``{"camp_id": N}``.
    Scope is checked again here: the user's jurisdiction may have changed since
    the job was queued, and params are never trusted on their own.
    """
    from registration.tasks import card_print_part_task

    user = job.created_by
    workers = card_print_workers(user=user, worker_uuids=job.params.get("worker_ids"),
                                 camp_id=job.params.get("camp_id"))
    uuids = [str(u) for u in workers.values_list("uuid", flat=True)]
    total = len(uuids)
    job_progress(job_id=job.pk, done=0, total=total)
    if total == 0:
        return {"cards": 0}
    if total <= PART_SIZE:
        pdf = cards_sheet_pdf(workers.iterator(chunk_size=200),
                              progress=lambda done: job_progress(job_id=job.pk, done=done))
        _finish(job, pdf, total)
        return {"cards": total}
    parts = [uuids[start:start + PART_SIZE] for start in range(0, total, PART_SIZE)]
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if "parts" in locked.params:
            return JobContinues()  # a redelivered task: the parts are already under way
        # The parts hold UUIDs the scope check above allowed; parts re-check nothing else.
        locked.params = {**locked.params, "parts": parts}
        locked.result = {"parts_done": []}
        locked.save(update_fields=["params", "result"])
        for index in range(len(parts)):
            card_print_part_task.delay_on_commit(str(job.pk), index)
    return JobContinues()


def card_print_part(*, job_id, index: int) -> None:
    """Render one part of a bulk print; the last part to finish joins them all.

    Safe to run twice: a part already on disk is not rendered again, and the
    join happens once, under the job's row lock.
    """
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.RUNNING:
        return
    parts = job.params["parts"]
    path = _part_path(job_id, index)
    if not default_storage.exists(path):
        workers = card_print_workers(user=job.created_by, worker_uuids=parts[index])
        try:
            pdf = cards_sheet_pdf(workers.iterator(chunk_size=200))
        except Exception:
            _fail(job_id, parts, f"part {index + 1} of {len(parts)} failed")
            raise
        # The part appears under its name only when whole (a killed task leaves none).
        default_storage.save(path, ContentFile(pdf))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        done_parts = set(job.result.get("parts_done", [])) | {index}
        job.result = {"parts_done": sorted(done_parts)}
        job.done = min(sum(len(parts[i]) for i in done_parts), job.total)
        job.save(update_fields=["result", "done"])
        if len(done_parts) < len(parts) or job.status != Job.Status.RUNNING:
            return
        try:
            pdf = _join([_part_path(job_id, i) for i in range(len(parts))])
        except Exception:
            _fail(job_id, parts, "joining the parts failed")
            raise
        total = sum(len(part) for part in parts)
        _finish(job, pdf, total)
        job_finish(job_id=job_id, result={"cards": total})
    _parts_delete(job_id, parts)


def _parts_delete(job_id, parts) -> None:
    for i in range(len(parts)):
        if default_storage.exists(_part_path(job_id, i)):
            default_storage.delete(_part_path(job_id, i))


def _fail(job_id, parts, message: str) -> None:
    # The parts hold names and photos: they do not stay behind a failed print.
    job_fail(job_id=job_id, message=message)
    transaction.on_commit(lambda: _parts_delete(job_id, parts))


def _join(paths: list[str]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        with default_storage.open(path, "rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _finish(job, pdf: bytes, total: int) -> None:
    with transaction.atomic():
        job.result_file.save(f"labour-cards-{timezone.now():%Y%m%d-%H%M%S}.pdf",
                             ContentFile(pdf), save=False)
        job.done = total
        job.total = total
        job.save(update_fields=["result_file", "done", "total"])
        audit_event_record(action=AuditEvent.Action.EXPORT, actor=job.created_by, obj=job,
                           summary=f"{total} labour cards printed (background)",
                           detail={"cards": total, "format": "pdf",
                                   "camp_id": job.params.get("camp_id")})
