"""Workers, their documents and labour cards; camps and district targets.

Aadhaar numbers live only in ``AadhaarVault`` (encrypted); a worker carries the
keyed hash (for uniqueness and look-up) and the last four digits (for display).
Bank account numbers are encrypted on the worker row and shown by their last four.
"""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import Block, District, Village, row_events


class AadhaarVault(models.Model):
    """The one table holding Aadhaar numbers, encrypted (key rotation: rotate_field_keys)."""

    hash = models.CharField(_("keyed hash"), max_length=64, unique=True)
    ciphertext = models.TextField(_("encrypted number"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Aadhaar vault entry")
        verbose_name_plural = _("Aadhaar vault")

    def __str__(self):
        return f"vault #{self.pk}"


@pghistory.track(*row_events())
class Occupation(models.Model):
    """An occupation of the NCO-2015 code list (4-digit unit groups)."""

    code = models.CharField(_("NCO-2015 code"), max_length=10, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    is_construction = models.BooleanField(_("construction work"), default=False)
    is_synthetic = models.BooleanField(_("unverified code"), default=False)

    class Meta:
        ordering = ["title_en"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self):
        if get_language() == "hi" and self.title_hi:
            return f"{self.title_hi} ({self.code})"
        return f"{self.title_en} ({self.code})"


@pghistory.track(*row_events())
class Camp(models.Model):
    """A registration camp: a place and dates where officers and operators register workers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("camp name"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="camps",
                                 verbose_name=_("district"))
    block = models.ForeignKey(Block, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="camps", verbose_name=_("block"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("camp")
        verbose_name_plural = _("camps")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="registration_camp_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("registration:camp_detail", args=[self.uuid])


@pghistory.track(*row_events())
class DistrictTarget(models.Model):
    """How many workers a district should register in a period (set by the state admin)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="targets",
                                 verbose_name=_("district"))
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    target_count = models.PositiveIntegerField(_("target (workers)"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "district__name_en"]
        verbose_name = _("district target")
        verbose_name_plural = _("district targets")
        constraints = [
            models.UniqueConstraint(fields=["district", "starts_on"],
                                    name="registration_districttarget_one_per_period"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="registration_districttarget_dates_in_order"),
            models.CheckConstraint(condition=Q(target_count__gt=0),
                                   name="registration_districttarget_count_positive"),
        ]

    def __str__(self):
        return f"{self.district} {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"


class RegistrationSequence(models.Model):
    """The last registration number given in a district and year (locked when approving)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"],
                                    name="registration_sequence_one_per_district_year"),
        ]

    def __str__(self):
        return f"{self.district_id}/{self.year}: {self.last_value}"


@pghistory.track(*row_events(), exclude=["bank_account_encrypted"])
class Worker(models.Model):
    """A worker's registration, from the first draft to an active (or expired) labour card."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        SENT_BACK = "sent_back", _("Sent back for correction")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")

    class Channel(models.TextChoices):
        SELF = "self", _("Self")
        CSC = "csc", _("CSC / Lok Mitra")
        OFFICER = "officer", _("Officer")
        CAMP = "camp", _("Camp")
        IMPORT = "import", _("Bulk import")

    class Category(models.TextChoices):
        UNORGANISED = "unorganised", _("Unorganised worker")
        BOC = "boc", _("Building and other construction worker")
        MIGRANT = "migrant", _("Migrant worker")
        GIG = "gig", _("Platform / gig worker")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Relation(models.TextChoices):
        FATHER = "father", _("Father")
        HUSBAND = "husband", _("Husband")
        MOTHER = "mother", _("Mother")
        WIFE = "wife", _("Wife")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The login that manages this profile (a family's shared phone may manage several).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="worker_profiles",
                              verbose_name=_("login"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="workers_registered",
                                      verbose_name=_("registered by"))
    camp = models.ForeignKey(Camp, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="workers", verbose_name=_("camp"))
    consent_at = models.DateTimeField(_("worker's consent (OTP) at"), null=True, blank=True)
    draft_step = models.CharField(max_length=20, default="personal")

    # Personal
    name = models.CharField(_("name (as the worker writes it)"), max_length=150, blank=True)
    name_latin = models.CharField(_("name in English letters (as on Aadhaar / bank)"),
                                  max_length=150, blank=True)
    relative_name = models.CharField(_("father's or husband's name"), max_length=150,
                                     blank=True)
    relative_relation = models.CharField(_("relation"), max_length=10, blank=True,
                                         choices=Relation.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True, choices=Gender.choices)
    mobile = models.CharField(_("mobile number"), max_length=10)
    aadhaar_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    aadhaar_last4 = models.CharField(max_length=4, blank=True, editable=False)

    # Address
    # Empty only while a worker's own draft has not reached the address step.
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="workers", verbose_name=_("district"))
    block = models.ForeignKey(Block, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="workers", verbose_name=_("block / town"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="workers", verbose_name=_("village / ward"))
    address_line = models.CharField(_("house, street, locality"), max_length=300, blank=True)
    pincode = models.CharField(_("PIN code"), max_length=6, blank=True)

    # Work
    category = models.CharField(_("category"), max_length=12, blank=True,
                                choices=Category.choices)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="workers",
                                   verbose_name=_("occupation"))
    employer_name = models.CharField(_("employer, contractor or union"), max_length=200,
                                     blank=True)

    # Bank
    bank_account_holder = models.CharField(_("account holder's name"), max_length=150,
                                           blank=True)
    bank_account_encrypted = models.TextField(blank=True, editable=False)
    bank_account_last4 = models.CharField(max_length=4, blank=True, editable=False)
    ifsc = models.CharField(_("IFSC"), max_length=11, blank=True)

    # Nominee
    nominee_name = models.CharField(_("nominee's name"), max_length=150, blank=True)
    nominee_relation = models.CharField(_("nominee's relation to the worker"), max_length=50,
                                        blank=True)

    photo = models.ImageField(_("photo"), upload_to="registration/photos/%Y/%m/", blank=True)

    # Workflow
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decision_reason = models.TextField(_("reason"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=30,
                                           null=True, blank=True, unique=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    expiry_reminded_on = models.DateField(null=True, blank=True, editable=False)
    is_migrated = models.BooleanField(_("migrated from an earlier system"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            # One Aadhaar, one worker: the database is the judge, also under races.
            models.UniqueConstraint(fields=["aadhaar_hash"],
                                    condition=Q(aadhaar_hash__isnull=False),
                                    name="registration_worker_one_per_aadhaar"),
            models.CheckConstraint(condition=Q(status__in=["draft", "submitted", "sent_back",
                                                           "rejected", "active", "expired"]),
                                   name="registration_worker_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=["self", "csc", "officer", "camp",
                                                            "import"]),
                                   name="registration_worker_channel_valid"),
            # An active or expired worker has a number; a camp registration names its camp.
            models.CheckConstraint(
                condition=~Q(status__in=["active", "expired"])
                | Q(registration_number__isnull=False),
                name="registration_worker_active_has_number"),
            models.CheckConstraint(condition=Q(status="draft") | Q(district__isnull=False),
                                   name="registration_worker_submitted_has_district"),
            models.CheckConstraint(condition=~Q(channel="camp") | Q(camp__isnull=False),
                                   name="registration_worker_camp_channel_has_camp"),
        ]
        indexes = [
            # The officer's verification queue: submitted, oldest first, per district.
            models.Index(fields=["district", "status", "submitted_at"],
                         name="registration_worker_queue"),
            # CSC operators' lists and the channel split of district reports.
            models.Index(fields=["registered_by", "status"], name="registration_worker_by_user"),
            # Duplicate candidates narrow by date of birth state-wide first (DECISIONS).
            models.Index(fields=["date_of_birth"], name="registration_worker_dob"),
            models.Index(fields=["mobile"], name="registration_worker_mobile"),
            # Name search within a district (officer's list): trigram indexes that the
            # planner combines with the district condition (icontains compares UPPER()).
            # planner combines with the district condition (icontains compares UPPER()).
            GinIndex(OpClass(Upper("name_latin"), name="gin_trgm_ops"),
                     name="registration_worker_latin_trgm"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"),
                     name="registration_worker_name_trgm"),
            # BOC expiry job: active workers by validity.
            models.Index(fields=["status", "valid_until"], name="registration_worker_expiry"),
        ]

    def __str__(self):
        return self.registration_number or self.display_name or str(self.uuid)[:8]

    def get_absolute_url(self):
        return reverse("registration:worker_detail", args=[self.uuid])

    @property
    def display_name(self) -> str:
        return self.name or self.name_latin

    @property
    def reference(self) -> str:
        """The acknowledgement number a worker quotes before the registration number exists."""
        return self.uuid.hex[:10].upper()

    @property
    def aadhaar_masked(self) -> str:
        return f"XXXX-XXXX-{self.aadhaar_last4}" if self.aadhaar_last4 else ""

    @property
    def bank_account_masked(self) -> str:
        return f"XXXXXX{self.bank_account_last4}" if self.bank_account_last4 else ""

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT_BACK)


@pghistory.track(*row_events())
class FamilyMember(models.Model):
    """A member of the worker's family (children for education, spouse for maternity)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Wife / husband")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        OTHER = "other", _("Other")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True,
                              choices=Worker.Gender.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"


@pghistory.track(*row_events())
class WorkerDocument(models.Model):
    """An uploaded document, kept outside the web root and served by a checked view."""

    class Kind(models.TextChoices):
        WORK_CERTIFICATE = "work_certificate", _("90 days of work certificate (BOC)")
        ID_PROOF = "id_proof", _("Identity proof")
        ADDRESS_PROOF = "address_proof", _("Address proof")
        BANK_PROOF = "bank_proof", _("Bank passbook or cancelled cheque")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to="registration/documents/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("registration:document_file", args=[self.worker.uuid, self.uuid])


class WorkerTransition(models.Model):
    """One step of a worker's workflow: who moved it from what to what, when and why."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    def get_to_status_display(self):
        return Worker.Status(self.to_status).label


@pghistory.track(*row_events())
class LabourCard(models.Model):
    """One version of a worker's labour card PDF, made in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="cards")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="registration/cards/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("labour card")
        verbose_name_plural = _("labour cards")
        constraints = [
            models.UniqueConstraint(fields=["worker", "version"],
                                    name="registration_labourcard_version_unique"),
            # One current card per worker: re-issue supersedes the old one first.
            models.UniqueConstraint(fields=["worker"],
                                    condition=~Q(status="superseded"),
                                    name="registration_labourcard_one_current"),
            models.CheckConstraint(condition=Q(status__in=["pending", "ready", "failed",
                                                           "superseded"]),
                                   name="registration_labourcard_status_valid"),
        ]
        indexes = [
            # Officers' list of failed cards to retry.
            models.Index(fields=["status", "created_at"], name="registration_card_status"),
        ]

    def __str__(self):
        return f"{self.worker} v{self.version}"
