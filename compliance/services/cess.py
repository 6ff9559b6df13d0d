"""Writes of the BOC welfare cess: projects, assessments, payments (and their receipts).

The employer self-assesses cess at the configured rate of the cost of construction;
a labour officer may issue an assessment order for a different amount, which then
stands. Payments go through the payment gateway (``compliance.gateway``; simulated
in development) and get a receipt PDF made by a background job. What is still owed,
with interest for late payment, is ``compliance.rules.cess_dues``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import gateway, rules
from compliance.models import CessAssessment, CessPayment, ConstructionProject
from core.audit import audit_event_record
from core.models import AuditEvent
from core.money import rupees
from core.roles import RoleCode as R
from core.scoping import scoped
from core.services import job_create
from employers.models import Establishment

PROJECT_FIELDS = ["name", "site", "estimated_cost", "starts_on", "completes_on",
                  "approval_authority", "approval_number"]


def _audit(*, actor, obj, project, summary: str, request=None, detail=None) -> None:
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=obj, district=project.district, summary=summary, detail=detail)


@transaction.atomic
def project_register(*, actor, establishment_id: int, data: dict,
                     request=None) -> ConstructionProject:
    """Register a construction project of the employer's establishment."""
    establishment = Establishment.objects.filter(pk=establishment_id, owner=actor).first()
    if establishment is None:
        raise Establishment.DoesNotExist(establishment_id)
    if establishment.kind not in (Establishment.Kind.CONSTRUCTION,
                                  Establishment.Kind.CONTRACTOR):
        raise ValidationError(_("Construction projects belong to a builder or a contractor."))
    if data["starts_on"] > data["completes_on"]:
        raise ValidationError({"completes_on": _("Completion comes after the start.")})
    project = ConstructionProject.objects.create(
        establishment=establishment, district=data.get("district") or establishment.district,
        **{k: data[k] for k in PROJECT_FIELDS if k in data})
    _audit(actor=actor, obj=project, project=project, request=request,
           summary="construction project registered")
    return project


def _project(actor, project_id: int) -> ConstructionProject:
    project = (scoped(actor, ConstructionProject).select_for_update(of=("self",))
               .select_related("establishment", "district").filter(pk=project_id).first())
    if project is None:
        raise ConstructionProject.DoesNotExist(project_id)
    return project


def current_assessment(project: ConstructionProject) -> CessAssessment | None:
    """Return the assessment that stands: the latest order, else the latest self-assessment."""
    # Sorted here rather than filtered in SQL so that prefetched assessments (the
    # defaulters' list) cost no query per project.
    assessments = sorted(project.assessments.all(), reverse=True,
                         key=lambda a: (a.kind == CessAssessment.Kind.ORDER, a.assessed_at,
                                        a.pk))
    return assessments[0] if assessments else None


def project_dues(project: ConstructionProject, *, today: date | None = None) -> dict | None:
    """Return what the project owes today (None before any assessment)."""
    assessment = current_assessment(project)
    if assessment is None:
        return None
    payments = [(payment.paid_on, payment.amount) for payment in project.payments.all()]
    dues = rules.cess_dues(amount=assessment.amount, due_on=assessment.due_on,
                           payments=payments, today=today or timezone.localdate())
    return {"assessment": assessment, **dues}


@transaction.atomic
def cess_self_assess(*, actor, project_id: int, cost: Decimal,
                     request=None) -> CessAssessment:
    """The employer declares the cost of construction; cess is the rate of it."""
    project = _project(actor, project_id)
    if project.establishment.owner_id != actor.pk:
        raise ConstructionProject.DoesNotExist(project_id)
    if project.assessments.filter(kind=CessAssessment.Kind.ORDER).exists():
        raise ValidationError(_("An assessment order stands for this project; cess is paid "
                                "as ordered."), code="order_stands")
    if cost <= 0:
        raise ValidationError({"cost": _("Give the cost of construction.")})
    rate = Decimal(str(settings.COMPLIANCE_CESS_RATE))
    assessment = CessAssessment.objects.create(
        project=project, kind=CessAssessment.Kind.SELF, cost=cost, rate=rate,
        amount=rules.cess_amount(cost, rate),
        due_on=timezone.localdate() + timedelta(days=settings.COMPLIANCE_CESS_DUE_DAYS),
        assessed_by=actor)
    _audit(actor=actor, obj=assessment, project=project, request=request,
           summary="cess self-assessed", detail={"cost": str(cost),
                                                 "amount": str(assessment.amount)})
    return assessment


@transaction.atomic
def cess_order_issue(*, actor, project_id: int, cost: Decimal, order_number: str, reason: str,
                     due_on: date | None = None, request=None) -> CessAssessment:
    """A labour officer assesses the cess on a different cost (an assessment order)."""
    project = _project(actor, project_id)
    if not actor.has_role(R.LABOUR_OFFICER, R.STATE_ADMIN):
        raise ValidationError(_("Only a labour officer issues an assessment order."),
                              code="not_officer")
    if not actor.has_role(R.STATE_ADMIN) and project.district_id not in actor.district_ids:
        raise ConstructionProject.DoesNotExist(project_id)
    errors = {}
    if cost <= 0:
        errors["cost"] = _("Give the cost of construction as assessed.")
    if not order_number.strip():
        errors["order_number"] = _("Give the order's number.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the order.")
    if errors:
        raise ValidationError(errors)
    rate = Decimal(str(settings.COMPLIANCE_CESS_RATE))
    assessment = CessAssessment.objects.create(
        project=project, kind=CessAssessment.Kind.ORDER, cost=cost, rate=rate,
        amount=rules.cess_amount(cost, rate), order_number=order_number.strip(), reason=reason,
        due_on=due_on or timezone.localdate() + timedelta(days=settings.COMPLIANCE_CESS_DUE_DAYS),
        assessed_by=actor)
    _audit(actor=actor, obj=assessment, project=project, request=request,
           summary="cess assessment order", detail={"cost": str(cost),
                                                    "amount": str(assessment.amount)})
    return assessment


@transaction.atomic
def cess_pay(*, actor, project_id: int, amount: Decimal, request=None) -> CessPayment:
    """The employer pays cess through the payment gateway; a receipt PDF follows."""
    project = _project(actor, project_id)
    if project.establishment.owner_id != actor.pk:
        raise ConstructionProject.DoesNotExist(project_id)
    dues = project_dues(project)
    if dues is None:
        raise ValidationError(_("Assess the cess before paying it."), code="not_assessed")
    if amount <= 0:
        raise ValidationError({"amount": _("Give the amount to pay.")})
    if amount > dues["total"]:
        raise ValidationError({"amount": _("The amount is more than what is owed (%(total)s).")
                               % {"total": rupees(dues["total"])}})
    reference = gateway.challan_pay(amount=amount, payer=project.establishment.name,
                                    purpose=f"BOC cess {project.pk}")
    payment = CessPayment.objects.create(project=project, district=project.district,
                                         amount=amount, paid_on=timezone.localdate(),
                                         challan_reference=reference, paid_by=actor)
    job_create(actor=actor, kind="cess_receipt", params={"payment_id": payment.pk}, total=1)
    _audit(actor=actor, obj=payment, project=project, request=request,
           summary="cess paid", detail={"amount": str(amount), "challan": reference})
    return payment
