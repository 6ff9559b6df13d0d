"""Scoping rules of core's models (see core.scoping)."""

from django.db.models import Q

from core import scoping
from core.models import AuditEvent, District, Job, User, UserDistrict
from core.roles import RoleCode as R


def _users_of_my_districts(user):
    in_mine = UserDistrict.objects.filter(district_id__in=user.district_ids).values("user_id")
    return Q(pk__in=in_mine) | Q(home_district_id__in=list(user.district_ids))


scoping.register(User, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.any_of(_users_of_my_districts, scoping.is_user("pk")),
    **{role: scoping.is_user("pk") for role in R.values if role not in
       (R.STATE_ADMIN, R.DISTRICT_ADMIN)},
})

scoping.register(District, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("pk"),
    R.LABOUR_OFFICER: scoping.in_districts("pk"),
    R.SAFETY_INSPECTOR: scoping.in_districts("pk"),
    R.CSC_OPERATOR: scoping.in_home_district("pk"),
})

scoping.register(AuditEvent, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("district"),
})

scoping.register(Job, {
    R.STATE_ADMIN: scoping.ALL,
    **{role: scoping.is_user("created_by") for role in R.values if role != R.STATE_ADMIN},
})
