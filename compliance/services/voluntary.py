"""Writes of voluntary compliance: an establishment's yearly self-certification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import SELF_CERTIFICATION_ACTS, Factory, SelfCertification
from core.audit import audit_event_record
from core.models import AuditEvent
from employers.models import Establishment


@transaction.atomic
def self_certify(*, actor, establishment_id: int, acts: list[str], is_declared: bool,
                 registers, request=None) -> SelfCertification:
    """Record the employer's self-certification for this year (once a year).

    A certifier is left out of routine inspections except a random sample; a
    certification found false in an inspection is revoked (see inspection_report_save).
    """
    establishment = (Establishment.objects.select_for_update()
                     .filter(pk=establishment_id, owner=actor).first())
    if establishment is None:
        raise Establishment.DoesNotExist(establishment_id)
    known = {code for code, _label in SELF_CERTIFICATION_ACTS}
    chosen = [code for code in acts if code in known]
    errors = {}
    if not chosen:
        errors["acts"] = _("Tick the acts you comply with.")
    if not is_declared:
        errors["is_declared"] = _("Confirm the declaration to certify.")
    if registers is None:
        errors["registers"] = _("Attach your registers (PDF).")
    if errors:
        raise ValidationError(errors)
    year = timezone.localdate().year
    if SelfCertification.objects.filter(establishment=establishment, year=year).exists():
        raise ValidationError(_("This establishment has already self-certified for %(year)s.")
                              % {"year": year}, code="exists")
    try:
        with transaction.atomic():
            certification = SelfCertification.objects.create(
                establishment=establishment, district=establishment.district, year=year,
                checklist={code: True for code in chosen}, registers=registers,
                submitted_by=actor)
    except IntegrityError:
        raise ValidationError(_("This establishment has already self-certified for "
                                "%(year)s.") % {"year": year}, code="exists") from None
    factory = Factory.objects.filter(establishment=establishment).first()
    if factory is not None:
        from compliance.services.safety import factory_risk_refresh

        factory_risk_refresh(factory_id=factory.pk)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=certification, district=establishment.district,
                       summary=f"self-certified for {year}")
    return certification
