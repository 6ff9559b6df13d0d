"""Scoping rules of the employers app (see core.scoping)."""

from core import scoping
from core.roles import RoleCode as R
from employers.models import Establishment

scoping.register(Establishment, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("district"),
    R.LABOUR_OFFICER: scoping.in_districts("district"),
    R.SAFETY_INSPECTOR: scoping.in_districts("district"),
    # An employer sees their own establishments, never another's.
    R.EMPLOYER: scoping.is_user("owner"),
})
