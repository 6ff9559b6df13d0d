"""Writes of the employers app: registering and updating establishments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from employers.models import Establishment

FIELDS = ["name", "kind", "sector", "address", "district", "block", "pan", "gstin",
          "workers_count", "contact_phone"]


def _check(establishment: Establishment) -> None:
    if establishment.block_id and establishment.block.district_id != establishment.district_id:
        raise ValidationError({"block": _("That block is not in the district chosen.")})
    if establishment.gstin and establishment.gstin[2:12] != establishment.pan:
        raise ValidationError({"gstin": _("The GSTIN does not carry this PAN.")})


@transaction.atomic
def establishment_register(*, actor, data: dict, request=None) -> Establishment:
    """Register an employer's establishment (the employer is its owner)."""
    if not actor.has_role(R.EMPLOYER):
        raise ValidationError(_("Only an employer's account registers establishments."),
                              code="not_employer")
    establishment = Establishment(owner=actor, **{k: v for k, v in data.items() if k in FIELDS})
    _check(establishment)
    try:
        with transaction.atomic():
            establishment.save()
    except IntegrityError:
        raise ValidationError({"name": _("You have already registered an establishment of this "
                                         "name in this district.")}) from None
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=establishment, district=establishment.district,
                       summary=f"establishment registered ({establishment.kind})")
    return establishment


@transaction.atomic
def establishment_update(*, actor, establishment_id: int, data: dict,
                         request=None) -> Establishment:
    """Update an establishment's details (its owner; history keeps the old values)."""
    establishment = (scoped(actor, Establishment).select_for_update()
                     .filter(pk=establishment_id, owner=actor).first())
    if establishment is None:
        raise Establishment.DoesNotExist(establishment_id)
    for field in FIELDS:
        if field in data and field != "kind":
            setattr(establishment, field, data[field])
    _check(establishment)
    establishment.save()
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=establishment, district=establishment.district,
                       summary="establishment updated")
    return establishment
