"""Factory safety, BOC cess and voluntary compliance (imported by compliance.models).

* A ``Factory`` is an establishment of type factory with its licence; its risk
  (score and category) is kept by ``compliance.rules.factory_risk`` from sector,
  hazard, size and history, and drives the monthly ``Inspection`` plan.
* ``Accident``s are reported by the employer or an inspector; fatal ones alert the
  district at once. ``SafetyCommittee`` members and meetings, and training
  ``Workshop``s with attendance per factory.
* Cess: a ``ConstructionProject`` is assessed (``CessAssessment``: the employer's
  self-assessment or an officer's order) and paid (``CessPayment``, a challan from
  the payment gateway); interest on late payment is one function in rules.
* ``SelfCertification``: an establishment's yearly voluntary-compliance declaration.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import District, row_events
from employers.models import Establishment

__all__ = ["RiskCategory", "Factory", "CHECKLIST", "Inspection", "Accident", "CommitteeMember",
           "CommitteeMeeting", "Workshop", "WorkshopAttendance", "ConstructionProject",
           "CessAssessment", "CessPayment", "SelfCertification", "SELF_CERTIFICATION_ACTS"]


class RiskCategory(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


@pghistory.track(*row_events())
class Factory(models.Model):
    """A factory's licence and safety profile (one per factory establishment)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT,
                                         related_name="factory",
                                         verbose_name=_("establishment"))
    # Copied from the establishment: scoping and the monthly plan read it.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    licence_number = models.CharField(_("factory licence number"), max_length=50, unique=True)
    licence_valid_until = models.DateField(_("licence valid until"))
    workers_employed = models.PositiveIntegerField(_("workers employed"))
    is_hazardous = models.BooleanField(_("hazardous process"), default=False)
    risk_score = models.PositiveSmallIntegerField(_("risk score"), default=0)
    risk_category = models.CharField(_("risk"), max_length=6, choices=RiskCategory.choices,
                                     default=RiskCategory.LOW)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["establishment__name"]
        verbose_name = _("factory")
        verbose_name_plural = _("factories")
        constraints = [
            models.CheckConstraint(condition=Q(risk_category__in=["high", "medium", "low"]),
                                   name="compliance_factory_risk_valid"),
        ]
        indexes = [
            # The monthly plan and the district's list: factories of a district by risk.
            models.Index(fields=["district", "risk_category"], name="compliance_factory_risk"),
        ]

    def __str__(self):
        return self.establishment.name

    def get_absolute_url(self):
        return reverse("compliance:factory_detail", args=[self.uuid])


# The checklist of an inspection (and of a self-certification's factory part).
CHECKLIST = [
    ("fencing", _("Dangerous machinery fenced and guarded")),
    ("fire", _("Fire exits clear, extinguishers charged")),
    ("ppe", _("Protective equipment given and worn")),
    ("first_aid", _("First-aid boxes and ambulance room")),
    ("welfare", _("Drinking water, latrines, canteen and crèche where required")),
    ("registers", _("Registers of workers, hours and leave kept")),
    ("hazardous_storage", _("Hazardous substances stored and labelled safely")),
    ("medical", _("Medical examination of workers in hazardous processes")),
    ("safety_officer", _("Safety officer appointed where required")),
    ("committee", _("Safety committee formed and meeting")),
]


@pghistory.track(*row_events())
class Inspection(models.Model):
    """An inspection of a factory: planned in the monthly selection, or for a cause."""

    class Reason(models.TextChoices):
        HIGH_RISK = "high_risk", _("High risk (every month)")
        ROTA = "rota", _("Routine (by rota)")
        SAMPLE = "sample", _("Random sample of self-certifiers")
        COMPLAINT = "complaint", _("Complaint")
        ACCIDENT = "accident", _("After an accident")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Inspected")

    class Compliance(models.TextChoices):
        NONE = "none", _("Nothing to comply with")
        PENDING = "pending", _("Awaiting the employer's compliance")
        SUBMITTED = "submitted", _("Compliance submitted, awaiting review")
        ACCEPTED = "accepted", _("Complied")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="inspections",
                                verbose_name=_("factory"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    month = models.DateField(_("month"), help_text=_("The first day of the plan's month."))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="inspections",
                                  verbose_name=_("inspector"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.PLANNED)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    # {item code: True (in order) / False (violation)} over CHECKLIST.
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    violations = models.TextField(_("violations found"), blank=True)
    directions = models.TextField(_("directions to the employer"), blank=True)
    compliance_due_on = models.DateField(_("comply by"), null=True, blank=True)
    compliance = models.CharField(_("compliance"), max_length=10, choices=Compliance.choices,
                                  default=Compliance.NONE)
    compliance_note = models.TextField(_("employer's compliance report"), blank=True)
    compliance_file = models.FileField(_("proof of compliance"), blank=True,
                                       upload_to="compliance/inspections/%Y/")
    compliance_submitted_at = models.DateTimeField(null=True, blank=True)
    is_false_certification = models.BooleanField(
        _("self-certification found false"), default=False,
        help_text=_("Revokes the establishment's voluntary-compliance status."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "factory__establishment__name"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            # The monthly plan takes a factory once a month (a repeated plan adds nothing);
            # inspections for a cause are not limited.
            models.UniqueConstraint(
                fields=["factory", "month"], condition=Q(reason__in=["high_risk", "rota",
                                                                     "sample"]),
                name="compliance_inspection_once_a_month"),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(inspected_on__isnull=False),
                name="compliance_inspection_done_has_date"),
            models.CheckConstraint(
                condition=Q(compliance="none") | Q(compliance_due_on__isnull=False),
                name="compliance_inspection_compliance_has_due"),
        ]
        indexes = [
            # An inspector's list and the district's plan of a month.
            models.Index(fields=["district", "month", "status"],
                         name="compliance_inspection_plan"),
            models.Index(fields=["inspector", "status"], name="compliance_inspection_mine"),
        ]

    def __str__(self):
        return f"{self.factory} ({self.month:%m/%Y})"

    def get_absolute_url(self):
        return reverse("compliance:inspection_detail", args=[self.uuid])


@pghistory.track(*row_events())
class Accident(models.Model):
    """An accident or dangerous occurrence at a factory, and its investigation."""

    class Severity(models.TextChoices):
        FATAL = "fatal", _("Fatal")
        SERIOUS = "serious", _("Serious injury")
        DANGEROUS = "dangerous", _("Dangerous occurrence")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="accidents",
                                verbose_name=_("factory"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("where in the factory"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    persons_killed = models.PositiveSmallIntegerField(_("persons killed"), default=0)
    persons_injured = models.PositiveSmallIntegerField(_("persons injured"), default=0)
    cause = models.TextField(_("what happened"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    investigated_on = models.DateField(_("investigated on"), null=True, blank=True)
    investigation = models.TextField(_("investigation report"), blank=True)
    investigation_file = models.FileField(_("investigation report (file)"), blank=True,
                                          upload_to="compliance/accidents/%Y/")
    investigated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=["fatal", "serious", "dangerous"]),
                                   name="compliance_accident_severity_valid"),
            # A fatal accident killed someone.
            models.CheckConstraint(condition=~Q(severity="fatal") | Q(persons_killed__gt=0),
                                   name="compliance_accident_fatal_has_deaths"),
        ]
        indexes = [
            # The district's accidents this year, by severity (dashboards).
            models.Index(fields=["district", "occurred_at"], name="compliance_accident_year"),
        ]

    def __str__(self):
        return f"{self.factory} ({self.get_severity_display()})"

    def get_absolute_url(self):
        return reverse("compliance:accident_detail", args=[self.uuid])


@pghistory.track(*row_events())
class CommitteeMember(models.Model):
    """A member of a factory's safety committee (management and workers, half each)."""

    class Side(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        WORKERS = "workers", _("Workers")

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE,
                                related_name="committee_members")
    name = models.CharField(_("name"), max_length=150)
    side = models.CharField(_("represents"), max_length=10, choices=Side.choices)
    designation = models.CharField(_("designation"), max_length=100, blank=True)
    joined_on = models.DateField(_("member since"))

    class Meta:
        ordering = ["side", "name"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self):
        return self.name


@pghistory.track(*row_events())
class CommitteeMeeting(models.Model):
    """A meeting of a factory's safety committee, with its minutes."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE,
                                related_name="committee_meetings")
    held_on = models.DateField(_("date of meeting"))
    minutes = models.FileField(_("minutes (PDF or image)"),
                               upload_to="compliance/committees/%Y/")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y}"


@pghistory.track(*row_events())
class Workshop(models.Model):
    """A safety training workshop, at state or district level."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty for a state-level workshop.
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=150)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("training workshop")
        verbose_name_plural = _("training workshops")

    def __str__(self):
        return f"{self.topic} ({self.held_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("compliance:workshop_detail", args=[self.uuid])


@pghistory.track(*row_events())
class WorkshopAttendance(models.Model):
    """How many people of a factory attended a workshop."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="attendance")
    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="attendance")
    attendees = models.PositiveSmallIntegerField(_("attendees"))

    class Meta:
        ordering = ["factory__establishment__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "factory"],
                                    name="compliance_attendance_once"),
            models.CheckConstraint(condition=Q(attendees__gt=0),
                                   name="compliance_attendance_positive"),
        ]

    def __str__(self):
        return f"{self.factory}: {self.attendees}"


@pghistory.track(*row_events())
class ConstructionProject(models.Model):
    """A building or construction work liable to the BOC welfare cess."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT,
                                      related_name="projects",
                                      verbose_name=_("establishment"))
    name = models.CharField(_("project"), max_length=200)
    site = models.TextField(_("site address"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    estimated_cost = models.DecimalField(_("estimated cost of construction (₹)"),
                                         max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("start date"))
    completes_on = models.DateField(_("expected completion"))
    approval_authority = models.CharField(_("plan approved by"), max_length=200)
    approval_number = models.CharField(_("approval number"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")
        constraints = [
            models.CheckConstraint(condition=Q(estimated_cost__gt=0),
                                   name="compliance_project_cost_positive"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("completes_on")),
                                   name="compliance_project_date_order"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("compliance:project_detail", args=[self.uuid])


@pghistory.track(*row_events())
class CessAssessment(models.Model):
    """What a project owes: the employer's self-assessment or an officer's order."""

    class Kind(models.TextChoices):
        SELF = "self", _("Self-assessment")
        ORDER = "order", _("Assessment order")

    project = models.ForeignKey(ConstructionProject, on_delete=models.PROTECT,
                                related_name="assessments")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    cost = models.DecimalField(_("cost of construction (₹)"), max_digits=14, decimal_places=2)
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("cess due (₹)"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due by"))
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    reason = models.TextField(_("reason for the order"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("cess assessment")
        verbose_name_plural = _("cess assessments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(cost__gt=0),
                                   name="compliance_assessment_positive"),
            models.CheckConstraint(condition=Q(kind="self") | ~Q(order_number=""),
                                   name="compliance_assessment_order_numbered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


@pghistory.track(*row_events())
class CessPayment(models.Model):
    """A cess payment through the payment gateway (a challan with its reference)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(ConstructionProject, on_delete=models.PROTECT,
                                related_name="payments")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount paid (₹)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    challan_reference = models.CharField(_("challan reference"), max_length=40, unique=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    receipt = models.FileField(_("receipt"), blank=True, upload_to="compliance/receipts/%Y/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("cess payment")
        verbose_name_plural = _("cess payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="compliance_cesspayment_positive"),
        ]
        indexes = [
            # Collections per district and month.
            models.Index(fields=["district", "paid_on"], name="compliance_cess_collections"),
        ]

    def __str__(self):
        return self.challan_reference


@pghistory.track(*row_events())
class SelfCertification(models.Model):
    """An establishment's yearly voluntary-compliance self-certification."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT,
                                      related_name="certifications")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # {act code: True} for every act the employer declares compliance with.
    checklist = models.JSONField(_("acts complied with"), default=dict)
    registers = models.FileField(_("registers (PDF)"), upload_to="compliance/certifications/%Y/")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.VALID)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by_inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")

    class Meta:
        ordering = ["-year", "-submitted_at"]
        verbose_name = _("self-certification")
        verbose_name_plural = _("self-certifications")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "year"],
                                    name="compliance_certification_once_a_year"),
            models.CheckConstraint(condition=Q(status="valid") | Q(revoked_at__isnull=False),
                                   name="compliance_certification_revoked_dated"),
        ]

    def __str__(self):
        return f"{self.establishment} {self.year}"


# The acts an establishment self-certifies under (voluntary compliance).
SELF_CERTIFICATION_ACTS = [
    ("factories", _("Factories Act, 1948")),
    ("wages", _("Code on Wages, 2019 (minimum wages, payment of wages, bonus)")),
    ("boc", _("Building and Other Construction Workers Act, 1996")),
    ("contract", _("Contract Labour (Regulation and Abolition) Act, 1970")),
    ("ismw", _("Inter-State Migrant Workmen Act, 1979")),
    ("shops", _("Shops and Establishments Act of the state")),
    ("child", _("Child and Adolescent Labour (Prohibition and Regulation) Act, 1986")),
]
