"""Scoping rules of the compliance app (see core.scoping).

Bonded labour cases are seen at both ends: the home district and the district of
release. Minors' records (child labour cases and surveys) are the most restricted
records of the portal: only the district labour officer, the district admin and
the state admin see them.
"""

from django.db.models import Q

from compliance.models import (
    BondedCase,
    ChildCase,
    ChildSurvey,
    FollowUpVisit,
    Hearing,
    RehabComponent,
    RescueOperation,
)
from core import scoping
from core.roles import RoleCode as R


def _either_end(prefix: str = ""):
    def rule(user):
        districts = list(user.district_ids)
        return (Q(**{f"{prefix}origin_district__in": districts})
                | Q(**{f"{prefix}release_district__in": districts}))
    return rule


def _operations(user):
    """Operations in the user's districts, or that released someone from them; a release
    in another state also to the official who recorded it (before its first person)."""
    districts = list(user.district_ids)
    return (Q(district__in=districts)
            | Q(pk__in=BondedCase.objects.filter(origin_district__in=districts)
                .values("operation_id"))
            | Q(district__isnull=True, created_by=user.pk))


DISTRICT_OFFICIALS = (R.DISTRICT_ADMIN, R.LABOUR_OFFICER)

scoping.register(RescueOperation, {
    R.STATE_ADMIN: scoping.ALL, **{role: _operations for role in DISTRICT_OFFICIALS}})
scoping.register(BondedCase, {
    R.STATE_ADMIN: scoping.ALL, **{role: _either_end() for role in DISTRICT_OFFICIALS}})
scoping.register(RehabComponent, {
    R.STATE_ADMIN: scoping.ALL, **{role: _either_end("case__") for role in DISTRICT_OFFICIALS}})

scoping.register(ChildSurvey, {
    R.STATE_ADMIN: scoping.ALL,
    **{role: scoping.in_districts("district") for role in DISTRICT_OFFICIALS}})
scoping.register(ChildCase, {
    R.STATE_ADMIN: scoping.ALL,
    **{role: scoping.in_districts("district") for role in DISTRICT_OFFICIALS}})


def _case_child_or_bonded(user):
    districts = list(user.district_ids)
    return (Q(child_case__district__in=districts)
            | Q(bonded_case__origin_district__in=districts)
            | Q(bonded_case__release_district__in=districts))


for model in (Hearing, FollowUpVisit):
    scoping.register(model, {
        R.STATE_ADMIN: scoping.ALL, **{role: _case_child_or_bonded
                                       for role in DISTRICT_OFFICIALS}})
