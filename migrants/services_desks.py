"""Writes of help desks: the state admin opens, edits and closes them."""

from __future__ import annotations

from django.db import transaction

from core.audit import audit_event_record
from core.models import AuditEvent
from migrants.models import HelpDesk

DESK_FIELDS = ["name_en", "name_hi", "state", "city", "address", "phone", "email",
               "is_active"]


@transaction.atomic
def help_desk_save(*, actor, desk: HelpDesk | None, data: dict, staff, request=None) -> HelpDesk:
    """Create a help desk (``desk`` None) or change one, with its staff; audit the change.

    The row is reloaded under its lock, so two admins saving at once each see the
    other's change in their audit row instead of silently overwriting a stale copy.
    """
    values = {field: data[field] for field in DESK_FIELDS if field in data}
    if desk is None or desk.pk is None:
        desk = HelpDesk.objects.create(**values)
        changed = sorted(values)
        summary = "help desk created"
    else:
        desk = HelpDesk.objects.select_for_update().get(pk=desk.pk)
        changed = sorted(field for field, value in values.items()
                         if getattr(desk, field) != value)
        for field, value in values.items():
            setattr(desk, field, value)
        desk.save()
        summary = "help desk updated"
    staff_ids = sorted(user.pk for user in staff)
    before = sorted(desk.staff.values_list("pk", flat=True))
    if staff_ids != before:
        desk.staff.set(staff_ids)
        changed.append("staff")
    audit_event_record(action=AuditEvent.Action.ADMIN, request=request, actor=actor, obj=desk,
                       summary=summary + (" (closed)" if not desk.is_active else ""),
                       detail={"changed": changed, "staff": staff_ids})
    return desk
