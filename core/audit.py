"""Audit events that are not row changes (row history is django-pghistory).

``audit_event_record`` writes in the caller's transaction, so if the event
cannot be written the action fails with it. Sensitive values never enter an
event in clear: keys named in ``AUDIT_SENSITIVE_KEYS`` are replaced.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model

from core.models import AuditEvent

REDACTED = "[redacted]"


def client_ip(request) -> str | None:
    """Return the client's address, read behind the trusted proxy header if set."""
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return get_client_ip(request)
    except Exception:  # noqa: BLE001 - a malformed header must not break auditing
        return None


def scrub(value: Any) -> Any:
    """Return ``value`` with every sensitive key's value redacted, recursively."""
    if isinstance(value, dict):
        return {
            key: REDACTED if _is_sensitive(key) else scrub(item) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def _is_sensitive(key: Any) -> bool:
    name = str(key).lower()
    return name in settings.AUDIT_SENSITIVE_EXACT_KEYS or any(
        word in name for word in settings.AUDIT_SENSITIVE_KEYS)


def audit_event_record(
    *,
    action: str,
    request=None,
    actor=None,
    actor_label: str = "",
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    district=None,
    summary: str = "",
    detail: dict | None = None,
    is_withheld_from_subject: bool = False,
) -> AuditEvent:
    """Record one audit event, in the caller's transaction."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    roles = ""
    if actor is not None:
        actor_label = actor_label or actor.get_username()
        roles = ",".join(sorted(actor.role_codes))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label[:150],
        actor_roles=roles[:200],
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        object_type=object_type,
        object_id=str(object_id),
        district=district,
        summary=summary[:300],
        detail=scrub(detail or {}),
        is_withheld_from_subject=is_withheld_from_subject,
    )
