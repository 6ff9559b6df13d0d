"""Writes of factory safety: factories, the monthly inspection plan, inspection reports,
the employer's compliance, accidents, safety committees and training workshops.

Risk is recomputed (``factory_risk_refresh``) whenever its inputs change: a factory's
details, an accident, an inspection report, a self-certification.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance import rules
from compliance.models import (
    CHECKLIST,
    Accident,
    CommitteeMeeting,
    CommitteeMember,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
    WorkshopAttendance,
)
from core.audit import audit_event_record
from core.models import AuditEvent, District
from core.roles import RoleCode as R
from core.scoping import scoped
from core.selectors import district_officials
from core.services import officials_notify
from employers.models import Establishment

INSPECTORS = (R.SAFETY_INSPECTOR, R.STATE_ADMIN)


def _audit(*, actor, obj, district, summary: str, request=None, detail=None) -> None:
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=obj, district=district, summary=summary, detail=detail)


def _require_inspector(actor, district) -> None:
    if not actor.has_role(*INSPECTORS):
        raise ValidationError(_("Only a safety inspector may do this."), code="not_inspector")
    if not actor.has_role(R.STATE_ADMIN) and (district is None
                                              or district.pk not in actor.district_ids):
        raise ValidationError(_("That district is outside your jurisdiction."),
                              code="out_of_jurisdiction")


def _own_or_inspector(actor, factory: Factory) -> None:
    """The factory's employer, or an inspector of its district."""
    if actor.has_role(R.EMPLOYER) and factory.establishment.owner_id == actor.pk:
        return
    _require_inspector(actor, factory.district)


def _factory(actor, factory_id: int, *, lock: bool = False) -> Factory:
    factories = scoped(actor, Factory).select_related("establishment", "district")
    if lock:
        factories = factories.select_for_update(of=("self",))
    factory = factories.filter(pk=factory_id).first()
    if factory is None:
        raise Factory.DoesNotExist(factory_id)
    return factory


def is_certifier(establishment_id: int, *, on: date | None = None) -> bool:
    """Return whether the establishment holds a valid self-certification for the year."""
    year = (on or timezone.localdate()).year
    return SelfCertification.objects.filter(establishment_id=establishment_id, year=year,
                                            status=SelfCertification.Status.VALID).exists()


def factory_risk_refresh(*, factory_id: int, on: date | None = None) -> Factory:
    """Recompute a factory's risk score and category from what is on record."""
    on = on or timezone.localdate()
    factory = Factory.objects.select_related("establishment").get(pk=factory_id)
    since = timezone.make_aware(datetime.combine(on - timedelta(days=3 * 365), datetime.min.time()))
    accidents = factory.accidents.filter(occurred_at__gte=since).aggregate(
        fatal=Count("pk", filter=Q(severity=Accident.Severity.FATAL)),
        serious=Count("pk", filter=Q(severity=Accident.Severity.SERIOUS)))
    open_violations = factory.inspections.filter(compliance__in=[
        Inspection.Compliance.PENDING, Inspection.Compliance.SUBMITTED]).count()
    score, category = rules.factory_risk(
        sector=factory.establishment.sector, is_hazardous=factory.is_hazardous,
        workers=factory.workers_employed, fatal_accidents=accidents["fatal"],
        serious_accidents=accidents["serious"], open_violations=open_violations,
        is_certifier=is_certifier(factory.establishment_id, on=on))
    if (score, category) != (factory.risk_score, factory.risk_category):
        factory.risk_score, factory.risk_category = score, category
        factory.save(update_fields=["risk_score", "risk_category", "updated_at"])
    return factory


FACTORY_FIELDS = ["licence_number", "licence_valid_until", "workers_employed", "is_hazardous"]


@transaction.atomic
def factory_register(*, actor, establishment_id: int, data: dict, request=None) -> Factory:
    """Register the licence and safety profile of an employer's factory."""
    establishment = (Establishment.objects.select_for_update()
                     .filter(pk=establishment_id, owner=actor).first())
    if establishment is None:
        raise Establishment.DoesNotExist(establishment_id)
    if establishment.kind != Establishment.Kind.FACTORY:
        raise ValidationError(_("Only an establishment of type factory has a factory licence."))
    if Factory.objects.filter(establishment=establishment).exists():
        raise ValidationError(_("This factory is already registered."), code="exists")
    if Factory.objects.filter(licence_number=data["licence_number"]).exists():
        raise ValidationError({"licence_number": _(
            "A factory with this licence number is already registered.")})
    factory = Factory.objects.create(establishment=establishment,
                                     district=establishment.district,
                                     **{k: data[k] for k in FACTORY_FIELDS if k in data})
    factory = factory_risk_refresh(factory_id=factory.pk)
    _audit(actor=actor, obj=factory, district=factory.district, request=request,
           summary=f"factory registered, risk {factory.risk_category}")
    return factory


@transaction.atomic
def factory_update(*, actor, factory_id: int, data: dict, request=None) -> Factory:
    """Update a factory's licence and profile (its employer or an inspector)."""
    factory = _factory(actor, factory_id, lock=True)
    _own_or_inspector(actor, factory)
    if Factory.objects.filter(licence_number=data.get("licence_number", ""),
                              ).exclude(pk=factory.pk).exists():
        raise ValidationError({"licence_number": _(
            "A factory with this licence number is already registered.")})
    for field in FACTORY_FIELDS:
        if field in data:
            setattr(factory, field, data[field])
    factory.save()
    factory = factory_risk_refresh(factory_id=factory.pk)
    _audit(actor=actor, obj=factory, district=factory.district, request=request,
           summary="factory updated")
    return factory


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_back(month: date, months: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 - months, 12)
    return date(year, index + 1, 1)


@transaction.atomic
def inspection_plan_month(*, actor, district: District, month: date, seed: int | None = None,
                          request=None) -> dict:
    """Plan the month's risk-based inspections of a district and assign them to inspectors.

    High-risk factories are inspected every month; medium- and low-risk ones when their
    rota comes (not inspected in the last COMPLIANCE_MEDIUM/LOW_ROTA_MONTHS months);
    self-certifiers are left out of all of it except a random sample of
    COMPLIANCE_CERTIFIER_SAMPLE_SHARE of them. Planning twice adds nothing.
    """
    _require_inspector(actor, district)
    month = _month_start(month)
    rng = random.Random(seed)
    year = month.year
    certifiers = set(SelfCertification.objects.filter(
        year=year, status=SelfCertification.Status.VALID,
        establishment__district=district).values_list("establishment_id", flat=True))
    last_inspected = dict(Inspection.objects.filter(
        factory__district=district, status=Inspection.Status.DONE)
        # The day it was inspected, not the month it was planned for (a visit may be late).
        .values("factory_id").annotate(last=Max("inspected_on"))
        .values_list("factory_id", "last"))
    already = set(Inspection.objects.filter(
        district=district, month=month,
        reason__in=[Inspection.Reason.HIGH_RISK, Inspection.Reason.ROTA,
                    Inspection.Reason.SAMPLE]).values_list("factory_id", flat=True))
    rota = {"medium": settings.COMPLIANCE_MEDIUM_ROTA_MONTHS,
            "low": settings.COMPLIANCE_LOW_ROTA_MONTHS}
    chosen: list[tuple[Factory, str]] = []
    for factory in (Factory.objects.filter(district=district, establishment__is_active=True)
                    .order_by("pk")):
        if factory.pk in already:
            continue
        if factory.establishment_id in certifiers:
            if rng.random() < settings.COMPLIANCE_CERTIFIER_SAMPLE_SHARE:
                chosen.append((factory, Inspection.Reason.SAMPLE))
            continue
        if factory.risk_category == "high":
            chosen.append((factory, Inspection.Reason.HIGH_RISK))
            continue
        last = last_inspected.get(factory.pk)
        if last is None or _month_start(last) <= _months_back(month,
                                                              rota[factory.risk_category]):
            chosen.append((factory, Inspection.Reason.ROTA))
    inspectors = list(_district_inspectors(district))
    load = {user.pk: 0 for user in inspectors}
    for user_id, open_count in (Inspection.objects.filter(
            inspector__in=inspectors, status=Inspection.Status.PLANNED)
            .values_list("inspector").annotate(n=Count("pk"))):
        load[user_id] = open_count
    planned = []
    for factory, reason in chosen:
        inspector = min(inspectors, key=lambda user: (load[user.pk], user.pk)) \
            if inspectors else None
        if inspector is not None:
            load[inspector.pk] += 1
        planned.append(Inspection(factory=factory, district=district, month=month,
                                  reason=reason, inspector=inspector))
    Inspection.objects.bulk_create(planned)
    counts = {reason: sum(1 for _f, r in chosen if r == reason)
              for reason in (Inspection.Reason.HIGH_RISK, Inspection.Reason.ROTA,
                             Inspection.Reason.SAMPLE)}
    audit_event_record(action=AuditEvent.Action.JOB, request=request, actor=actor,
                       district=district, object_type="compliance.inspection",
                       summary=f"inspection plan {month:%m/%Y}: {len(planned)} planned",
                       detail={**{str(k): v for k, v in counts.items()},
                               "certifiers": len(certifiers), "seed": seed})
    return {"planned": len(planned), **{str(k): v for k, v in counts.items()},
            "unassigned": sum(1 for item in planned if item.inspector_id is None)}


def _district_inspectors(district: District):
    return district_officials(district=district, roles=[R.SAFETY_INSPECTOR])


@transaction.atomic
def inspection_create(*, actor, factory_id: int, reason: str, request=None) -> Inspection:
    """Open an inspection for a cause (a complaint, an accident), assigned to the actor."""
    factory = _factory(actor, factory_id)
    _require_inspector(actor, factory.district)
    if reason not in (Inspection.Reason.COMPLAINT, Inspection.Reason.ACCIDENT):
        raise ValidationError(_("Routine inspections come from the monthly plan."))
    inspection = Inspection.objects.create(
        factory=factory, district=factory.district, reason=reason,
        month=_month_start(timezone.localdate()),
        inspector=actor if actor.has_role(R.SAFETY_INSPECTOR) else None)
    _audit(actor=actor, obj=inspection, district=factory.district, request=request,
           summary=f"inspection opened ({reason})")
    return inspection


def _locked_inspection(actor, inspection_id: int) -> Inspection:
    inspection = (scoped(actor, Inspection).select_for_update(of=("self",))
                  .select_related("factory__establishment", "district")
                  .filter(pk=inspection_id).first())
    if inspection is None:
        raise Inspection.DoesNotExist(inspection_id)
    return inspection


@transaction.atomic
def inspection_report_save(*, actor, inspection_id: int, inspected_on: date, checklist: dict,
                           violations: str, directions: str,
                           compliance_due_on: date | None, is_false_certification: bool = False,
                           request=None) -> Inspection:
    """Record an inspection's findings; violations call for compliance by a deadline.

    Finding a self-certification false revokes it.
    """
    inspection = _locked_inspection(actor, inspection_id)
    _require_inspector(actor, inspection.district)
    today = timezone.localdate()
    codes = {code for code, _label in CHECKLIST}
    checklist = {code: bool(value) for code, value in checklist.items() if code in codes}
    failed = [code for code, ok in checklist.items() if not ok]
    errors = {}
    if inspected_on > today:
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    if (failed or violations.strip()) and not compliance_due_on:
        errors["compliance_due_on"] = _("Violations were found: give the date to comply by.")
    if compliance_due_on and compliance_due_on <= inspected_on:
        errors["compliance_due_on"] = _("The date to comply by comes after the inspection.")
    if (failed or violations.strip()) and not directions.strip():
        errors["directions"] = _("Violations were found: write the directions to the employer.")
    if errors:
        raise ValidationError(errors)
    inspection.inspected_on = inspected_on
    inspection.checklist = checklist
    inspection.violations = violations
    inspection.directions = directions
    inspection.status = Inspection.Status.DONE
    has_violations = bool(failed or violations.strip())
    inspection.compliance = (Inspection.Compliance.PENDING if has_violations
                             else Inspection.Compliance.NONE)
    inspection.compliance_due_on = compliance_due_on if has_violations else None
    inspection.is_false_certification = is_false_certification
    if inspection.inspector_id is None and actor.has_role(R.SAFETY_INSPECTOR):
        inspection.inspector = actor
    inspection.save()
    if is_false_certification:
        revoked = SelfCertification.objects.filter(
            establishment_id=inspection.factory.establishment_id,
            status=SelfCertification.Status.VALID).update(
            status=SelfCertification.Status.REVOKED, revoked_at=timezone.now(),
            revoked_reason=_("Found false in inspection on %(date)s.")
            % {"date": inspected_on.strftime("%d/%m/%Y")},
            revoked_by_inspection=inspection)
        if not revoked:
            raise ValidationError({"is_false_certification": _(
                "This establishment holds no valid self-certification.")})
    factory_risk_refresh(factory_id=inspection.factory_id)
    _audit(actor=actor, obj=inspection, district=inspection.district, request=request,
           summary=f"inspection report: {len(failed)} checklist violations",
           detail={"false_certification": is_false_certification})
    return inspection


@transaction.atomic
def inspection_compliance_submit(*, actor, inspection_id: int, note: str, upload=None,
                                 request=None) -> Inspection:
    """The employer reports how the directions were complied with (with proof)."""
    inspection = _locked_inspection(actor, inspection_id)
    if inspection.factory.establishment.owner_id != actor.pk:
        raise Inspection.DoesNotExist(inspection_id)
    if inspection.compliance not in (Inspection.Compliance.PENDING,):
        raise ValidationError(_("There is no compliance awaited on this inspection."),
                              code="wrong_status")
    if not note.strip():
        raise ValidationError({"compliance_note": _("Describe what was done.")})
    inspection.compliance_note = note
    if upload is not None:
        inspection.compliance_file = upload
    inspection.compliance = Inspection.Compliance.SUBMITTED
    inspection.compliance_submitted_at = timezone.now()
    inspection.save()
    _audit(actor=actor, obj=inspection, district=inspection.district, request=request,
           summary="compliance submitted")
    return inspection


@transaction.atomic
def inspection_compliance_review(*, actor, inspection_id: int, is_accepted: bool,
                                 note: str = "", request=None) -> Inspection:
    """The inspector accepts the compliance, or sends it back to the employer."""
    inspection = _locked_inspection(actor, inspection_id)
    _require_inspector(actor, inspection.district)
    if inspection.compliance != Inspection.Compliance.SUBMITTED:
        raise ValidationError(_("No compliance report is waiting for review."),
                              code="wrong_status")
    if not is_accepted and not note.strip():
        raise ValidationError({"note": _("Say what is still missing.")})
    inspection.compliance = (Inspection.Compliance.ACCEPTED if is_accepted
                             else Inspection.Compliance.PENDING)
    if not is_accepted:
        inspection.directions = f"{inspection.directions}\n\n{note}".strip()
    inspection.save()
    factory_risk_refresh(factory_id=inspection.factory_id)
    _audit(actor=actor, obj=inspection, district=inspection.district, request=request,
           summary="compliance accepted" if is_accepted else "compliance sent back")
    return inspection


_FATAL_SMS = gettext_lazy("Shram Portal: FATAL accident at %(factory)s (%(district)s) on "
                          "%(when)s, %(killed)s dead. Investigate at once.")


def _fatal_alert(accident: Accident) -> None:
    """Alert the district's inspectors, labour officers and admin at once (after commit)."""
    when = f"{timezone.localtime(accident.occurred_at):%d/%m/%Y %H:%M}"
    factory = accident.factory.establishment.name
    officials_notify(
        users=district_officials(district=accident.district, roles=[
            R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN]),
        subject=f"FATAL accident: {factory} ({accident.district.name_en})",
        body=(f"A fatal accident was reported at {factory}, {accident.district.name_en}, on "
              f"{when}: {accident.persons_killed} dead, {accident.persons_injured} injured. "
              "Open the portal to investigate."),
        sms=_FATAL_SMS, factory=factory, district=accident.district.name, when=when,
        killed=accident.persons_killed)


@transaction.atomic
def accident_report(*, actor, factory_id: int, data: dict, request=None) -> Accident:
    """Report an accident (the factory's employer or an inspector); a fatal one alerts
    the district at once."""
    factory = _factory(actor, factory_id)
    _own_or_inspector(actor, factory)
    errors = {}
    if data["occurred_at"] > timezone.now():
        errors["occurred_at"] = _("The accident cannot be in the future.")
    if data["severity"] == Accident.Severity.FATAL and not data.get("persons_killed"):
        errors["persons_killed"] = _("A fatal accident: give the number of persons killed.")
    if data["severity"] != Accident.Severity.FATAL and data.get("persons_killed"):
        errors["severity"] = _("Persons were killed: the accident is fatal.")
    if errors:
        raise ValidationError(errors)
    accident = Accident.objects.create(
        factory=factory, district=factory.district, reported_by=actor,
        **{k: data[k] for k in ("occurred_at", "place", "severity", "persons_killed",
                                "persons_injured", "cause") if k in data})
    factory_risk_refresh(factory_id=factory.pk)
    if accident.severity == Accident.Severity.FATAL:
        _fatal_alert(accident)
    _audit(actor=actor, obj=accident, district=factory.district, request=request,
           summary=f"accident reported ({accident.severity})")
    return accident


@transaction.atomic
def accident_investigation_save(*, actor, accident_id: int, investigated_on: date,
                                report: str, upload=None, request=None) -> Accident:
    """Record the inspector's investigation of an accident."""
    accident = (scoped(actor, Accident).select_for_update(of=("self",))
                .select_related("district").filter(pk=accident_id).first())
    if accident is None:
        raise Accident.DoesNotExist(accident_id)
    _require_inspector(actor, accident.district)
    if investigated_on > timezone.localdate() or investigated_on < timezone.localtime(
            accident.occurred_at).date():
        raise ValidationError({"investigated_on": _(
            "The investigation falls between the accident and today.")})
    if not report.strip():
        raise ValidationError({"investigation": _("Write the investigation's findings.")})
    accident.investigated_on = investigated_on
    accident.investigation = report
    accident.investigated_by = actor
    if upload is not None:
        accident.investigation_file = upload
    accident.save()
    _audit(actor=actor, obj=accident, district=accident.district, request=request,
           summary="accident investigated")
    return accident


@transaction.atomic
def committee_member_add(*, actor, factory_id: int, data: dict,
                         request=None) -> CommitteeMember:
    """Add a member to a factory's safety committee."""
    factory = _factory(actor, factory_id)
    _own_or_inspector(actor, factory)
    member = CommitteeMember.objects.create(factory=factory, **data)
    _audit(actor=actor, obj=factory, district=factory.district, request=request,
           summary=f"committee member added ({member.side})")
    return member


@transaction.atomic
def committee_member_remove(*, actor, factory_id: int, member_id: int, request=None) -> None:
    """Remove a member from a factory's safety committee (history keeps the row)."""
    factory = _factory(actor, factory_id)
    _own_or_inspector(actor, factory)
    factory.committee_members.filter(pk=member_id).delete()
    _audit(actor=actor, obj=factory, district=factory.district, request=request,
           summary="committee member removed")


@transaction.atomic
def committee_meeting_add(*, actor, factory_id: int, held_on: date, minutes,
                          request=None) -> CommitteeMeeting:
    """Record a safety committee meeting with its minutes."""
    factory = _factory(actor, factory_id)
    _own_or_inspector(actor, factory)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The meeting cannot be in the future.")})
    if not factory.committee_members.exists():
        raise ValidationError(_("Add the committee's members before its meetings."))
    meeting = CommitteeMeeting.objects.create(factory=factory, held_on=held_on, minutes=minutes,
                                              recorded_by=actor)
    _audit(actor=actor, obj=factory, district=factory.district, request=request,
           summary="committee meeting recorded")
    return meeting


@transaction.atomic
def workshop_save(*, actor, data: dict, workshop_id: int | None = None,
                  request=None) -> Workshop:
    """Record a training workshop (a district's, or the state's by the state admin)."""
    district = data.get("district")
    if district is None and not actor.has_role(R.STATE_ADMIN):
        raise ValidationError({"district": _("Choose the district of the workshop.")})
    if district is not None:
        _require_inspector(actor, district)
    if workshop_id is None:
        workshop = Workshop(created_by=actor)
    else:
        workshop = scoped(actor, Workshop).select_for_update().get(pk=workshop_id)
    for field in ("district", "held_on", "topic", "trainer", "venue"):
        if field in data:
            setattr(workshop, field, data[field])
    workshop.save()
    _audit(actor=actor, obj=workshop, district=district, request=request,
           summary="workshop saved")
    return workshop


@transaction.atomic
def workshop_attendance_record(*, actor, workshop_id: int, factory_id: int, attendees: int,
                               request=None) -> WorkshopAttendance:
    """Record (or correct) how many people of a factory attended a workshop."""
    workshop = scoped(actor, Workshop).get(pk=workshop_id)
    factory = _factory(actor, factory_id)
    _require_inspector(actor, factory.district)
    if workshop.district_id and workshop.district_id != factory.district_id:
        raise ValidationError({"factory": _("That factory is not in the workshop's district.")})
    if attendees <= 0:
        raise ValidationError({"attendees": _("Give the number who attended.")})
    attendance, _created = WorkshopAttendance.objects.update_or_create(
        workshop=workshop, factory=factory, defaults={"attendees": attendees})
    _audit(actor=actor, obj=workshop, district=factory.district, request=request,
           summary=f"attendance: {factory.pk} x {attendees}")
    return attendance
