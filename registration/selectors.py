"""Reads of registration, always starting from core scoping."""

from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import Greatest

from core.models import District
from core.roles import RoleCode as R
from core.scoping import scoped
from registration.models import Camp, DistrictTarget, Worker

DUPLICATE_THRESHOLD = 0.45


def worker_list(*, user) -> QuerySet[Worker]:
    """Return the workers this user may see, with what list pages show."""
    return scoped(user, Worker).select_related("district", "block", "camp", "registered_by")


def worker_queue(*, user) -> QuerySet[Worker]:
    """Return submitted registrations awaiting this officer, oldest first."""
    return (worker_list(user=user).filter(status=Worker.Status.SUBMITTED)
            .order_by("submitted_at", "pk"))


def worker_detail_list(*, user) -> QuerySet[Worker]:
    """Return the workers this user may see, with what a worker's own page shows."""
    return worker_list(user=user).select_related("occupation", "owner", "decided_by")


def worker_profiles(*, user) -> QuerySet[Worker]:
    """Return the worker profiles this login manages (a family's phone may hold several)."""
    return Worker.objects.filter(owner=user).select_related("district").order_by("created_at")


def worker_possible_duplicates(*, worker: Worker, limit: int = 10) -> list[Worker]:
    """Return other workers who may be the same person: same date of birth, similar names.

    Narrow by date of birth state-wide first (an index), then compare names and
    the father's/husband's name by trigram similarity (DECISIONS).
    """
    if worker.date_of_birth is None:
        return []
    candidates = (
        Worker.objects.filter(date_of_birth=worker.date_of_birth)
        .exclude(pk=worker.pk).exclude(status=Worker.Status.DRAFT)
        .annotate(name_score=Greatest(TrigramSimilarity("name", worker.name or ""),
                                      TrigramSimilarity("name_latin", worker.name_latin or "")),
                  relative_score=TrigramSimilarity("relative_name", worker.relative_name or ""))
        .filter(name_score__gte=DUPLICATE_THRESHOLD,
                relative_score__gte=DUPLICATE_THRESHOLD)
        .select_related("district")
        .order_by("-name_score", "-relative_score")
    )
    return list(candidates[:limit])


def camp_list(*, user) -> QuerySet[Camp]:
    return scoped(user, Camp).select_related("district", "block").annotate(
        workers_count=Count("workers"))


def camp_status_counts(*, camp: Camp) -> dict[str, int]:
    """Return the camp's registrations counted by status."""
    rows = camp.workers.values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in Worker.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def district_choices(*, user) -> QuerySet[District]:
    """Return the districts in which this user may register workers or hold camps."""
    if user.has_role(R.STATE_ADMIN):
        return District.objects.filter(state__code=_home_state_code()).order_by("name_en")
    if user.has_role(R.LABOUR_OFFICER, R.DISTRICT_ADMIN):
        return District.objects.filter(pk__in=list(user.district_ids)).order_by("name_en")
    return District.objects.filter(state__code=_home_state_code()).order_by("name_en")


def _home_state_code() -> str:
    from django.conf import settings

    return settings.PORTAL_STATE_CODE


def target_progress(*, user) -> list[dict]:
    """Return each visible target with registrations so far (approved, in its period).

    One query counts the registrations of every shown target, by channel (a join of
    targets and workers on district and period), whatever the number of targets.
    """
    targets = list(scoped(user, DistrictTarget).select_related("district").order_by(
        "-starts_on", "district__name_en")[:200])
    if not targets:
        return []
    channels = Worker.Channel.values
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, w.channel, count(w.id) FROM registration_districttarget t "
            "JOIN registration_worker w ON w.district_id = t.district_id "
            "AND w.registered_on BETWEEN t.starts_on AND t.ends_on "
            "WHERE t.id = ANY(%s) GROUP BY t.id, w.channel", [[t.pk for t in targets]])
        for target_id, channel, n in cursor.fetchall():
            counts.setdefault(target_id, {})[channel] = n
    rows = []
    for target in targets:
        by_channel = {channel: counts.get(target.pk, {}).get(channel, 0) for channel in channels}
        total = sum(by_channel.values())
        rows.append({"target": target, "registered": total, "by_channel": by_channel,
                     "percent": round(total * 100 / target.target_count, 1)})
    return rows
