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


# --- Factory safety, cess and voluntary compliance ---------------------------------------

from compliance.models import (  # noqa: E402
    Accident,
    CessAssessment,
    CessPayment,
    CommitteeMeeting,
    CommitteeMember,
    ConstructionProject,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
    WorkshopAttendance,
)

SAFETY_OFFICIALS = (R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR)


def _district_officials(path: str = "district", roles=SAFETY_OFFICIALS) -> dict:
    return {R.STATE_ADMIN: scoping.ALL, **{role: scoping.in_districts(path) for role in roles}}


def _planned_hidden(user):
    """An employer sees their factories' inspections once made: a planned visit is a
    surprise."""
    return Q(factory__establishment__owner=user.pk, status=Inspection.Status.DONE)


scoping.register(Factory, {**_district_officials(),
                           R.EMPLOYER: scoping.is_user("establishment__owner")})
scoping.register(Inspection, {**_district_officials(), R.EMPLOYER: _planned_hidden})
scoping.register(Accident, {**_district_officials(),
                            R.EMPLOYER: scoping.is_user("factory__establishment__owner")})
for model in (CommitteeMember, CommitteeMeeting):
    scoping.register(model, {**_district_officials("factory__district"),
                             R.EMPLOYER: scoping.is_user("factory__establishment__owner")})


def _workshops(user):
    """Workshops of the user's districts and the state-level ones."""
    return Q(district__in=list(user.district_ids)) | Q(district__isnull=True)


# Training is public within the department and open to every employer.
scoping.register(Workshop, {R.STATE_ADMIN: scoping.ALL, R.EMPLOYER: scoping.ALL,
                            **{role: _workshops for role in SAFETY_OFFICIALS}})
scoping.register(WorkshopAttendance, {
    **_district_officials("factory__district"),
    R.EMPLOYER: scoping.is_user("factory__establishment__owner")})

# Cess is the labour officers' (and the district admin's); the employer sees their own.
CESS_OFFICIALS = (R.DISTRICT_ADMIN, R.LABOUR_OFFICER)
scoping.register(ConstructionProject, {
    **_district_officials(roles=CESS_OFFICIALS),
    R.EMPLOYER: scoping.is_user("establishment__owner")})
for model in (CessAssessment, CessPayment):
    scoping.register(model, {**_district_officials("project__district", CESS_OFFICIALS),
                             R.EMPLOYER: scoping.is_user("project__establishment__owner")})
scoping.register(SelfCertification, {**_district_officials(),
                                     R.EMPLOYER: scoping.is_user("establishment__owner")})
