"""Writes of the scheme catalogue: the state admin creates and edits schemes and their slabs."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent
from welfare.models import Application, Scheme, SchemeSlab

SCHEME_FIELDS = [
    "code", "name_en", "name_hi", "description_en", "description_hi", "categories",
    "min_membership_days", "gender", "min_age", "max_age", "beneficiary", "limit_count",
    "limit_scope", "limit_period", "amount", "documents", "opens_on", "closes_on",
    "budget_head", "budget_amount", "is_active",
]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _check(data: dict, slabs: list[dict]) -> None:
    errors: dict[str, list[str]] = {}
    if data.get("amount") is None and not slabs:
        errors.setdefault("amount", []).append(
            _("Give the amount, or at least one slab with its amount."))
    if data.get("amount") is not None and slabs:
        errors.setdefault("amount", []).append(
            _("Give either one amount or slabs, not both (leave the amount empty for slabs)."))
    if data.get("min_age") is not None and data.get("max_age") is not None \
            and data["min_age"] > data["max_age"]:
        errors.setdefault("max_age", []).append(
            _("The maximum age cannot be less than the minimum age."))
    if data.get("opens_on") and data.get("closes_on") and data["opens_on"] > data["closes_on"]:
        errors.setdefault("closes_on", []).append(
            _("The closing date cannot be before the opening date."))
    for slab in slabs:
        if slab.get("amount") is None or Decimal(slab["amount"]) <= 0:
            errors.setdefault(None, []).append(_("Every slab needs an amount above zero."))
            break
    if errors:
        raise ValidationError({key or "__all__": value for key, value in errors.items()})


@transaction.atomic
def scheme_save(*, actor, scheme: Scheme | None, data: dict, slabs: list[dict],
                request=None) -> Scheme:
    """Create a scheme (``scheme`` None) or change one, with its slabs; audit what changed.

    ``slabs`` are dicts of ``label_en``, ``label_hi``, ``amount`` and, for an existing
    slab, its ``id``; existing slabs not listed are removed, unless an application
    names them (its amount came from that slab).
    """
    _check(data, slabs)
    is_new = scheme is None
    if is_new:
        scheme = Scheme()
        if Scheme.objects.filter(code=data.get("code")).exists():
            raise ValidationError({"code": [_("A scheme with this code exists already.")]})
    else:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    changes = {}
    for name in SCHEME_FIELDS:
        if name not in data:
            continue
        if name == "code" and not is_new:
            continue  # the code is printed in payment files and URLs: it never changes
        old, new = getattr(scheme, name), data[name]
        if is_new or _text(old) != _text(new):
            changes[name] = [_text(old) if not is_new else "", _text(new)]
        setattr(scheme, name, new)
    scheme.save()

    existing = {slab.pk: slab for slab in scheme.slabs.all()} if not is_new else {}
    kept = set()
    for order, entry in enumerate(slabs):
        slab = existing.get(entry.get("id")) if entry.get("id") else None
        if slab is None:
            slab = SchemeSlab(scheme=scheme)
            changes.setdefault("slabs_added", []).append(entry["label_en"])
        else:
            kept.add(slab.pk)
            if (slab.label_en, slab.label_hi, slab.amount) != (
                    entry["label_en"], entry["label_hi"], entry["amount"]):
                changes.setdefault("slabs_changed", []).append(
                    f"{slab.label_en} {slab.amount} -> {entry['label_en']} {entry['amount']}")
        slab.label_en, slab.label_hi = entry["label_en"], entry["label_hi"]
        slab.amount, slab.order = entry["amount"], order
        slab.save()
    removed = [slab for pk, slab in existing.items() if pk not in kept]
    if removed:
        used = set(Application.objects.filter(slab__in=removed).values_list("slab_id",
                                                                            flat=True))
        if used:
            names = ", ".join(slab.label_en for slab in removed if slab.pk in used)
            raise ValidationError(_("Slabs already used by applications cannot be removed: "
                                    "%(slabs)s.") % {"slabs": names}, code="slab_in_use")
        changes["slabs_removed"] = [slab.label_en for slab in removed]
        SchemeSlab.objects.filter(pk__in=[slab.pk for slab in removed]).delete()

    audit_event_record(action=AuditEvent.Action.ADMIN, request=request, actor=actor,
                       obj=scheme, summary=f"scheme {scheme.code} "
                       f"{'created' if is_new else 'changed'}",
                       detail={"changes": changes})
    return scheme
