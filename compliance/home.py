"""What the compliance app adds to the home pages."""

from django.utils import timezone

from compliance import selectors
from compliance.models import BondedCase, ChildCase
from core.home import home_context_register
from core.roles import RoleCode as R

CASE_STAFF = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}


@home_context_register
def compliance_home(user, roles) -> dict:
    """Add bonded and child labour case counts that need action (officers and admins)."""
    if not CASE_STAFF & set(roles):
        return {}
    today = timezone.localdate()
    bonded = selectors.bonded_case_list(user=user)
    children = selectors.child_case_list(user=user)
    return {"compliance_cases": {
        "assistance_overdue": bonded.filter(selectors.assistance_overdue_q(today=today)).count(),
        "bonded_open": bonded.exclude(stage=BondedCase.Stage.REHABILITATED).count(),
        "awaiting_here": selectors.bonded_awaiting_here(user=user).count(),
        "children_open": children.exclude(stage=ChildCase.Stage.REHABILITATED).count(),
        "visits_due": (bonded.filter(next_visit_on__lte=today).count()
                       + children.filter(next_visit_on__lte=today).count()),
    }}
