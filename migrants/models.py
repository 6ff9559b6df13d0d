"""The migration register (migrants, surveys) and help for migrants (help desks, tickets).

A ``Migrant`` row is one journey of one person: where from, where to, for whom, when.
The same person's journeys (by worker or mobile) make their timeline. Surveys capture
journeys door to door, also offline: each entry carries the phone's own UUID
(``client_uuid``), so a repeated or interrupted sync never creates a journey twice.

Grievance tickets keep round-the-clock SLAs in hours (DECISIONS): each ticket is due
by its priority's hours and escalates a level when it is not resolved in time.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import Block, District, State, Village, row_events
from registration.models import Worker


@pghistory.track(*row_events())
class HelpDesk(models.Model):
    """A help desk for migrant workers in a destination state or city."""

    name_en = models.CharField(_("name (English)"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150, blank=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("state"))
    city = models.CharField(_("city"), max_length=100)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="help_desks",
                                   verbose_name=_("staff"))
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["state__name_en", "city"]
        verbose_name = _("help desk")
        verbose_name_plural = _("help desks")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_hi if get_language() == "hi" and self.name_hi else self.name_en


@pghistory.track(*row_events())
class Survey(models.Model):
    """A door-to-door or village-camp survey of one block on given dates."""

    class Kind(models.TextChoices):
        DOOR_TO_DOOR = "door", _("Door to door")
        VILLAGE_CAMP = "camp", _("Village camp")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("block"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    surveyors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                       related_name="surveys", verbose_name=_("surveyors"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")),
                                   name="migrants_survey_date_order"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("migrants:survey_detail", args=[self.uuid])



@pghistory.track(*row_events())
class Migrant(models.Model):
    """One journey of one person out of the state for work (the migration register)."""

    class Status(models.TextChoices):
        AWAY = "away", _("Away")
        RETURNED = "returned", _("Returned")
        UNKNOWN = "unknown", _("Not known")

    class Sector(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction")
        BRICK_KILN = "brick_kiln", _("Brick kiln")
        AGRICULTURE = "agriculture", _("Agriculture")
        FACTORY = "factory", _("Factory")
        DOMESTIC = "domestic", _("Domestic work")
        HOTEL = "hotel", _("Hotel or restaurant")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The phone's own id of an offline entry: a repeated sync finds it and adds nothing.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="journeys", verbose_name=_("registered worker"))
    name = models.CharField(_("name"), max_length=150)
    mobile = models.CharField(_("mobile number"), max_length=10, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True,
                              choices=Worker.Gender.choices)
    age = models.PositiveSmallIntegerField(_("age (years)"), null=True, blank=True)
    origin_district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("home district"))
    origin_block = models.ForeignKey(Block, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("home block"))
    origin_village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("home village"))
    destination_state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("destination state"))
    destination_place = models.CharField(_("destination district or city"), max_length=100)
    employer_name = models.CharField(_("employer or contractor"), max_length=150, blank=True)
    employer_phone = models.CharField(_("employer's phone"), max_length=15, blank=True)
    employer_licence = models.CharField(_("contractor's licence (inter-state migrant rules)"),
                                        max_length=50, blank=True)
    sector = models.CharField(_("sector"), max_length=15, choices=Sector.choices,
                              default=Sector.OTHER)
    work = models.CharField(_("work done"), max_length=150, blank=True)
    departed_on = models.DateField(_("left home on"), null=True, blank=True)
    expected_return_on = models.DateField(_("expected back on"), null=True, blank=True)
    returned_on = models.DateField(_("came back on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.AWAY)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="migrants", verbose_name=_("survey"))
    household = models.CharField(_("household (house number or head)"), max_length=100,
                                 blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-departed_on", "-created_at"]
        verbose_name = _("migrant journey")
        verbose_name_plural = _("migration register")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["away", "returned", "unknown"]),
                                   name="migrants_migrant_status_valid"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(departed_on__isnull=True)
                | Q(returned_on__gte=F("departed_on")), name="migrants_migrant_return_after"),
            models.CheckConstraint(condition=~Q(status="returned") | Q(returned_on__isnull=False),
                                   name="migrants_migrant_returned_has_date"),
        ]
        indexes = [
            # The district's register: who is away, by destination.
            models.Index(fields=["origin_district", "status", "destination_state"],
                         name="migrants_register"),
            # A caller found by mobile (helpline), a person's timeline.
            models.Index(fields=["mobile"], name="migrants_mobile"),
        ]

    def __str__(self):
        return f"{self.name} → {self.destination_place}"

    def get_absolute_url(self):
        return reverse("migrants:migrant_detail", args=[self.uuid])



class Companion(models.Model):
    """A family member who went along (children are flagged: at risk of child labour)."""

    migrant = models.ForeignKey(Migrant, on_delete=models.CASCADE, related_name="companions")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=50)
    age = models.PositiveSmallIntegerField(_("age (years)"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("companion")
        verbose_name_plural = _("companions")

    def __str__(self):
        return self.name

    @property
    def is_child(self) -> bool:
        return self.age is not None and self.age < 18


@pghistory.track(*row_events())
class Ticket(models.Model):
    """A grievance of a migrant worker: a call, a worker's own request or a desk's."""

    class Category(models.TextChoices):
        WAGES_UNPAID = "wages", _("Wages not paid")
        STRANDED = "stranded", _("Stranded")
        ACCIDENT = "accident", _("Accident")
        DEATH = "death", _("Death")
        HARASSMENT = "harassment", _("Harassment or abuse")
        RESCUE = "rescue", _("Rescue needed")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        CRITICAL = "critical", _("Critical")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")

    class Channel(models.TextChoices):
        HELPLINE = "helpline", _("Helpline call")
        WORKER = "worker", _("Worker's own request")
        DESK = "desk", _("Help desk")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Being acted on")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        WAGES_RECOVERED = "wages_recovered", _("Wages recovered")
        RESCUED = "rescued", _("Rescued")
        REPATRIATED = "repatriated", _("Brought home")
        COMPENSATION = "compensation", _("Compensation paid")
        REFERRED = "referred", _("Referred to another office")
        NO_ACTION = "no_action", _("No action possible")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("ticket number"), max_length=20, unique=True)
    channel = models.CharField(_("opened through"), max_length=10, choices=Channel.choices)
    caller_name = models.CharField(_("caller's name"), max_length=150)
    caller_mobile = models.CharField(_("caller's mobile"), max_length=10)
    migrant = models.ForeignKey(Migrant, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="tickets", verbose_name=_("migrant"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    description = models.TextField(_("what happened"))
    location_state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("state where the worker is"))
    location_place = models.CharField(_("place"), max_length=150)
    origin_district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("home district"))
    desk = models.ForeignKey(HelpDesk, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tickets", verbose_name=_("help desk"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    # 0: the desk and the home district's officers; 1: the district admin; 2: the state.
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    due_at = models.DateTimeField(_("due by"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    outcome_amount = models.DecimalField(_("amount recovered or paid (₹)"), max_digits=12,
                                         decimal_places=2, null=True, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("grievance ticket")
        verbose_name_plural = _("grievance tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "resolved", "closed"]),
                name="migrants_ticket_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(outcome=""),
                name="migrants_ticket_resolved_has_outcome"),
            models.CheckConstraint(
                condition=Q(outcome_amount__isnull=True) | Q(outcome_amount__gte=0),
                name="migrants_ticket_amount_not_negative"),
        ]
        indexes = [
            # The escalation job: unresolved tickets by due time.
            models.Index(fields=["status", "due_at"], name="migrants_ticket_due"),
            # The home district's queue.
            models.Index(fields=["origin_district", "status"], name="migrants_ticket_district"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("migrants:ticket_detail", args=[self.uuid])


    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


class TicketAction(models.Model):
    """One timestamped step on a ticket: a note, a call, a transfer, a status change."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTE = "note", _("Note")
        CALL = "call", _("Call")
        TRANSFER = "transfer", _("Transferred")
        STATUS = "status", _("Status changed")
        ESCALATED = "escalated", _("Escalated")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"


class TicketSequence(models.Model):
    """The last ticket number given per year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_value}"
