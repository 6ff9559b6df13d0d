"""Reads of the migrants app, always starting from core scoping."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone

from core.scoping import scoped
from core.validators import normalise_mobile
from migrants.models import HelpDesk, Migrant, Survey, Ticket
from registration.identity import aadhaar_hash
from registration.models import Worker


def migrant_list(*, user):
    """Return the journeys the user may see, with what the register shows."""
    return scoped(user, Migrant).select_related("origin_district", "origin_block",
                                               "destination_state", "worker", "survey")


def migrant_timeline(*, user, migrant: Migrant):
    """Return every journey of the same person (by worker, else by mobile), oldest first."""
    journeys = migrant_list(user=user)
    if migrant.worker_id:
        same = Q(worker_id=migrant.worker_id)
    elif migrant.mobile:
        same = Q(mobile=migrant.mobile)
    else:
        same = Q(pk=migrant.pk)
    return journeys.filter(same).order_by("departed_on", "created_at")


def worker_find(*, user, mobile: str = "", registration_number: str = "",
                aadhaar: str = "") -> Worker | None:
    """Find a registered worker the user may see by mobile, number or Aadhaar (hashed)."""
    workers = scoped(user, Worker).exclude(status=Worker.Status.DRAFT)
    if registration_number:
        return workers.filter(registration_number=registration_number.strip().upper()).first()
    if aadhaar:
        # People write the number in groups of four.
        return workers.filter(aadhaar_hash=aadhaar_hash(re.sub(r"[\s-]", "", aadhaar))).first()
    if mobile:
        try:
            mobile = normalise_mobile(mobile)
        except ValidationError:
            return None
        # A registered record before an application never registered (NULLs sort first).
        return workers.filter(mobile=mobile).order_by(
            F("registered_on").desc(nulls_last=True), "-pk").first()
    return None


def survey_list(*, user):
    """Return the surveys the user may see, with households visited and migrants found."""
    return scoped(user, Survey).select_related("district", "block").annotate(
        migrants_found=Count("migrants", distinct=True),
        # A blank household is not one more household visited.
        households=Count("migrants__household", distinct=True,
                         filter=~Q(migrants__household="")))


def ticket_list(*, user):
    """Return the tickets the user may see, most urgent first."""
    return scoped(user, Ticket).select_related("origin_district", "location_state", "desk",
                                              "migrant")


def ticket_overdue(*, user):
    """Return the user's unresolved tickets past their due time."""
    return ticket_list(user=user).filter(
        status__in=[Ticket.Status.OPEN, Ticket.Status.IN_PROGRESS], due_at__lt=timezone.now())


def desk_list():
    """Return the open help desks (a public page lists them)."""
    return HelpDesk.objects.filter(is_active=True).select_related("state")


def migrants_out_by_state(*, user) -> list[dict]:
    """Return how many of the user's migrants are away, per destination state."""
    return list(migrant_list(user=user).filter(status=Migrant.Status.AWAY)
                .values("destination_state_id", "destination_state__name_en",
                        "destination_state__name_hi")
                .annotate(n=Count("pk")).order_by("-n"))
