"""Writes of core: roles and jurisdiction, language, jobs and the worker heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from core.models import District, Job, Role, User, UserDistrict, UserRole, WorkerHeartbeat


@transaction.atomic
def user_role_grant(*, actor, user: User, role: str) -> UserRole:
    """Give ``user`` a role (a repeated grant changes nothing)."""
    link, _created = UserRole.objects.get_or_create(user=user, role=Role.objects.get(pk=role))
    user.clear_role_cache()
    return link


@transaction.atomic
def user_district_grant(*, actor, user: User, district: District) -> UserDistrict:
    """Add ``district`` to the user's jurisdiction (a repeated grant changes nothing)."""
    link, _created = UserDistrict.objects.get_or_create(user=user, district=district)
    user.clear_role_cache()
    return link


def user_language_set(*, user: User, language: str) -> None:
    """Save the user's language so that pages and SMS follow it."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def job_create(*, actor, kind: str, params: dict, total: int = 0) -> Job:
    """Create a queued background job; start its task after commit."""
    from core.tasks import job_run_task

    job = Job.objects.create(kind=kind, created_by=actor, params=params, total=total)
    transaction.on_commit(lambda: job_run_task.delay(str(job.pk)))
    return job


def job_progress(*, job_id, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress of a running job (one UPDATE, outside any long transaction)."""
    fields = {"done": done, "message": message[:300]}
    if total is not None:
        fields["total"] = total
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(*, job_id, result: dict) -> None:
    """Mark a job done with its result."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.DONE, finished_at=timezone.now(),
                                         result=result)


def job_fail(*, job_id, message: str) -> None:
    """Mark a job failed, with a short message for its page (no personal data)."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                         message=message[:300])


def worker_heartbeat_record(*, name: str = "celery") -> WorkerHeartbeat:
    """Record that a Celery worker is alive and running tasks."""
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return beat


class SideProgress:
    """Report a job's progress on a second connection while a long transaction is open.

    Inside that transaction an UPDATE of the job would stay invisible to the
    progress page until the end (and hold the job row locked meanwhile).
    """

    def __init__(self, job_id):
        self.job_id = job_id
        self.connection = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        from django.db import DEFAULT_DB_ALIAS, connections

        if self.job_id is None:
            return
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, "  # noqa: S608
                           "message = %s WHERE id = %s",
                           [done, total, message[:300], self.job_id])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def yearly_sequence_next(model, *, year: int, **keys) -> int:
    """Return the next number of ``year`` from a yearly sequence table (``year``, ``last_value``).

    ``keys`` name a sequence among several in one table (e.g. ``kind="BL"``). The row
    lock serialises numbering, and a rolled-back caller rolls its increment back too,
    so numbers have no gaps.
    """
    sequence, _created = model.objects.get_or_create(year=year, **keys)
    sequence = model.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def row_events_insert(*, model, label: str, where_sql: str, params: list, at=None) -> None:
    """Write row-history events of ``model``'s rows chosen by ``where_sql`` (alias ``t``).

    For bulk statements that skip pghistory's per-row trigger (a subtransaction per
    row makes lakhs of rows quadratic): the same events, in one INSERT ... SELECT.
    """
    from django.db import connection

    event_model = model.pgh_event_model
    columns = [f.column for f in event_model._meta.concrete_fields
               if not f.name.startswith("pgh_")]
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{event_model._meta.db_table}" '  # noqa: S608
            f"(pgh_created_at, pgh_label, pgh_obj_id, {names}) "
            f'SELECT %s, %s, t.id, {names} FROM "{model._meta.db_table}" t WHERE {where_sql}',
            [at or timezone.now(), label, *params])


def officials_notify(*, users, subject: str, body: str, sms, **params) -> None:
    """Email ``users`` (one message) and text each one with a mobile, after commit.

    ``sms`` is a lazy translation rendered with ``params`` in each user's language.
    """
    users = list(users)
    emails = sorted({user.email for user in users if user.email})
    texts = []
    for user in users:
        if user.mobile:
            with override(user.preferred_language or settings.LANGUAGE_CODE):
                texts.append((user.mobile, str(sms) % params))

    def send():
        from core.sms import sms_send

        if emails:
            send_mail(subject, body, None, emails, fail_silently=True)
        for mobile, text in texts:
            sms_send(mobile=mobile, text=text)

    transaction.on_commit(send)
