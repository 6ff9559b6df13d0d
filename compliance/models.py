"""Bonded labour and child labour: rescue, assistance, rehabilitation, prosecution.

A ``RescueOperation`` releases one or more people; each released person is a
``BondedCase`` followed from the release certificate through immediate
assistance and the rehabilitation package to the court's outcome, with follow-up
visits. A case is seen at both ends: the district of release (when it is in this
state) and the person's origin district, to which a case is handed over.

A rescued child is a ``ChildCase``, found by a ``ChildSurvey`` (planned with the
Child Welfare Committee) or otherwise. Minors' records are the most restricted in
the portal (see compliance.scoping_rules): only district labour officers, district
admins and the state admin see them, and every read of one is audited.

``stage`` columns are kept by the services after every change (lists, counts and
dashboards read them); ``compliance.rules`` is the one place that decides them.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import District, State, row_events
from registration.models import Worker


class Outcome(models.TextChoices):
    """The court's outcome of a prosecution."""

    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    COMPOUNDED = "compounded", _("Compounded / settled")


class CaseSequence(models.Model):
    """The last case number given per kind and year (numbers have no gaps)."""

    kind = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="compliance_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last_value}"


@pghistory.track(*row_events())
class RescueOperation(models.Model):
    """One rescue or release operation, which may release several people."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rescued_on = models.DateField(_("date of rescue"))
    place = models.CharField(_("place (village, kiln, factory)"), max_length=200)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("state"))
    # Set when the release was in this state; empty for a release in another state.
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    place_district_name = models.CharField(
        _("district (other state)"), max_length=100, blank=True,
        help_text=_("For a release in another state: the district there."))
    agency = models.CharField(_("rescuing agency"), max_length=200,
                              help_text=_("e.g. district administration, police, AHTU, NGO"))
    vigilance_committee = models.CharField(_("district vigilance committee"), max_length=200,
                                           blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rescued_on", "-pk"]
        verbose_name = _("rescue operation")
        verbose_name_plural = _("rescue operations")

    def __str__(self):
        return f"{self.place} ({self.rescued_on:%d/%m/%Y})"

    @property
    def place_display(self) -> str:
        district = self.district.name if self.district_id else self.place_district_name
        return ", ".join(part for part in (self.place, district, self.state.name) if part)


@pghistory.track(*row_events())
class BondedCase(models.Model):
    """One person released from bonded labour, from release to rehabilitation and court."""

    class Stage(models.TextChoices):
        AWAITING_ASSISTANCE = "assistance", _("Awaiting immediate assistance")
        AWAITING_PACKAGE = "package", _("Awaiting rehabilitation package")
        REHABILITATING = "rehabilitating", _("Rehabilitation in progress")
        REHABILITATED = "rehabilitated", _("Rehabilitated")

    class Category(models.TextChoices):
        """Beneficiary categories of the central scheme's rehabilitation package."""

        GENERAL = "general", _("Adult male")
        SPECIAL = "special", _("Special category: child, orphan, woman, rescued from begging or "
                                "forced child labour")
        EXTREME = "extreme", _("Extreme deprivation: transgender person, woman or child rescued "
                                "from trafficking or sexual exploitation, person with disability")

    class LegalStage(models.TextChoices):
        NONE = "none", _("No FIR yet")
        FIR = "fir", _("FIR registered")
        CHARGESHEET = "chargesheet", _("Charge sheet filed")
        TRIAL = "trial", _("Trial pending")
        DECIDED = "decided", _("Decided")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    operation = models.ForeignKey(RescueOperation, on_delete=models.PROTECT,
                                  related_name="cases", verbose_name=_("rescue operation"))
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="bonded_cases", verbose_name=_("registered worker"))
    # The person.
    name = models.CharField(_("name"), max_length=150)
    relative_name = models.CharField(_("father's / husband's name"), max_length=150, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Worker.Gender.choices)
    age = models.PositiveSmallIntegerField(_("age (years)"))
    mobile = models.CharField(_("mobile number"), max_length=10, blank=True)
    address = models.TextField(_("home address"), blank=True)
    # The district that must assist and rehabilitate: the person's home district.
    origin_district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("home district"))
    # Copied from the operation: the district of release when it is in this state.
    release_district = models.ForeignKey(District, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("district of release"))
    released_on = models.DateField(_("date of release"))
    category = models.CharField(_("beneficiary category"), max_length=10,
                                choices=Category.choices, default=Category.GENERAL)
    # The employer or principal, and the debt that bonded the person.
    employer_name = models.CharField(_("employer / principal"), max_length=150)
    employer_address = models.TextField(_("employer's address"), blank=True)
    work = models.CharField(_("work done"), max_length=150, blank=True,
                            help_text=_("e.g. brick kiln, agriculture, stone quarry"))
    advance_amount = models.DecimalField(_("debt / advance (₹)"), max_digits=10,
                                         decimal_places=2, null=True, blank=True)
    bonded_since = models.DateField(_("bonded since"), null=True, blank=True)
    # The release certificate (issued by the sub-divisional / district magistrate).
    certificate_number = models.CharField(_("release certificate number"), max_length=50,
                                          blank=True)
    certificate_on = models.DateField(_("release certificate date"), null=True, blank=True)
    certificate_magistrate = models.CharField(_("issuing magistrate"), max_length=150,
                                              blank=True)
    certificate_file = models.FileField(_("release certificate (PDF or image)"),
                                        upload_to="compliance/certificates/%Y/", blank=True)
    # Immediate assistance (paid by the district magistrate, or through a payment batch).
    assistance_amount = models.DecimalField(_("immediate assistance (₹)"), max_digits=10,
                                            decimal_places=2, null=True, blank=True)
    assistance_paid_on = models.DateField(_("immediate assistance paid on"), null=True,
                                          blank=True)
    assistance_payment = models.ForeignKey(
        "welfare.Application", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("payment request"))
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices,
                             default=Stage.AWAITING_ASSISTANCE)
    # Hand-over from the district of release to the home district.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_from = models.ForeignKey(District, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("handed over by district"))
    # Legal action against the employer.
    legal_stage = models.CharField(_("legal action"), max_length=12, choices=LegalStage.choices,
                                   default=LegalStage.NONE)
    fir_police_station = models.CharField(_("police station"), max_length=150, blank=True)
    fir_number = models.CharField(_("FIR number"), max_length=50, blank=True)
    fir_on = models.DateField(_("FIR date"), null=True, blank=True)
    fir_sections = models.CharField(
        _("sections"), max_length=200, blank=True,
        help_text=_("e.g. BLSA 1976 s.16-18; BNS s.143, 146"))
    chargesheet_on = models.DateField(_("charge sheet filed on"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=150, blank=True)
    court_case_number = models.CharField(_("court case number"), max_length=50, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices,
                               default=Outcome.PENDING)
    outcome_on = models.DateField(_("date of judgment"), null=True, blank=True)
    penalty = models.CharField(_("penalty"), max_length=200, blank=True)
    # The next follow-up visit; the beat job lists visits that fall due.
    next_visit_on = models.DateField(_("next follow-up visit"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-released_on", "-pk"]
        verbose_name = _("bonded labour case")
        verbose_name_plural = _("bonded labour cases")
        constraints = [
            models.CheckConstraint(condition=Q(age__lte=120), name="compliance_bonded_age_valid"),
            models.CheckConstraint(
                condition=Q(advance_amount__isnull=True) | Q(advance_amount__gte=0),
                name="compliance_bonded_advance_not_negative"),
            models.CheckConstraint(
                condition=Q(assistance_amount__isnull=True) | Q(assistance_amount__gt=0),
                name="compliance_bonded_assistance_positive"),
            # Assistance is paid with an amount, and not before the release.
            models.CheckConstraint(
                condition=Q(assistance_paid_on__isnull=True)
                | (Q(assistance_amount__isnull=False)
                   & Q(assistance_paid_on__gte=F("released_on"))),
                name="compliance_bonded_assistance_paid_valid"),
            models.CheckConstraint(
                condition=Q(stage__in=["assistance", "package", "rehabilitating",
                                       "rehabilitated"]),
                name="compliance_bonded_stage_valid"),
            models.CheckConstraint(
                condition=Q(category__in=["general", "special", "extreme"]),
                name="compliance_bonded_category_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "convicted", "acquitted", "compounded"]),
                name="compliance_bonded_outcome_valid"),
        ]
        indexes = [
            # Case lists and counts of a district, by stage (home and release ends).
            models.Index(fields=["origin_district", "stage"], name="compliance_bonded_origin"),
            models.Index(fields=["release_district", "stage"], name="compliance_bonded_release"),
            # The beat job's "follow-up visits due" list.
            models.Index(fields=["next_visit_on"], name="compliance_bonded_visit_due"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("compliance:bonded_detail", args=[self.uuid])

    @property
    def is_released_elsewhere(self) -> bool:
        """Released outside the home district (in another district or another state)."""
        return self.release_district_id != self.origin_district_id


@pghistory.track(*row_events())
class RehabComponent(models.Model):
    """One component of a rescued person's rehabilitation package."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash assistance")
        LAND = "land", _("Land allotment")
        HOUSING = "housing", _("Housing")
        SKILL = "skill", _("Skill training")
        SCHOOL = "school", _("School for children")
        ANNUITY = "annuity", _("Annuity / fixed deposit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    case = models.ForeignKey(BondedCase, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("component"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (₹)"), max_digits=10, decimal_places=2, null=True,
                                 blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    status_on = models.DateField(_("status date"))
    details = models.CharField(_("details"), max_length=300, blank=True,
                               help_text=_("e.g. land survey number, course, school, bank"))
    payment = models.ForeignKey("welfare.Application", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("payment request"))

    class Meta:
        ordering = ["case", "kind"]
        verbose_name = _("rehabilitation component")
        verbose_name_plural = _("rehabilitation components")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"],
                                    name="compliance_component_once_per_case"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="compliance_component_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["planned", "in_progress", "done"]),
                                   name="compliance_component_status_valid"),
        ]

    def __str__(self):
        return self.get_kind_display()


@pghistory.track(*row_events())
class ChildSurvey(models.Model):
    """A district survey for child labour, planned with the Child Welfare Committee."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    area = models.CharField(_("area"), max_length=200,
                            help_text=_("e.g. market, industrial area, block"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    team = models.TextField(_("team"), help_text=_("Officers, police, NGO members"))
    cwc_members = models.CharField(_("Child Welfare Committee members"), max_length=300,
                                   blank=True)
    establishments_visited = models.PositiveIntegerField(_("establishments visited"), default=0)
    children_found = models.PositiveIntegerField(_("children found working"), default=0)
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("child labour survey")
        verbose_name_plural = _("child labour surveys")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")),
                                   name="compliance_childsurvey_date_order"),
        ]

    def __str__(self):
        return f"{self.area} ({self.starts_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("compliance:child_survey_detail", args=[self.uuid])


@pghistory.track(*row_events())
class ChildCase(models.Model):
    """A rescued child, from rescue to placement, schooling and prosecution of the employer."""

    class Stage(models.TextChoices):
        AWAITING_ORDER = "order", _("Awaiting the CWC order")
        AWAITING_PLACEMENT = "placement", _("Awaiting placement")
        AWAITING_SCHOOL = "school", _("Awaiting school enrolment")
        REHABILITATED = "rehabilitated", _("Rehabilitated")

    class AgeProof(models.TextChoices):
        BIRTH_CERTIFICATE = "birth", _("Birth certificate")
        SCHOOL_RECORD = "school", _("School record")
        AADHAAR = "aadhaar", _("Aadhaar")
        MEDICAL = "medical", _("Medical (ossification) test")
        NONE = "none", _("No proof yet")

    class Placement(models.TextChoices):
        NONE = "", _("Not placed yet")
        FAMILY = "family", _("Restored to family")
        SHELTER = "shelter", _("Child care institution / shelter")

    class Education(models.TextChoices):
        NONE = "", _("Not enrolled yet")
        SCHOOL = "school", _("School")
        NCLP = "nclp", _("NCLP special training centre")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    survey = models.ForeignKey(ChildSurvey, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="cases", verbose_name=_("survey"))
    rescued_on = models.DateField(_("date of rescue"))
    name = models.CharField(_("child's name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Worker.Gender.choices)
    age = models.PositiveSmallIntegerField(_("age (years)"))
    age_proof = models.CharField(_("proof of age"), max_length=10, choices=AgeProof.choices,
                                 default=AgeProof.NONE)
    guardian_name = models.CharField(_("parent / guardian"), max_length=150, blank=True)
    home_address = models.TextField(_("home address"), blank=True)
    # Where the child was working.
    establishment_name = models.CharField(_("establishment"), max_length=200)
    establishment_address = models.TextField(_("establishment's address"), blank=True)
    employer_name = models.CharField(_("employer"), max_length=150)
    work = models.CharField(_("work done"), max_length=150, blank=True)
    is_hazardous = models.BooleanField(
        _("hazardous occupation or process"), default=False,
        help_text=_("As listed in the Schedule of the Child and Adolescent Labour Act."))
    # The Child Welfare Committee's order and the placement it directs.
    cwc_order_number = models.CharField(_("CWC order number"), max_length=50, blank=True)
    cwc_order_on = models.DateField(_("CWC order date"), null=True, blank=True)
    placement = models.CharField(_("placement"), max_length=10, choices=Placement.choices,
                                 blank=True, default=Placement.NONE)
    placement_details = models.CharField(_("placement details"), max_length=200, blank=True)
    # Rehabilitation: schooling and money.
    education = models.CharField(_("enrolled in"), max_length=10, choices=Education.choices,
                                 blank=True, default=Education.NONE)
    institution = models.CharField(_("school / centre"), max_length=200, blank=True)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    scholarship_amount = models.DecimalField(_("scholarship (₹ per year)"), max_digits=10,
                                             decimal_places=2, null=True, blank=True)
    fund_deposit_amount = models.DecimalField(
        _("deposit in the Rehabilitation-cum-Welfare Fund (₹)"), max_digits=10,
        decimal_places=2, null=True, blank=True)
    fund_deposit_on = models.DateField(_("deposited on"), null=True, blank=True)
    # Prosecution of the employer.
    complaint_on = models.DateField(_("complaint filed on"), null=True, blank=True)
    court_name = models.CharField(_("court"), max_length=150, blank=True)
    court_case_number = models.CharField(_("court case number"), max_length=50, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices,
                               default=Outcome.PENDING)
    outcome_on = models.DateField(_("date of judgment"), null=True, blank=True)
    fine_amount = models.DecimalField(_("fine (₹)"), max_digits=10, decimal_places=2,
                                      null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices,
                             default=Stage.AWAITING_ORDER)
    next_visit_on = models.DateField(_("next follow-up visit"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-rescued_on", "-pk"]
        verbose_name = _("child labour case")
        verbose_name_plural = _("child labour cases")
        constraints = [
            # A child is under 18 (adolescents 14-18 are protected in hazardous work).
            models.CheckConstraint(condition=Q(age__lt=18), name="compliance_child_is_minor"),
            models.CheckConstraint(
                condition=Q(stage__in=["order", "placement", "school", "rehabilitated"]),
                name="compliance_child_stage_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "convicted", "acquitted", "compounded"]),
                name="compliance_child_outcome_valid"),
            models.CheckConstraint(
                condition=Q(fund_deposit_amount__isnull=True) | Q(fund_deposit_amount__gt=0),
                name="compliance_child_deposit_positive"),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gt=0),
                name="compliance_child_fine_positive"),
        ]
        indexes = [
            # A district's case list and counts by stage.
            models.Index(fields=["district", "stage"], name="compliance_child_district"),
            models.Index(fields=["next_visit_on"], name="compliance_child_visit_due"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("compliance:child_detail", args=[self.uuid])


@pghistory.track(*row_events())
class Hearing(models.Model):
    """A court hearing in the prosecution of a bonded labour or child labour case."""

    bonded_case = models.ForeignKey(BondedCase, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="hearings")
    child_case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="hearings")
    held_on = models.DateField(_("date of hearing"))
    next_on = models.DateField(_("next hearing"), null=True, blank=True)
    notes = models.CharField(_("what happened"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(bonded_case__isnull=False) & Q(child_case__isnull=True))
                | (Q(bonded_case__isnull=True) & Q(child_case__isnull=False)),
                name="compliance_hearing_one_case"),
            models.CheckConstraint(condition=Q(next_on__isnull=True) | Q(next_on__gt=F("held_on")),
                                   name="compliance_hearing_next_after"),
        ]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y}"


@pghistory.track(*row_events())
class FollowUpVisit(models.Model):
    """A follow-up visit to a rescued person or child."""

    bonded_case = models.ForeignKey(BondedCase, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="visits")
    child_case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="visits")
    visited_on = models.DateField(_("date of visit"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("officer"))
    findings = models.TextField(_("findings"))

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            models.CheckConstraint(
                condition=(Q(bonded_case__isnull=False) & Q(child_case__isnull=True))
                | (Q(bonded_case__isnull=True) & Q(child_case__isnull=False)),
                name="compliance_visit_one_case"),
        ]

    def __str__(self):
        return f"{self.visited_on:%d/%m/%Y}"


# Factory safety, BOC cess and voluntary compliance (part 2 of the compliance app).
from compliance.models_safety import *  # noqa: E402, F403
