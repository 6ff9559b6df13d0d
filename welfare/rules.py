"""The one eligibility engine: a scheme's configured rules applied to a worker's claim.

Each rule is a function of the claim that returns the reasons (translated, for the
worker to read) why it fails; an empty list means the rule passes. The engine runs
every rule and returns every reason, so a worker learns all that stands in the way
before applying, not one refusal at a time.

Limits (DECISIONS): "once per child" and "twice per family" count across all
workers of a family. A person is identified by their name (spaces and case
ignored) and date of birth; a family by the worker and their wife / husband, so
that two registered parents of the same child share one count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from registration.models import FamilyMember, Worker
from welfare.models import Application, Scheme, SchemeSlab

CHILD_RELATIONS = {FamilyMember.Relation.SON, FamilyMember.Relation.DAUGHTER}


@dataclass
class Claim:
    """What a worker asks for: a scheme, for whom (None: the worker), at which slab, when."""

    scheme: Scheme
    worker: Worker
    family_member: FamilyMember | None = None
    slab: SchemeSlab | None = None
    on: date | None = None
    # False while the worker only looks at the scheme (no beneficiary chosen yet).
    is_complete: bool = True
    exclude_application_id: int | None = None


@dataclass
class Eligibility:
    """The engine's answer: every reason against, and the keys the claim's limits use."""

    reasons: list[str] = field(default_factory=list)
    beneficiary_key: str = ""
    limit_key: str = ""
    period_key: str = ""
    amount: object = None

    @property
    def is_eligible(self) -> bool:
        return not self.reasons


def person_key(name: str, born: date | None) -> str:
    """Return the identity of a person: their name without case or spacing, and birth date."""
    normal = " ".join((name or "").upper().split())
    text = f"{normal}|{born.isoformat() if born else ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def worker_key(worker: Worker) -> str:
    return person_key(worker.name_latin or worker.name, worker.date_of_birth)


def family_key(worker: Worker) -> str:
    """Return the family's identity: the worker and their wife / husband, in either order."""
    members = [worker_key(worker)]
    spouse = next((m for m in worker.family.all()
                   if m.relation == FamilyMember.Relation.SPOUSE), None)
    if spouse is not None:
        members.append(person_key(spouse.name, spouse.date_of_birth))
    return hashlib.sha256("|".join(sorted(members)).encode()).hexdigest()


def period_key(scheme: Scheme, on: date) -> str:
    """Return the period a claim made on ``on`` falls in, for the scheme's limit."""
    if scheme.limit_period == Scheme.LimitPeriod.ACADEMIC_YEAR:
        start_month = settings.WELFARE_ACADEMIC_YEAR_START_MONTH
        year = on.year if on.month >= start_month else on.year - 1
        return f"AY{year}"
    if scheme.limit_period == Scheme.LimitPeriod.CALENDAR_YEAR:
        return f"CY{on.year}"
    return "ever"


def period_label(scheme: Scheme, key: str) -> str:
    if key.startswith("AY"):
        year = int(key[2:])
        return f"{year}-{(year + 1) % 100:02d}"
    if key.startswith("CY"):
        return key[2:]
    return ""


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def beneficiary_gender(claim: Claim) -> str:
    member = claim.family_member
    if member is None:
        return claim.worker.gender
    if member.gender:
        return member.gender
    if member.relation == FamilyMember.Relation.DAUGHTER:
        return Worker.Gender.FEMALE
    if member.relation == FamilyMember.Relation.SON:
        return Worker.Gender.MALE
    if member.relation == FamilyMember.Relation.SPOUSE and claim.worker.gender:
        return {Worker.Gender.MALE: Worker.Gender.FEMALE,
                Worker.Gender.FEMALE: Worker.Gender.MALE}.get(claim.worker.gender, "")
    return ""


# --- The rules --------------------------------------------------------------------------


def rule_scheme_open(claim: Claim) -> list[str]:
    scheme, on = claim.scheme, claim.on
    if scheme.is_on_request:
        return [_("This assistance is paid on an officer's request; it is not applied for.")]
    if not scheme.is_active:
        return [_("This scheme is not accepting applications now.")]
    if scheme.opens_on and on < scheme.opens_on:
        return [_("Applications open on %(date)s.") % {"date": scheme.opens_on.strftime(
            "%d/%m/%Y")}]
    if scheme.closes_on and on > scheme.closes_on:
        return [_("Applications closed on %(date)s.") % {"date": scheme.closes_on.strftime(
            "%d/%m/%Y")}]
    return []


def rule_worker_active(claim: Claim) -> list[str]:
    worker = claim.worker
    if worker.status == Worker.Status.EXPIRED or (
            worker.status == Worker.Status.ACTIVE and worker.valid_until
            and worker.valid_until < claim.on):
        return [_("The registration has expired; renew it first.")]
    if worker.status != Worker.Status.ACTIVE:
        return [_("Only a worker with an approved registration can apply.")]
    return []


def rule_category(claim: Claim) -> list[str]:
    allowed = claim.scheme.categories
    if allowed and claim.worker.category not in allowed:
        names = ", ".join(str(Worker.Category(c).label) for c in allowed)
        return [_("This scheme is for: %(categories)s.") % {"categories": names}]
    return []


def rule_membership(claim: Claim) -> list[str]:
    days = claim.scheme.min_membership_days
    registered = claim.worker.registered_on
    if not days:
        return []
    if registered is None or (claim.on - registered).days < days:
        since = (claim.on - registered).days if registered else 0
        return [_("The worker must have been registered for at least %(days)s days "
                  "(registered for %(since)s days).") % {"days": days, "since": since}]
    return []


def rule_worker_age(claim: Claim) -> list[str]:
    scheme, born = claim.scheme, claim.worker.date_of_birth
    if scheme.min_age is None and scheme.max_age is None:
        return []
    if born is None:
        return [_("The worker's date of birth is not recorded.")]
    age = age_on(born, claim.on)
    if scheme.min_age is not None and age < scheme.min_age:
        return [_("The worker must be at least %(age)s years old (is %(now)s).")
                % {"age": scheme.min_age, "now": age}]
    if scheme.max_age is not None and age > scheme.max_age:
        return [_("The worker must be at most %(age)s years old (is %(now)s).")
                % {"age": scheme.max_age, "now": age}]
    return []


def rule_beneficiary(claim: Claim) -> list[str]:
    kind, member = claim.scheme.beneficiary, claim.family_member
    family = list(claim.worker.family.all())
    if not claim.is_complete:
        if kind == Scheme.Beneficiary.CHILD and not any(
                m.relation in CHILD_RELATIONS for m in family):
            return [_("No son or daughter is recorded in the worker's family details.")]
        if kind == Scheme.Beneficiary.SELF_OR_SPOUSE and claim.scheme.gender \
                and claim.worker.gender != claim.scheme.gender and not any(
                    m.relation == FamilyMember.Relation.SPOUSE for m in family):
            # e.g. maternity: a man may claim only for his wife, and none is recorded.
            return [_("No wife / husband is recorded in the worker's family details.")]
        return []
    if member is not None and member.worker_id != claim.worker.pk:
        return [_("Choose a member of the worker's own family.")]
    if kind == Scheme.Beneficiary.CHILD:
        if member is None or member.relation not in CHILD_RELATIONS:
            return [_("Choose the son or daughter the claim is for.")]
    elif kind == Scheme.Beneficiary.SELF and member is not None:
        return [_("This scheme is for the worker only.")]
    elif kind == Scheme.Beneficiary.SELF_OR_SPOUSE and member is not None \
            and member.relation != FamilyMember.Relation.SPOUSE:
        return [_("This scheme is for the worker or the worker's wife / husband.")]
    return []


def rule_gender(claim: Claim) -> list[str]:
    wanted = claim.scheme.gender
    if not wanted:
        return []
    if not claim.is_complete:
        # A man may claim for his wife (maternity): decided once the beneficiary is chosen.
        if claim.scheme.beneficiary != Scheme.Beneficiary.SELF:
            return []
    if beneficiary_gender(claim) != wanted:
        return [_("This scheme is for a %(gender)s beneficiary.")
                % {"gender": str(Worker.Gender(wanted).label).lower()}]
    return []


def rule_slab(claim: Claim) -> list[str]:
    if not claim.is_complete or not claim.scheme.has_slabs:
        return []
    if claim.slab is None or claim.slab.scheme_id != claim.scheme.pk:
        return [_("Choose the slab (e.g. the class) the claim is for.")]
    return []


def beneficiary_may_repeat(scheme: Scheme) -> bool:
    """Return whether one person may claim again in the same period, up to the limit.

    A limit above one per beneficiary says so; so does one above one per worker or
    family on a scheme for the worker (or the wife / husband): maternity assistance
    for two deliveries of the same woman. Where the beneficiary is a child or any
    family member, such a limit is spread over different people.
    """
    return (scheme.limit_count or 0) > 1 and (
        scheme.limit_scope == Scheme.LimitScope.BENEFICIARY
        or scheme.beneficiary in (Scheme.Beneficiary.SELF, Scheme.Beneficiary.SELF_OR_SPOUSE))


def rule_limits(claim: Claim) -> list[str]:
    """The same claim twice, and the scheme's limit on claims, counting live applications."""
    scheme = claim.scheme
    keys = claim_keys(claim)
    live = Application.objects.filter(scheme=scheme).exclude(status=Application.Status.REJECTED)
    if claim.exclude_application_id:
        live = live.exclude(pk=claim.exclude_application_id)
    reasons = []
    if (claim.is_complete or scheme.beneficiary == Scheme.Beneficiary.SELF) \
            and not beneficiary_may_repeat(scheme):
        claimed_by = Q(worker=claim.worker)
        if scheme.limit_scope == Scheme.LimitScope.FAMILY:
            # Both parents registered: the other one's claim for the same person counts.
            claimed_by |= Q(limit_key=keys["limit_key"])
        repeat = live.filter(claimed_by, beneficiary_key=keys["beneficiary_key"],
                             period_key=keys["period_key"]).first()
        if repeat is not None:
            return [_("This claim has already been made (application %(number)s).")
                    % {"number": repeat.number}]
    if scheme.limit_count and (claim.is_complete
                               or scheme.limit_scope != Scheme.LimitScope.BENEFICIARY):
        made = live.filter(limit_key=keys["limit_key"], period_key=keys["period_key"]).count()
        if made >= scheme.limit_count:
            scope = Scheme.LimitScope(scheme.limit_scope).label
            period = Scheme.LimitPeriod(scheme.limit_period).label
            reasons.append(_("This scheme allows at most %(n)s claims %(scope)s %(period)s; "
                             "%(made)s already made.") % {
                "n": scheme.limit_count, "scope": scope, "period": period, "made": made})
    return reasons


RULES: list[Callable[[Claim], list[str]]] = [
    rule_scheme_open, rule_worker_active, rule_category, rule_membership, rule_worker_age,
    rule_beneficiary, rule_gender, rule_slab, rule_limits,
]


def claim_keys(claim: Claim) -> dict[str, str]:
    """Return the beneficiary, limit and period keys of a claim (see the module notes)."""
    member = claim.family_member
    beneficiary = (person_key(member.name, member.date_of_birth) if member is not None
                   else worker_key(claim.worker))
    scope = claim.scheme.limit_scope
    if scope == Scheme.LimitScope.BENEFICIARY:
        limit = beneficiary
    elif scope == Scheme.LimitScope.FAMILY:
        limit = family_key(claim.worker)
    else:
        limit = f"worker:{claim.worker.pk}"
    return {"beneficiary_key": beneficiary, "limit_key": limit,
            "period_key": period_key(claim.scheme, claim.on)}


def eligibility_check(*, scheme: Scheme, worker: Worker, family_member: FamilyMember | None = None,
                      slab: SchemeSlab | None = None, on: date | None = None,
                      is_complete: bool = True,
                      exclude_application_id: int | None = None) -> Eligibility:
    """Return every reason the worker may not make this claim, and the claim's keys.

    With ``is_complete=False`` only what is known before a beneficiary and slab are
    chosen is checked (what a worker sees on the scheme's page).
    """
    from django.utils import timezone

    claim = Claim(scheme=scheme, worker=worker, family_member=family_member, slab=slab,
                  on=on or timezone.localdate(), is_complete=is_complete,
                  exclude_application_id=exclude_application_id)
    reasons: list[str] = []
    for rule in RULES:
        reasons.extend(rule(claim))
    result = Eligibility(reasons=reasons, **claim_keys(claim))
    result.amount = (slab.amount if slab is not None and scheme.has_slabs else scheme.amount)
    return result
