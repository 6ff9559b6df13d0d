"""Reads of core, always starting from scoping."""

from __future__ import annotations

import pghistory.models
from django.db.models import Count, QuerySet

from core.models import AuditEvent, Block, District, Job, User
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


def job_for_user(*, user: User, job_id) -> Job:
    """Return one job the user may see (raises DoesNotExist otherwise)."""
    return scoped(user, Job).get(pk=job_id)


def users_by_role_counts() -> dict[str, int]:
    """Return the number of users holding each role (state admin home page)."""
    rows = User.objects.values("role_links__role_id").annotate(n=Count("pk"))
    return {row["role_links__role_id"]: row["n"] for row in rows if row["role_links__role_id"]}


def record_access_events(*, obj) -> QuerySet[AuditEvent]:
    """Return the audit events about one record (views, exports, workflow steps)."""
    return (AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .select_related("actor").order_by("-occurred_at", "-id"))
