"""The shared kernel: geography, users and roles, audit events and background jobs."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.roles import RoleCode


def row_events():
    """Return fresh trackers of inserts, updates and deletes (one set per model)."""
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class BilingualNameMixin(models.Model):
    """A name in English and in Hindi, shown in the reader's language."""

    name_en = models.CharField(_("name (English)"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "hi" and self.name_hi:
            return self.name_hi
        return self.name_en


# --- Geography -----------------------------------------------------------------


@pghistory.track(*row_events())
class State(BilingualNameMixin):
    class Kind(models.TextChoices):
        STATE = "state", _("State")
        UNION_TERRITORY = "ut", _("Union territory")

    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    code = models.CharField(_("short code"), max_length=3, unique=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    is_synthetic = models.BooleanField(_("synthetic code"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["state", "ut"]),
                                   name="core_state_kind_valid"),
        ]


@pghistory.track(*row_events())
class District(BilingualNameMixin):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts",
                              verbose_name=_("state"))
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    code = models.CharField(_("short code"), max_length=4)
    is_synthetic = models.BooleanField(_("synthetic code"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            # The short code goes into registration numbers, so it is unique per state.
            models.UniqueConstraint(fields=["state", "code"], name="core_district_code_per_state"),
        ]

    def get_absolute_url(self):
        return reverse("core:district_detail", args=[self.pk])


@pghistory.track(*row_events())
class Block(BilingualNameMixin):
    class Kind(models.TextChoices):
        BLOCK = "block", _("Block / tehsil")
        URBAN = "urban", _("Urban body")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="blocks",
                                 verbose_name=_("district"))
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.BLOCK)
    is_synthetic = models.BooleanField(_("synthetic code"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["block", "urban"]),
                                   name="core_block_kind_valid"),
        ]


@pghistory.track(*row_events())
class Village(BilingualNameMixin):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village")
        WARD = "ward", _("Ward")

    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="villages",
                              verbose_name=_("block"))
    lgd_code = models.PositiveIntegerField(_("LGD code"), unique=True)
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices, default=Kind.VILLAGE)
    is_synthetic = models.BooleanField(_("synthetic code"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("village / ward")
        verbose_name_plural = _("villages / wards")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["village", "ward"]),
                                   name="core_village_kind_valid"),
        ]
        indexes = [
            # Autocomplete of villages within a block on every address form.
            models.Index(fields=["block", "name_en"], name="core_village_block_name"),
        ]


# --- Users, roles and jurisdiction ------------------------------------------------


@pghistory.track(*row_events())
class Role(models.Model):
    """A role a user may hold. Rows are data; codes are named in core.roles."""

    code = models.CharField(_("code"), max_length=32, primary_key=True,
                            choices=RoleCode.choices)
    requires_mfa = models.BooleanField(_("requires a second factor"), default=True)
    is_staff_role = models.BooleanField(_("staff role"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(RoleCode(self.code).label) if self.code in RoleCode.values else self.code


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


@pghistory.track(*row_events(), exclude=["password", "last_login"])
class User(AbstractUser):
    """A login: staff, CSC operator, employer or worker (by mobile number)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(_("mobile number"), max_length=10, blank=True, null=True,
                              unique=True)
    preferred_language = models.CharField(_("preferred language"), max_length=5,
                                          choices=settings.LANGUAGES, default="en")
    operator_id = models.CharField(_("CSC / Lok Mitra operator id"), max_length=32,
                                   blank=True, null=True, unique=True)
    home_district = models.ForeignKey(District, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="home_users",
                                      verbose_name=_("home district"))
    roles = models.ManyToManyField(Role, through="UserRole", related_name="users",
                                   verbose_name=_("roles"), blank=True)
    districts = models.ManyToManyField(District, through="UserDistrict",
                                       related_name="jurisdiction_users",
                                       verbose_name=_("districts"), blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        """Return the codes of the roles this user holds (cached per instance)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(
                UserRole.objects.filter(user_id=self.pk).values_list("role_id", flat=True)
            ) if self.pk else frozenset()
        return self._role_codes

    @property
    def district_ids(self) -> frozenset[int]:
        """Return the ids of the districts in this user's jurisdiction (cached)."""
        if not hasattr(self, "_district_ids"):
            self._district_ids = frozenset(
                UserDistrict.objects.filter(user_id=self.pk).values_list("district_id", flat=True)
            ) if self.pk else frozenset()
        return self._district_ids

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    def clear_role_cache(self) -> None:
        for attr in ("_role_codes", "_district_ids"):
            self.__dict__.pop(attr, None)


@pghistory.track(*row_events())
class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_links")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="user_links")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role held")
        verbose_name_plural = _("roles held")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="core_userrole_once"),
        ]

    def __str__(self):
        return f"{self.user} — {self.role}"


@pghistory.track(*row_events())
class UserDistrict(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="district_links")
    district = models.ForeignKey(District, on_delete=models.PROTECT,
                                 related_name="user_links")

    class Meta:
        verbose_name = _("district in jurisdiction")
        verbose_name_plural = _("districts in jurisdiction")
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="core_userdistrict_once"),
        ]
        indexes = [
            # Scoping looks up every user of a district (district admin's user list).
            models.Index(fields=["district", "user"], name="core_userdistrict_district"),
        ]

    def __str__(self):
        return f"{self.user} — {self.district}"


# --- Audit events (non-row events; row history is django-pghistory) -----------------


class AuditEvent(models.Model):
    """Something that happened that is not a row change: a login, a refusal, an export."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        OTP_SENT = "otp_sent", _("One-time code sent")
        OTP_FAILED = "otp_failed", _("Wrong one-time code")
        REFUSAL = "refusal", _("Access refused")
        EXPORT = "export", _("Export")
        SENSITIVE_READ = "sensitive_read", _("Sensitive record viewed")
        TRANSITION = "transition", _("Workflow step")
        JOB = "job", _("Background job")
        ADMIN = "admin", _("Administration")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="audit_events", verbose_name=_("who"))
    actor_label = models.CharField(_("login used"), max_length=150, blank=True)
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # Reads that the law lets the department keep from the person the record is about:
    # views by officers investigating bonded or child labour offences (an investigation
    # may be impeded by telling the suspect's side who looked; RTI Act 2005 s. 8(1)(h)).
    # Set by views with SensitiveReadMixin.withhold_from_subject; never on changes.
    is_withheld_from_subject = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.CheckConstraint(condition=Q(action__in=[
                "login", "login_failed", "logout", "otp_sent", "otp_failed", "refusal",
                "export", "sensitive_read", "transition", "job", "admin",
            ]), name="core_auditevent_action_valid"),
        ]
        indexes = [
            # An object's history on its page, and a worker's "who saw my record".
            models.Index(fields=["object_type", "object_id", "occurred_at"],
                         name="core_audit_object"),
            # The state admin's audit search by user.
            models.Index(fields=["actor", "occurred_at"], name="core_audit_actor"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.actor_label}"


# --- Background jobs (progress and results live here, not in the broker) --------------


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=50)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="jobs",
                                   null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="core_job_status_valid"),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0),
                                   name="core_job_done_within_total"),
        ]

    def __str__(self):
        return f"{self.kind} {self.id}"

    def get_absolute_url(self):
        return reverse("core:job_detail", args=[self.id])

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task (read by /health/)."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.seen_at}"


class OTPChallenge(models.Model):
    """A one-time code sent to a mobile number, bound to the browser that asked."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Worker login")
        CONSENT = "consent", _("Worker consent")
        TRACK = "track", _("Following a request")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mobile = models.CharField(max_length=10)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    # The code is kept only as a keyed hash; the clear code goes out by SMS once.
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=["login", "consent", "track"]),
                                   name="core_otpchallenge_purpose_valid"),
        ]
        indexes = [
            models.Index(fields=["mobile", "created_at"], name="core_otp_mobile"),
        ]

    def __str__(self):
        return f"OTP {self.purpose} {self.id}"


# --- Tamper evidence: the seal ledger over every audit table --------------------------


class AuditSealSchema(models.Model):
    """The columns an audit table had when its rows were sealed.

    Adding a field to a tracked model adds a column to its history table; seals
    made before keep verifying against the columns they hashed.
    """

    source = models.CharField(max_length=100)
    fields = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "fields"], name="core_sealschema_once"),
        ]

    def __str__(self):
        return f"{self.source} ({len(self.fields)} fields)"


class AuditSeal(models.Model):
    """One sealed audit row: its content hash, chained to the seal before it.

    ``chain_hash`` is an HMAC (key from settings, never in the database) over the
    previous seal's chain hash and this row's content hash, so an edit or a deletion
    of an audit row, or of a seal, is detected by ``audit_verify``; rewriting the
    chain to hide it would need the key. Rows are sealed by a beat job in id order.
    """

    source = models.CharField(max_length=100)
    source_id = models.BigIntegerField()
    schema = models.ForeignKey(AuditSealSchema, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"],
                                    name="core_auditseal_once_per_row"),
        ]

    def __str__(self):
        return f"seal {self.pk} {self.source}#{self.source_id}"


class AuditArchive(models.Model):
    """Audit rows moved to a file after the retention period; the file's hash is kept."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    before = models.DateTimeField()
    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    seals = models.PositiveIntegerField()
    # The chain continues from here once the archived seals are gone.
    last_seal_id = models.BigIntegerField(null=True)
    last_chain_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"archive {self.created_at:%Y-%m-%d} ({self.rows} rows)"


class AuditVerification(models.Model):
    """The result of one run of audit_verify (shown on the state admin's page)."""

    ran_at = models.DateTimeField(default=timezone.now)
    is_intact = models.BooleanField()
    checked = models.PositiveIntegerField()
    unsealed_overdue = models.PositiveIntegerField(default=0)
    first_broken = models.JSONField(default=dict, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"verification {self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.is_intact else 'BROKEN'}"
