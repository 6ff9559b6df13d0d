"""Background job handlers of core."""

import csv
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from core.audit import audit_event_record
from core.filters import AuditEventFilter
from core.jobs import job_handler
from core.models import AuditEvent
from core.selectors import audit_event_list
from core.services import job_progress

CHUNK = 1000


@job_handler("audit_export")
def audit_export_run(job):
    """Write the audit events matching the job's filter to a CSV file, with progress."""
    user = job.created_by
    filterset = AuditEventFilter(QueryDict(job.params.get("query", "")),
                                 queryset=audit_event_list(user=user))
    rows = filterset.qs if filterset.is_valid() else audit_event_list(user=user).none()
    total = rows.count()
    job_progress(job_id=job.pk, done=0, total=total, message="")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["occurred_at_utc", "user", "roles", "ip", "action", "object_type",
                     "object_id", "summary", "path"])
    done = 0
    for event in rows.iterator(chunk_size=CHUNK):
        writer.writerow([event.occurred_at.isoformat(), event.actor_label, event.actor_roles,
                         event.ip_address or "", event.action, event.object_type,
                         event.object_id, event.summary, event.path])
        done += 1
        if done % CHUNK == 0:
            job_progress(job_id=job.pk, done=done)
    with transaction.atomic():
        job.result_file.save(f"audit-events-{timezone.now():%Y%m%d-%H%M%S}.csv",
                             ContentFile(buffer.getvalue().encode("utf-8")), save=False)
        job.done = total
        job.save(update_fields=["result_file", "done"])
        audit_event_record(action=AuditEvent.Action.EXPORT, actor=user, obj=job,
                           summary=f"{total} audit events as csv (background)",
                           detail={"rows": total, "format": "csv",
                                   "filter": job.params.get("query", "")})
    return {"rows": total}
