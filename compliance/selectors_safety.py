"""Reads of factory safety, cess and voluntary compliance, always starting from scoping."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from compliance.models import (
    Accident,
    CessAssessment,
    CessPayment,
    ConstructionProject,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
    WorkshopAttendance,
)
from core.scoping import scoped
from employers.models import Establishment

# A hazardous factory's safety committee meets at least once a quarter.
COMMITTEE_MEETING_DAYS = 92


def _valid_certification(year: int, path: str = "establishment_id"):
    return Exists(SelfCertification.objects.filter(
        establishment_id=OuterRef(path), year=year, status=SelfCertification.Status.VALID))


def factory_list(*, user, on: date | None = None):
    """Return the factories the user may see, with last accident and certifier status."""
    year = (on or timezone.localdate()).year
    # A correlated subquery, not Max() over a join: no GROUP BY over the whole district
    # before the first page is taken.
    last_accident = (Accident.objects.filter(factory_id=OuterRef("pk"))
                     .order_by("-occurred_at").values("occurred_at")[:1])
    return (scoped(user, Factory).select_related("establishment", "district")
            .annotate(last_accident_at=Subquery(last_accident),
                      is_certifier=_valid_certification(year)))


def days_since(moment, *, today: date | None = None) -> int | None:
    """Return whole days since a moment (None when it never happened)."""
    if moment is None:
        return None
    return ((today or timezone.localdate()) - timezone.localtime(moment).date()).days


def inspection_list(*, user):
    """Return the inspections the user may see."""
    return scoped(user, Inspection).select_related("factory__establishment", "district",
                                                   "inspector")


def compliance_overdue_q(*, today: date) -> Q:
    """Inspections whose directions are not complied with by the deadline."""
    return Q(compliance=Inspection.Compliance.PENDING, compliance_due_on__lt=today)


def committees_missing(*, user, today: date | None = None):
    """Return hazardous factories without a proper safety committee or a recent meeting.

    A committee needs members of both sides in equal numbers; it must have met within
    the last quarter.
    """
    today = today or timezone.localdate()
    since = today - timedelta(days=COMMITTEE_MEETING_DAYS)
    return (scoped(user, Factory).filter(is_hazardous=True)
            .select_related("establishment", "district")
            .annotate(management=Count("committee_members", distinct=True,
                                       filter=Q(committee_members__side="management")),
                      workers=Count("committee_members", distinct=True,
                                    filter=Q(committee_members__side="workers")),
                      last_meeting_on=Max("committee_meetings__held_on"))
            .filter(Q(management=0) | Q(workers=0) | ~Q(management=F("workers"))
                    | Q(last_meeting_on__isnull=True) | Q(last_meeting_on__lt=since))
            .order_by("district__name_en", "establishment__name"))


def workshop_list(*, user):
    """Return the workshops the user may see, with the number who attended."""
    return (scoped(user, Workshop).select_related("district")
            .annotate(attendees_total=Coalesce(Sum("attendance__attendees"), 0),
                      factories_count=Count("attendance", distinct=True)))


def attendance_by_district(*, user) -> list[dict]:
    """Return training attendance (people and factories) per district."""
    return list(scoped(user, WorkshopAttendance).order_by()
                .values("factory__district_id", "factory__district__name_en",
                        "factory__district__name_hi")
                .annotate(attendees=Sum("attendees"),
                          factories=Count("factory", distinct=True))
                .order_by("factory__district__name_en"))


def attendance_by_factory(*, user):
    """Return the factories the user may see with how many of their people were trained."""
    return (scoped(user, Factory).select_related("establishment", "district")
            .annotate(trained=Coalesce(Sum("attendance__attendees"), 0),
                      workshops=Count("attendance", distinct=True))
            .order_by("-trained", "establishment__name"))


def project_list(*, user):
    """Return the construction projects the user may see, with the current assessment's
    amount and due day and the total paid."""
    current = (CessAssessment.objects.filter(project_id=OuterRef("pk"))
               .order_by("kind", "-assessed_at", "-pk"))  # "order" sorts before "self"
    paid = (CessPayment.objects.filter(project_id=OuterRef("pk")).order_by()
            .values("project_id").annotate(total=Sum("amount")).values("total"))
    money = DecimalField(max_digits=14, decimal_places=2)
    return (scoped(user, ConstructionProject).select_related("establishment", "district")
            .annotate(assessed=Subquery(current.values("amount")[:1], output_field=money),
                      due_on=Subquery(current.values("due_on")[:1]),
                      paid_total=Coalesce(Subquery(paid, output_field=money),
                                          Value(0), output_field=money)))


def cess_defaulters(*, user, today: date | None = None,
                    district_id: int | None = None) -> list:
    """Return projects past their due day that still owe cess or interest, with the dues.

    Set-based for state scale: one query picks each project's standing assessment
    (DISTINCT ON: the latest order, else the latest self-assessment), one totals the
    payments; only a project paid short or late has its dues worked out (with the one
    interest rule, over its payments), and only defaulters are loaded as objects. Each
    row is (project, dues): ``rules.cess_dues``'s figures plus "assessment" (amount,
    due_on).
    """
    from types import SimpleNamespace

    from compliance import rules

    today = today or timezone.localdate()
    projects = scoped(user, ConstructionProject)
    if district_id is not None:
        projects = projects.filter(district_id=district_id)
    scope = projects.values("pk")
    standing = (CessAssessment.objects.filter(project__in=scope)
                .order_by("project_id", "kind", "-assessed_at", "-pk")  # "order" < "self"
                .distinct("project_id").values_list("project_id", "amount", "due_on"))
    past_due = {project_id: SimpleNamespace(amount=amount, due_on=due_on)
                for project_id, amount, due_on in standing if due_on < today}
    totals = {project_id: (paid, last) for project_id, paid, last in (
        CessPayment.objects.filter(project__in=scope).order_by().values("project_id")
        .annotate(paid=Sum("amount"), last=Max("paid_on"))
        .values_list("project_id", "paid", "last"))}
    # Paid in full by the due day: nothing owed. Everyone else needs the arithmetic.
    to_check = [project_id for project_id, assessment in past_due.items()
                if not (project_id in totals and totals[project_id][0] >= assessment.amount
                         and totals[project_id][1] <= assessment.due_on)]
    payments: dict[int, list] = {}
    late_or_short = {project_id for project_id in to_check if project_id in totals}
    if late_or_short:
        for project_id, paid_on, amount in (CessPayment.objects.filter(project__in=scope)
                                            .values_list("project_id", "paid_on", "amount")):
            if project_id in late_or_short:
                payments.setdefault(project_id, []).append((paid_on, amount))
    owing = {}
    for project_id in to_check:
        assessment = past_due[project_id]
        dues = rules.cess_dues(amount=assessment.amount, due_on=assessment.due_on,
                               payments=payments.get(project_id, []), today=today)
        if dues["total"] > 0:
            owing[project_id] = {"assessment": assessment, **dues}
    rows = (ConstructionProject.objects.filter(pk__in=list(owing))
            .select_related("establishment", "district")
            .order_by("district__name_en", "name", "pk"))
    return [(project, owing[project.pk]) for project in rows]


def cess_collections(*, user) -> list[dict]:
    """Return cess collected per district and month."""
    return list(scoped(user, CessPayment).order_by()
                .annotate(month=TruncMonth("paid_on"))
                .values("district_id", "district__name_en", "district__name_hi", "month")
                .annotate(amount=Sum("amount"), payments=Count("pk"))
                .order_by("-month", "district__name_en"))


def certification_report(*, user, year: int | None = None) -> list[dict]:
    """Return establishments by district and sector: certifiers and non-certifiers."""
    year = year or timezone.localdate().year
    return list(scoped(user, Establishment).filter(is_active=True).order_by()
                .annotate(certified=_valid_certification(year, "pk"))
                .values("district_id", "district__name_en", "district__name_hi", "sector")
                .annotate(total=Count("pk"), certifiers=Count("pk", filter=Q(certified=True)))
                .order_by("district__name_en", "sector"))


def certification_list(*, user):
    """Return the self-certifications the user may see."""
    return scoped(user, SelfCertification).select_related("establishment", "district")
