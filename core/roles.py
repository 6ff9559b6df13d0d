"""Role codes. The roles themselves are rows of core.Role (data, not code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    STATE_ADMIN = "state_admin", _("State admin")
    DISTRICT_ADMIN = "district_admin", _("District admin")
    LABOUR_OFFICER = "labour_officer", _("Labour officer")
    SAFETY_INSPECTOR = "safety_inspector", _("Safety inspector")
    SURVEYOR = "surveyor", _("Surveyor")
    HELPLINE_AGENT = "helpline_agent", _("Helpline agent")
    ACCOUNTS_MAKER = "accounts_maker", _("Accounts officer (maker)")
    ACCOUNTS_CHECKER = "accounts_checker", _("Accounts approver (checker)")
    CSC_OPERATOR = "csc_operator", _("CSC / Lok Mitra operator")
    EMPLOYER = "employer", _("Employer")
    WORKER = "worker", _("Worker")


# Order in which a user holding several roles sees their home page sections.
ROLE_PRIORITY = [
    RoleCode.STATE_ADMIN, RoleCode.DISTRICT_ADMIN, RoleCode.LABOUR_OFFICER,
    RoleCode.SAFETY_INSPECTOR, RoleCode.SURVEYOR, RoleCode.HELPLINE_AGENT, RoleCode.ACCOUNTS_MAKER,
    RoleCode.ACCOUNTS_CHECKER, RoleCode.CSC_OPERATOR, RoleCode.EMPLOYER, RoleCode.WORKER,
]

# Roles whose users log in with a password and a second factor (DECISIONS: staff MFA).
STAFF_ROLES = frozenset(ROLE_PRIORITY) - {RoleCode.EMPLOYER, RoleCode.WORKER}
# Roles whose jurisdiction is a set of districts.
DISTRICT_ROLES = frozenset({
    RoleCode.DISTRICT_ADMIN, RoleCode.LABOUR_OFFICER, RoleCode.SAFETY_INSPECTOR,
})
