"""Reads of core, always starting from scoping."""

from __future__ import annotations

import pghistory.models
from django.db.models import Count, QuerySet

from core.models import AuditEvent, AuditSeal, Block, District, Job, User, UserDistrict
from core.roles import ROLE_PRIORITY
from core.scoping import scoped


def user_roles_in_order(*, user: User) -> list[str]:
    """Return the user's role codes, most senior first (the home page's order)."""
    return [role for role in ROLE_PRIORITY if role in user.role_codes]


def district_list(*, user: User) -> QuerySet[District]:
    """Return the districts this user may open, with their block counts."""
    return (scoped(user, District).select_related("state")
            .annotate(block_count=Count("blocks")).order_by("name_en"))


def district_blocks(*, district: District) -> QuerySet[Block]:
    """Return a district's blocks with their village counts."""
    return district.blocks.annotate(village_count=Count("villages")).order_by("name_en")


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """Return the audit events this user may search."""
    return scoped(user, AuditEvent).select_related("actor", "district")


def object_history(*, obj) -> QuerySet:
    """Return the row history of one object, newest first, with who made each change."""
    return (pghistory.models.MiddlewareEvents.objects.tracks(obj)
            .order_by("-pgh_created_at", "-pgh_id"))


def row_history_list() -> QuerySet:
    """Return every row change in the portal (the state admin's audit trail)."""
    return pghistory.models.MiddlewareEvents.objects.order_by("-pgh_created_at")


def district_officials(*, district, roles) -> QuerySet[User]:
    """Return the active users holding one of ``roles`` with ``district`` in their jurisdiction."""
    return (User.objects.filter(
        is_active=True, roles__code__in=list(roles),
        pk__in=UserDistrict.objects.filter(district=district).values("user_id"))
        .distinct().order_by("pk"))


def job_for_user(*, user: User, job_id) -> Job:
    """Return one job the user may see (raises DoesNotExist otherwise)."""
    return scoped(user, Job).get(pk=job_id)


def users_by_role_counts() -> dict[str, int]:
    """Return the number of users holding each role (state admin home page)."""
    rows = User.objects.values("role_links__role_id").annotate(n=Count("pk"))
    return {row["role_links__role_id"]: row["n"] for row in rows if row["role_links__role_id"]}


def record_access_events(*, obj, for_subject: bool = False) -> QuerySet[AuditEvent]:
    """Return the audit events about one record (views, refusals, workflow steps).

    ``for_subject``: what the person the record is about may see, without the
    reads the law lets the department withhold from them.
    """
    events = (AuditEvent.objects
              .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
              .select_related("actor").order_by("-occurred_at", "-id"))
    if for_subject:
        events = events.filter(is_withheld_from_subject=False)
    return events


def record_seal_status(*, refs: list[tuple[str, int]]) -> dict[str, int]:
    """Return how many audit rows (label, id) are sealed and unaltered, altered or unsealed."""
    from core.audit_chain import content_hash, row_values_for_seal

    counts = {"intact": 0, "altered": 0, "unsealed": 0}
    by_label: dict[str, list[int]] = {}
    for label, row_id in refs:
        by_label.setdefault(label, []).append(int(row_id))
    for label, ids in by_label.items():
        seals = {seal.source_id: seal for seal in AuditSeal.objects.filter(
            source=label, source_id__in=ids).select_related("schema")}
        for row_id in ids:
            seal = seals.get(row_id)
            if seal is None:
                counts["unsealed"] += 1
            elif content_hash(row_values_for_seal(seal)) == seal.content_hash:
                counts["intact"] += 1
            else:
                counts["altered"] += 1
    return counts
