"""Welfare schemes, applications and direct benefit transfer (payment batches and lines).

A scheme's rules are data (configured by the state admin); ``welfare.rules`` is the
one engine that reads them. An application moves submitted -> verified ->
sanctioned -> in a payment batch -> paid (or payment failed -> sanctioned again ->
a later batch), or is sent back / rejected.

Payment lines are the ledger: one row per attempt to pay an application, with its
own end-to-end reference. They are never deleted; their state columns are their
history (DECISIONS: high-volume ledgers are audited per batch operation).
"""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import District, Job, row_events
from registration.models import FamilyMember, Worker


class DocumentKind(models.TextChoices):
    """Documents a scheme may ask for."""

    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    SCHOOL_CERTIFICATE = "school_certificate", _("School or college fee receipt / certificate")
    MARKSHEET = "marksheet", _("Marksheet of the last class")
    HOSPITAL_CERTIFICATE = "hospital_certificate", _("Hospital discharge / delivery certificate")
    MARRIAGE_CARD = "marriage_card", _("Marriage invitation card or certificate")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    FIR_OR_MEDICAL = "fir_or_medical", _("FIR or medical report (accident)")
    TOOL_QUOTATION = "tool_quotation", _("Quotation or bill for tools")
    AGE_PROOF = "age_proof", _("Proof of age")


@pghistory.track(*row_events())
class Scheme(models.Model):
    """A welfare scheme as the state admin configured it."""

    class Beneficiary(models.TextChoices):
        SELF = "self", _("The worker")
        CHILD = "child", _("A son or daughter of the worker")
        SELF_OR_SPOUSE = "self_or_spouse", _("The worker or the worker's wife / husband")
        FAMILY = "family", _("The worker or a family member")

    class LimitScope(models.TextChoices):
        WORKER = "worker", _("per worker")
        BENEFICIARY = "beneficiary", _("per beneficiary (e.g. per child)")
        FAMILY = "family", _("per family")

    class LimitPeriod(models.TextChoices):
        EVER = "ever", _("in a lifetime")
        ACADEMIC_YEAR = "academic_year", _("per academic year")
        CALENDAR_YEAR = "calendar_year", _("per calendar year")

    code = models.SlugField(_("code"), max_length=20, unique=True,
                            help_text=_("Short code, printed in payment files (e.g. EDU)."))
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_hi = models.TextField(_("description (Hindi)"), blank=True)
    categories = ArrayField(
        models.CharField(max_length=12, choices=Worker.Category.choices), blank=True,
        default=list, verbose_name=_("categories of worker eligible"),
        help_text=_("Leave empty for every category."))
    min_membership_days = models.PositiveIntegerField(
        _("minimum membership (days)"), default=0,
        help_text=_("Days since registration before the worker may apply."))
    gender = models.CharField(_("gender of the beneficiary"), max_length=10, blank=True,
                              choices=Worker.Gender.choices,
                              help_text=_("Leave empty for any."))
    min_age = models.PositiveSmallIntegerField(_("worker's minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("worker's maximum age"), null=True, blank=True)
    beneficiary = models.CharField(_("who the claim is for"), max_length=20,
                                   choices=Beneficiary.choices, default=Beneficiary.SELF)
    limit_count = models.PositiveSmallIntegerField(
        _("claims allowed"), null=True, blank=True,
        help_text=_("Leave empty for no limit beyond one claim per beneficiary and period."))
    limit_scope = models.CharField(_("counted"), max_length=12, choices=LimitScope.choices,
                                   default=LimitScope.WORKER)
    limit_period = models.CharField(_("period"), max_length=15, choices=LimitPeriod.choices,
                                    default=LimitPeriod.EVER)
    amount = models.DecimalField(_("amount (₹)"), max_digits=10, decimal_places=2, null=True,
                                 blank=True, help_text=_("Leave empty when the amount is by slab."))
    documents = ArrayField(models.CharField(max_length=30, choices=DocumentKind.choices),
                           blank=True, default=list, verbose_name=_("documents required"))
    opens_on = models.DateField(_("open from"), null=True, blank=True)
    closes_on = models.DateField(_("open until"), null=True, blank=True)
    budget_head = models.CharField(_("budget head"), max_length=60, blank=True)
    budget_amount = models.DecimalField(_("budget for the year (₹)"), max_digits=14,
                                        decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("accepting applications"), default=True)
    # Paid only when an officer asks for it (bonded labour assistance), never applied for.
    is_on_request = models.BooleanField(_("paid on an officer's request only"), default=False,
                                        editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="welfare_scheme_amount_positive"),
            models.CheckConstraint(condition=Q(limit_count__isnull=True) | Q(limit_count__gt=0),
                                   name="welfare_scheme_limit_positive"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")), name="welfare_scheme_age_order"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True)
                | Q(opens_on__lte=F("closes_on")), name="welfare_scheme_date_order"),
            models.CheckConstraint(
                condition=Q(beneficiary__in=["self", "child", "self_or_spouse", "family"]),
                name="welfare_scheme_beneficiary_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("welfare:scheme_detail", args=[self.code])

    @property
    def name(self) -> str:
        return self.name_hi if get_language() == "hi" and self.name_hi else self.name_en

    @property
    def description(self) -> str:
        if get_language() == "hi" and self.description_hi:
            return self.description_hi
        return self.description_en

    @property
    def has_slabs(self) -> bool:
        return self.amount is None


@pghistory.track(*row_events())
class SchemeSlab(models.Model):
    """One amount of a scheme paid by slab (e.g. education assistance by class)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="slabs")
    label_en = models.CharField(_("slab (English)"), max_length=100)
    label_hi = models.CharField(_("slab (Hindi)"), max_length=100)
    amount = models.DecimalField(_("amount (₹)"), max_digits=10, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = _("amount slab")
        verbose_name_plural = _("amount slabs")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="welfare_slab_amount_positive"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_hi if get_language() == "hi" and self.label_hi else self.label_en


class ApplicationSequence(models.Model):
    """The last application number given per year (numbers have no gaps)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"


@pghistory.track(*row_events())
class Application(models.Model):
    """A worker's claim under a scheme, from submission to payment."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        VERIFIED = "verified", _("Verified, awaiting sanction")
        SANCTIONED = "sanctioned", _("Sanctioned, awaiting payment")
        IN_BATCH = "in_batch", _("In a payment batch")
        PAID = "paid", _("Paid")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        SENT_BACK = "sent_back", _("Sent back for correction")
        REJECTED = "rejected", _("Rejected")

    class Channel(models.TextChoices):
        SELF = "self", _("Self")
        CSC = "csc", _("CSC / Lok Mitra")
        OFFICER = "officer", _("Officer")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("application number"), max_length=20, unique=True)
    # Foreign keys covered by a composite index below (or never searched: users and slabs
    # are not deleted) carry no index of their own; every index is rewritten when a
    # payment batch moves lakhs of applications at once.
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("scheme"), db_index=False)
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("worker"))
    # Copied from the worker at submission: scoping and the district queues read it.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"), db_index=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    channel = models.CharField(_("applied through"), max_length=10, choices=Channel.choices)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    family_member = models.ForeignKey(FamilyMember, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("family member"))
    beneficiary_name = models.CharField(_("beneficiary"), max_length=150)
    slab = models.ForeignKey(SchemeSlab, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("slab"), db_index=False)
    # Keys of the scheme's limits (see welfare.rules): who the claim counts against,
    # the period it falls in, and which of the allowed claims it takes.
    beneficiary_key = models.CharField(max_length=64, editable=False)
    limit_key = models.CharField(max_length=64, editable=False)
    period_key = models.CharField(max_length=12, editable=False)
    claim_slot = models.PositiveSmallIntegerField(null=True, editable=False)
    amount_claimed = models.DecimalField(_("amount claimed (₹)"), max_digits=10,
                                         decimal_places=2)
    amount_sanctioned = models.DecimalField(_("amount sanctioned (₹)"), max_digits=10,
                                            decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", db_index=False)
    sanctioned_at = models.DateTimeField(_("sanctioned at"), null=True, blank=True)
    sanctioned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+", db_index=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    utr = models.CharField(_("UTR (bank reference)"), max_length=30, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=10, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "verified", "sanctioned", "in_batch", "paid",
                                        "payment_failed", "sent_back", "rejected"]),
                name="welfare_application_status_valid"),
            models.CheckConstraint(condition=Q(amount_claimed__gt=0),
                                   name="welfare_application_claim_positive"),
            models.CheckConstraint(
                condition=Q(amount_sanctioned__isnull=True) | Q(amount_sanctioned__gt=0),
                name="welfare_application_sanction_positive"),
            # Sanctioned and later stages carry the amount sanctioned.
            models.CheckConstraint(
                condition=~Q(status__in=["sanctioned", "in_batch", "paid", "payment_failed"])
                | Q(amount_sanctioned__isnull=False),
                name="welfare_application_sanctioned_has_amount"),
            # The same claim twice: same worker, scheme, beneficiary and period.
            models.UniqueConstraint(
                fields=["worker", "scheme", "beneficiary_key", "period_key"],
                condition=~Q(status="rejected"), name="welfare_application_no_repeat_claim"),
            # A scheme's limit (e.g. two maternity claims per worker): each live claim
            # takes one of the allowed slots, so the database refuses one too many.
            models.UniqueConstraint(
                fields=["scheme", "limit_key", "period_key", "claim_slot"],
                condition=~Q(status="rejected") & Q(claim_slot__isnull=False),
                name="welfare_application_within_limit"),
        ]
        indexes = [
            # The officer's queue: a district's applications by stage, oldest first.
            models.Index(fields=["district", "status", "submitted_at"],
                         name="welfare_application_queue"),
            # The maker's batch builder: sanctioned applications of a scheme.
            models.Index(fields=["scheme", "status", "sanctioned_at"],
                         name="welfare_application_payable"),
            # (Limits count live claims through the within-limit unique index above.)
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("welfare:application_detail", args=[self.uuid])

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.SANCTIONED


class ApplicationDocument(models.Model):
    """A document attached to an application, kept outside the web root."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to="welfare/documents/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.original_name})"


class ApplicationTransition(models.Model):
    """One step of an application's life, with who took it and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="transitions")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return Application.Status(self.to_status).label if self.to_status in \
            Application.Status.values else self.to_status


class BatchSequence(models.Model):
    """The last payment batch number given per year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"


@pghistory.track(*row_events())
class PaymentBatch(models.Model):
    """Sanctioned applications sent to the bank together: made by one user, approved by another."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved, payment file being written")
        FILE_READY = "file_ready", _("Payment file ready, awaiting the bank's response")
        CLOSED = "closed", _("Closed: every line settled")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("batch number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.AWAITING_APPROVAL)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("scheme"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    sanctioned_from = models.DateField(_("sanctioned from"), null=True, blank=True)
    sanctioned_to = models.DateField(_("sanctioned to"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("payments"), default=0)
    total_amount = models.DecimalField(_("total (₹)"), max_digits=16, decimal_places=2,
                                       default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("made by"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    file = models.FileField(upload_to="welfare/payment-files/%Y/%m/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_written_at = models.DateTimeField(_("file written at"), null=True, blank=True)
    file_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["awaiting", "approved", "file_ready", "closed",
                                        "cancelled"]), name="welfare_batch_status_valid"),
            # Maker and checker are two people (the four-eyes rule for public money).
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="welfare_batch_maker_is_not_checker"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "file_ready", "closed"])
                | Q(approved_by__isnull=False), name="welfare_batch_approved_has_checker"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("welfare:batch_detail", args=[self.uuid])


class PaymentLine(models.Model):
    """One attempt to pay one application: the ledger row the bank answers for."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sent, awaiting the bank")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: ask the bank")
        CANCELLED = "cancelled", _("Cancelled before sending")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="payment_lines")
    reference = models.CharField(_("end-to-end reference"), max_length=24, unique=True)
    amount = models.DecimalField(_("amount (₹)"), max_digits=10, decimal_places=2)
    # A snapshot of where the money went, as sent (the account stays encrypted).
    account_holder = models.CharField(_("account holder"), max_length=150)
    account_encrypted = models.TextField(editable=False)
    account_last4 = models.CharField(max_length=4)
    ifsc = models.CharField(_("IFSC"), max_length=11)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    utr = models.CharField(_("UTR"), max_length=30, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=10, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    response_file = models.ForeignKey("BankResponseFile", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+")
    # When the worker was told of the outcome (the SMS goes once, even if a task reruns).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "paid", "failed", "unknown", "cancelled"]),
                name="welfare_line_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="welfare_line_amount_positive"),
            models.CheckConstraint(condition=~Q(status="paid") | ~Q(utr=""),
                                   name="welfare_line_paid_has_utr"),
            # Exactly once: an application is in at most one open payment (sent or unknown).
            models.UniqueConstraint(fields=["application"],
                                    condition=Q(status__in=["pending", "unknown"]),
                                    name="welfare_line_one_open_per_application"),
            # ... and is paid at most once.
            models.UniqueConstraint(fields=["application"], condition=Q(status="paid"),
                                    name="welfare_line_paid_once"),
        ]

    def __str__(self):
        return self.reference

    @property
    def account_masked(self) -> str:
        return f"XXXXXX{self.account_last4}"


class BankResponseFile(models.Model):
    """A response file from the bank, as uploaded, and what its ingestion found."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Ingested")
        FAILED = "failed", _("Could not be read")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT,
                              related_name="response_files")
    file = models.FileField(upload_to="welfare/bank-responses/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    is_simulated = models.BooleanField(_("from the simulated bank"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    # Counts by outcome, and the lines that were reported rather than applied.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("bank response file")
        verbose_name_plural = _("bank response files")
        constraints = [
            # The same file twice is refused up front (its lines would all be repeats).
            models.UniqueConstraint(fields=["batch", "sha256"],
                                    name="welfare_response_file_once"),
        ]

    def __str__(self):
        return self.original_name
