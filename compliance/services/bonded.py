"""Writes of bonded labour cases: rescue, hand-over, assistance, package, legal action.

Every service owns its transaction, checks jurisdiction, writes its audit event and
recomputes the case's stage (``compliance.rules``). Payments go through welfare's
payment batches (``welfare.services.payment_request_create``, the one sibling call
DECISIONS allows); ``case_payments_sync`` then copies the bank's answer back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import rules
from compliance.models import BondedCase, RehabComponent, RescueOperation
from compliance.services.common import case_number, require_case_role, require_district
from core.audit import audit_event_record
from core.models import AuditEvent, District, State
from core.scoping import scoped
from registration.models import Worker

# Fields an officer keys about the person, the employer and the release certificate.
CASE_FIELDS = ["name", "relative_name", "gender", "age", "mobile", "address", "origin_district",
               "released_on", "category", "employer_name", "employer_address", "work",
               "advance_amount", "bonded_since", "certificate_number", "certificate_on",
               "certificate_magistrate"]
LEGAL_FIELDS = ["fir_police_station", "fir_number", "fir_on", "fir_sections", "chargesheet_on",
                "court_name", "court_case_number", "outcome", "outcome_on", "penalty"]
ASSISTANCE_SCHEME = "blia"
PACKAGE_SCHEME = "blrh"


def _audit(*, actor, case: BondedCase, summary: str, request=None, detail=None) -> None:
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=case, district=case.origin_district, summary=summary,
                       detail=detail)


def _locked(*, actor, case_id: int) -> BondedCase:
    """Lock a case the actor may keep (others are not found, as in the views)."""
    require_case_role(actor)
    case = scoped(actor, BondedCase).select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise BondedCase.DoesNotExist(case_id)
    return case


def _restage(case: BondedCase) -> None:
    case.stage = rules.bonded_stage(case, list(case.components.all()))
    case.legal_stage = rules.legal_stage(case)


def _check_dates(case: BondedCase) -> None:
    today = timezone.localdate()
    if case.released_on > today:
        raise ValidationError({"released_on": _("The date of release cannot be in the future.")})
    if case.certificate_on and case.certificate_on < case.released_on:
        raise ValidationError({"certificate_on": _(
            "The release certificate cannot be dated before the release.")})
    if case.bonded_since and case.bonded_since > case.released_on:
        raise ValidationError({"bonded_since": _("Bondage must begin before the release.")})


@transaction.atomic
def rescue_operation_create(*, actor, data: dict, request=None) -> RescueOperation:
    """Record a rescue operation, in this state (with its district) or in another state."""
    state: State = data["state"]
    district: District | None = data.get("district")
    if state.code == settings.PORTAL_STATE_CODE:
        if district is None:
            raise ValidationError({"district": _("Choose the district of the rescue.")})
        require_district(actor, district)
        data["place_district_name"] = ""
    else:
        district = data["district"] = None
        if not data.get("place_district_name"):
            raise ValidationError({"place_district_name": _(
                "Name the district of the other state.")})
        require_case_role(actor)
    if district is not None and district.state_id != state.pk:
        raise ValidationError({"district": _("That district is not in the state chosen.")})
    if data["rescued_on"] > timezone.localdate():
        raise ValidationError({"rescued_on": _("The date of rescue cannot be in the future.")})
    operation = RescueOperation.objects.create(created_by=actor, **data)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=operation, district=district, summary="rescue operation recorded")
    return operation


@transaction.atomic
def bonded_case_create(*, actor, operation_id: int, data: dict, certificate=None,
                       request=None) -> BondedCase:
    """Record one released person of an operation; the case is numbered BL-year-n.

    The officer keys it for their own district: the district of release, or the
    person's home district (a release in another state is created at home).
    """
    # A release in another state has no district here, so scoping shows its operation
    # only once it has a case from the officer's district: the officer who recorded it
    # must still reach it to key the first person (require_district checks the home).
    operation = RescueOperation.objects.filter(
        Q(pk__in=scoped(actor, RescueOperation).values("pk")) | Q(district__isnull=True),
    ).get(pk=operation_id)
    data = {**data}
    data.setdefault("released_on", operation.rescued_on)
    if data["released_on"] is None:
        data["released_on"] = operation.rescued_on
    origin = data["origin_district"]
    if operation.district_id is None or operation.district_id not in actor.district_ids:
        require_district(actor, origin)
    else:
        require_district(actor, operation.district)
    case = BondedCase(number=case_number("BL", timezone.localdate()), operation=operation,
                      release_district=operation.district, created_by=actor, **data)
    if certificate is not None:
        case.certificate_file = certificate
    _check_dates(case)
    case.next_visit_on = rules.next_visit_after(case.released_on)
    case.save()
    _audit(actor=actor, case=case, request=request, summary="case recorded")
    return case


@transaction.atomic
def bonded_case_update(*, actor, case_id: int, data: dict, certificate=None,
                       request=None) -> BondedCase:
    """Correct the person, employer or release certificate of a case (history keeps the old)."""
    case = _locked(actor=actor, case_id=case_id)
    if "origin_district" in data and data["origin_district"] != case.origin_district:
        raise ValidationError({"origin_district": _(
            "The home district changes by handing the case over.")})
    for field in CASE_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    if certificate is not None:
        case.certificate_file = certificate
    if case.assistance_paid_on and case.assistance_paid_on < case.released_on:
        raise ValidationError({"released_on": _(
            "Assistance was paid on %(date)s; the release cannot come after it.")
            % {"date": case.assistance_paid_on.strftime("%d/%m/%Y")}})
    _check_dates(case)
    case.save()
    _audit(actor=actor, case=case, request=request, summary="case details corrected")
    return case


@transaction.atomic
def bonded_case_hand_over(*, actor, case_id: int, district: District,
                          request=None) -> BondedCase:
    """Hand a case over to the person's home district, which then assists and rehabilitates.

    The district of release keeps seeing the case; the home district sees it from now on.
    """
    case = _locked(actor=actor, case_id=case_id)
    if district.state.code != settings.PORTAL_STATE_CODE:
        raise ValidationError(_("A case is handed over to a district of this state."))
    if district.pk == case.origin_district_id:
        raise ValidationError(_("The case is already with %(district)s.")
                              % {"district": district.name})
    if case.assistance_payment_id and not case.assistance_paid_on:
        raise ValidationError(_(
            "Immediate assistance has been asked for from this district; wait until it is "
            "paid before handing the case over."), code="payment_open")
    previous = case.origin_district
    case.handed_over_from = previous
    case.handed_over_at = timezone.now()
    case.origin_district = district
    case.save()
    _audit(actor=actor, case=case, request=request,
           summary=f"handed over from {previous.name_en} to {district.name_en}")
    return case


@transaction.atomic
def bonded_case_worker_link(*, actor, case_id: int, registration_number: str,
                            request=None) -> BondedCase:
    """Link the case to the person's registration (found among the workers the actor sees)."""
    case = _locked(actor=actor, case_id=case_id)
    worker = scoped(actor, Worker).filter(
        registration_number=registration_number.strip().upper()).first()
    if worker is None:
        raise ValidationError({"registration_number": _(
            "No worker with that registration number in your jurisdiction.")})
    case.worker = worker
    case.save(update_fields=["worker", "updated_at"])
    _audit(actor=actor, case=case, request=request, summary="linked to a worker")
    return case


@transaction.atomic
def bonded_case_worker_start(*, actor, case_id: int, request=None) -> Worker:
    """Start a registration draft for the rescued person in their home district."""
    from registration.services import worker_draft_create

    case = _locked(actor=actor, case_id=case_id)
    if case.worker_id:
        raise ValidationError(_("This person is already linked to a registration."))
    if not case.mobile:
        raise ValidationError(_("Record the person's mobile number first; the registration "
                                "needs one."), code="no_mobile")
    require_district(actor, case.origin_district)
    worker = worker_draft_create(actor=actor, channel=Worker.Channel.OFFICER, mobile=case.mobile,
                                 district=case.origin_district, request=request)
    case.worker = worker
    case.save(update_fields=["worker", "updated_at"])
    _audit(actor=actor, case=case, request=request, summary="registration started")
    return worker


def _refuse_if_assisted(case: BondedCase) -> None:
    if case.assistance_paid_on:
        raise ValidationError(_("Immediate assistance was already paid on %(date)s.")
                              % {"date": case.assistance_paid_on.strftime("%d/%m/%Y")},
                              code="already_paid")
    if case.assistance_payment_id:
        raise ValidationError(_("Immediate assistance has been asked for through a payment "
                                "batch; it is recorded when the bank pays it."),
                              code="payment_open")


@transaction.atomic
def bonded_assistance_record(*, actor, case_id: int, amount: Decimal, paid_on: date,
                             request=None) -> BondedCase:
    """Record immediate assistance the district paid itself (cash or its own account)."""
    case = _locked(actor=actor, case_id=case_id)
    require_district(actor, case.origin_district)
    _refuse_if_assisted(case)
    if amount <= 0 or amount > settings.COMPLIANCE_ASSISTANCE_AMOUNT:
        raise ValidationError({"amount": _("Immediate assistance is up to ₹%(max)s.")
                               % {"max": settings.COMPLIANCE_ASSISTANCE_AMOUNT}})
    if paid_on > timezone.localdate() or paid_on < case.released_on:
        raise ValidationError({"paid_on": _("The payment date falls between the release and "
                                            "today.")})
    case.assistance_amount = amount
    case.assistance_paid_on = paid_on
    _restage(case)
    case.save()
    _audit(actor=actor, case=case, request=request, summary="immediate assistance paid",
           detail={"amount": str(amount), "days": (paid_on - case.released_on).days})
    return case


@transaction.atomic
def bonded_assistance_request(*, actor, case_id: int, request=None) -> BondedCase:
    """Ask welfare to pay the immediate assistance in its next payment batch."""
    from welfare.services import payment_request_create

    case = _locked(actor=actor, case_id=case_id)
    require_district(actor, case.origin_district)
    if case.assistance_paid_on:
        _refuse_if_assisted(case)
    if case.worker_id is None:
        raise ValidationError(_("Link the person's registration first: the payment goes to the "
                                "bank account recorded there."), code="no_worker")
    amount = Decimal(settings.COMPLIANCE_ASSISTANCE_AMOUNT)
    payment = payment_request_create(actor=actor, worker_id=case.worker_id,
                                     scheme_code=ASSISTANCE_SCHEME, amount=amount,
                                     reference=f"{case.number}/assistance", request=request)
    if payment.pk == case.assistance_payment_id:
        return case  # asked again (a repeated click): welfare found the live request
    case.assistance_payment = payment
    case.assistance_amount = amount
    case.save(update_fields=["assistance_payment", "assistance_amount", "updated_at"])
    _audit(actor=actor, case=case, request=request, summary="immediate assistance requested",
           detail={"payment": payment.number})
    return case


@transaction.atomic
def rehab_component_save(*, actor, case_id: int, kind: str, amount: Decimal | None,
                         status: str, status_on: date, details: str = "",
                         request=None) -> RehabComponent:
    """Add or update one component of the package; the package total stays within the
    amount of the person's category."""
    case = _locked(actor=actor, case_id=case_id)
    require_district(actor, case.origin_district)
    if status_on > timezone.localdate():
        raise ValidationError({"status_on": _("The date cannot be in the future.")})
    component = case.components.filter(kind=kind).first() or RehabComponent(case=case, kind=kind)
    if component.payment_id and amount != component.amount:
        raise ValidationError({"amount": _("This component's payment has been asked for; its "
                                           "amount can no longer change.")})
    others = (case.components.exclude(kind=kind).aggregate(total=Sum("amount"))["total"]
              or Decimal(0))
    limit = rules.package_amount(case.category)
    if amount is not None and others + amount > limit:
        raise ValidationError({"amount": _(
            "The package of this category is ₹%(limit)s; ₹%(others)s is already planned in other "
            "components.") % {"limit": limit, "others": others}})
    component.amount = amount
    component.status = status
    component.status_on = status_on
    component.details = details
    component.save()
    _restage(case)
    case.save()
    _audit(actor=actor, case=case, request=request,
           summary=f"rehabilitation {kind}: {status}")
    return component


@transaction.atomic
def rehab_component_payment_request(*, actor, case_id: int, kind: str,
                                    request=None) -> RehabComponent:
    """Ask welfare to pay a component's amount in its next payment batch."""
    from welfare.services import payment_request_create

    case = _locked(actor=actor, case_id=case_id)
    require_district(actor, case.origin_district)
    component = case.components.select_for_update().get(kind=kind)
    if component.payment_id:
        return component
    if component.status == RehabComponent.Status.DONE:
        raise ValidationError(_("This component is already done; it is not paid again."),
                              code="already_done")
    if not component.amount:
        raise ValidationError(_("Give the component an amount first."), code="no_amount")
    if case.worker_id is None:
        raise ValidationError(_("Link the person's registration first: the payment goes to the "
                                "bank account recorded there."), code="no_worker")
    component.payment = payment_request_create(
        actor=actor, worker_id=case.worker_id, scheme_code=PACKAGE_SCHEME,
        amount=component.amount, reference=f"{case.number}/{kind}", request=request)
    component.status = RehabComponent.Status.IN_PROGRESS
    component.status_on = timezone.localdate()
    component.save()
    _restage(case)
    case.save()
    _audit(actor=actor, case=case, request=request, summary=f"rehabilitation {kind} requested",
           detail={"payment": component.payment.number})
    return component


@transaction.atomic
def bonded_legal_save(*, actor, case_id: int, data: dict, request=None) -> BondedCase:
    """Record the FIR, charge sheet, court case and outcome against the employer."""
    case = _locked(actor=actor, case_id=case_id)
    for field in LEGAL_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    today = timezone.localdate()
    errors = {}
    if case.fir_on and case.fir_on > today:
        errors["fir_on"] = _("The FIR date cannot be in the future.")
    if case.fir_number and not (case.fir_on and case.fir_police_station):
        errors["fir_on"] = _("Give the FIR's date and police station with its number.")
    if case.chargesheet_on and not case.fir_number:
        errors["chargesheet_on"] = _("A charge sheet follows an FIR: record the FIR first.")
    if case.chargesheet_on and case.fir_on and case.chargesheet_on < case.fir_on:
        errors["chargesheet_on"] = _("The charge sheet cannot come before the FIR.")
    if case.chargesheet_on and case.chargesheet_on > today:
        errors["chargesheet_on"] = _("The date of the charge sheet cannot be in the future.")
    if case.outcome != "pending" and not (case.court_case_number and case.outcome_on):
        errors["outcome_on"] = _("An outcome needs the court case number and the date of "
                                 "judgment.")
    if case.outcome_on and case.outcome_on > today:
        errors["outcome_on"] = _("The date of judgment cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    _restage(case)
    case.save()
    _audit(actor=actor, case=case, request=request, summary=f"legal action: {case.legal_stage}")
    return case


def case_payments_sync(*, today: date | None = None) -> dict:
    """Copy paid payment requests back into their cases (run by beat; idempotent).

    Assistance paid by the bank sets the case's payment date; a paid component is done.
    A failed payment stays with welfare, which corrects and re-sends it.
    """
    from welfare.models import Application

    paid = Application.Status.PAID
    assisted = components_done = 0
    with transaction.atomic():
        for case in (BondedCase.objects.select_for_update(of=("self",))
                     .filter(assistance_paid_on__isnull=True,
                             assistance_payment__status=paid)
                     .select_related("assistance_payment")):
            case.assistance_paid_on = max(case.assistance_payment.paid_on or case.released_on,
                                          case.released_on)
            _restage(case)
            case.save()
            assisted += 1
        touched = set()
        for component in (RehabComponent.objects.select_for_update(of=("self",))
                          .filter(payment__status=paid)
                          .exclude(status=RehabComponent.Status.DONE)
                          .select_related("payment")):
            component.status = RehabComponent.Status.DONE
            component.status_on = component.payment.paid_on or timezone.localdate()
            component.save()
            touched.add(component.case_id)
            components_done += 1
        for case in BondedCase.objects.select_for_update().filter(pk__in=touched):
            _restage(case)
            case.save()
    return {"assisted": assisted, "components_done": components_done}
