"""What bonded and child labour cases share: numbers, jurisdiction, hearings, visits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import rules
from compliance.models import BondedCase, CaseSequence, ChildCase, FollowUpVisit, Hearing
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from core.services import yearly_sequence_next

# Who keeps (writes) the cases; district admins read them (DESIGN: read-all).
CASE_ROLES = (R.LABOUR_OFFICER, R.STATE_ADMIN)


def case_number(kind: str, on: date) -> str:
    """Return the next case number of a kind (``BL`` bonded, ``CL`` child) for the year."""
    return f"{kind}-{on.year}-{yearly_sequence_next(CaseSequence, year=on.year, kind=kind):05d}"


def require_case_role(actor) -> None:
    """Refuse anyone but the officers who keep bonded and child labour cases."""
    if not actor.has_role(*CASE_ROLES):
        raise ValidationError(_("Only a labour officer or an admin may keep these cases."),
                              code="not_officer")


def require_district(actor, district) -> None:
    """Refuse an officer acting for a district outside their jurisdiction."""
    require_case_role(actor)
    if actor.has_role(R.STATE_ADMIN):
        return
    if district is None or district.pk not in actor.district_ids:
        raise ValidationError(_("That district is outside your jurisdiction."),
                              code="out_of_jurisdiction")


def _case_district(case):
    return case.district if isinstance(case, ChildCase) else case.origin_district


def _case_link(case) -> dict:
    if isinstance(case, BondedCase):
        return {"bonded_case": case}
    return {"child_case": case}


def _locked_case(actor, case):
    """Lock a case the actor may keep (others are not found, as in the views)."""
    require_case_role(actor)
    return scoped(actor, type(case)).select_for_update(of=("self",)).get(pk=case.pk)


@transaction.atomic
def hearing_add(*, actor, case: BondedCase | ChildCase, held_on: date, next_on: date | None,
                notes: str, request=None) -> Hearing:
    """Record a court hearing of a case's prosecution."""
    case = _locked_case(actor, case)
    if held_on > timezone.localdate():
        raise ValidationError(_("A hearing cannot be recorded before it is held."),
                              code="future")
    if next_on is not None and next_on <= held_on:
        raise ValidationError(_("The next hearing must come after this one."),
                              code="next_before")
    hearing = Hearing.objects.create(held_on=held_on, next_on=next_on, notes=notes,
                                     recorded_by=actor, **_case_link(case))
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor, obj=case,
                       district=_case_district(case), summary="hearing recorded")
    return hearing


@transaction.atomic
def visit_record(*, actor, case: BondedCase | ChildCase, visited_on: date, findings: str,
                 request=None) -> FollowUpVisit:
    """Record a follow-up visit and set when the next one falls due."""
    case = _locked_case(actor, case)
    released = case.released_on if isinstance(case, BondedCase) else case.rescued_on
    if visited_on > timezone.localdate():
        raise ValidationError(_("A visit cannot be recorded before it is made."), code="future")
    if visited_on < released:
        raise ValidationError(_("A follow-up visit comes after the rescue."), code="before")
    visit = FollowUpVisit.objects.create(visited_on=visited_on, officer=actor,
                                         findings=findings, **_case_link(case))
    latest = max(visited_on, case.visits.order_by("-visited_on")
                 .values_list("visited_on", flat=True).first() or visited_on)
    case.next_visit_on = rules.next_visit_after(latest)
    case.save(update_fields=["next_visit_on", "updated_at"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor, obj=case,
                       district=_case_district(case), summary="follow-up visit recorded")
    return visit


def visits_due_notify(*, on: date | None = None) -> dict:
    """Email each district's labour officers the follow-up visits due (case numbers only).

    Names stay in the portal: a child's name never travels by email.
    """
    from django.core.mail import send_mail

    from core.selectors import district_officials

    on = on or timezone.localdate()
    due: dict[int, list[str]] = {}
    for district_id, number in BondedCase.objects.filter(next_visit_on__lte=on).values_list(
            "origin_district_id", "number"):
        due.setdefault(district_id, []).append(number)
    for district_id, number in ChildCase.objects.filter(next_visit_on__lte=on).values_list(
            "district_id", "number"):
        due.setdefault(district_id, []).append(number)
    sent = 0
    for district_id, numbers in sorted(due.items()):
        officers = district_officials(district=district_id, roles=[R.LABOUR_OFFICER])
        emails = sorted(set(officers.exclude(email="").values_list("email", flat=True)))
        if not emails:
            continue
        send_mail(f"Follow-up visits due: {len(numbers)}",
                  "Follow-up visits are due for these cases (open the portal's "
                  "\"Visits due\" page):\n" + "\n".join(sorted(numbers)),
                  None, emails, fail_silently=True)
        sent += 1
    return {"districts": len(due), "emails": sent,
            "cases": sum(len(numbers) for numbers in due.values())}
