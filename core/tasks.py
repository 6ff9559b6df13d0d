"""Celery tasks of core: thin wrappers that load by id and call one service."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.jobs import JobContinues, handler_for
from core.models import Job
from core.services import job_finish, worker_heartbeat_record

logger = logging.getLogger(__name__)


@shared_task
def worker_heartbeat_task():
    worker_heartbeat_record()


@shared_task(bind=True, max_retries=3)
def job_run_task(self, job_id: str):
    """Run a background job once; a job already done is left alone."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.DONE:
            return
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        result = handler_for(job.kind)(job)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            message=f"{type(exc).__name__}"[:300],
        )
        raise
    if isinstance(result, JobContinues):
        return  # other tasks finish it
    job_finish(job_id=job_id, result=result or {})


@shared_task
def audit_seal_task():
    from core.audit_chain import audit_seal

    audit_seal()


@shared_task
def audit_verify_task():
    from core.audit_chain import audit_verify

    audit_verify()
