"""Scoping rules of welfare's models (see core.scoping)."""

from core import scoping
from core.roles import RoleCode as R
from welfare.models import (
    Application,
    ApplicationDocument,
    BankResponseFile,
    PaymentBatch,
    PaymentLine,
    Scheme,
)

ACCOUNTS = {R.ACCOUNTS_MAKER: scoping.ALL, R.ACCOUNTS_CHECKER: scoping.ALL}


def _application_rules(prefix: str = "") -> dict:
    return {
        R.STATE_ADMIN: scoping.ALL,
        R.DISTRICT_ADMIN: scoping.in_districts(f"{prefix}district"),
        R.LABOUR_OFFICER: scoping.in_districts(f"{prefix}district"),
        # An operator sees the applications they made and those of workers they registered.
        R.CSC_OPERATOR: scoping.any_of(scoping.is_user(f"{prefix}applied_by"),
                                       scoping.is_user(f"{prefix}worker__registered_by")),
        R.WORKER: scoping.is_user(f"{prefix}worker__owner"),
        # Accounts staff pay applications of every district (the board is state-wide).
        **ACCOUNTS,
    }


scoping.register(Application, _application_rules())
scoping.register(ApplicationDocument, {
    role: rule for role, rule in _application_rules("application__").items()
    if role not in ACCOUNTS
})

# The catalogue is public information: every logged-in role reads it.
scoping.register(Scheme, {role: scoping.ALL for role in R.values})

# Batches hold bank details of many districts: state-level accounts staff only.
for model in (PaymentBatch, PaymentLine, BankResponseFile):
    scoping.register(model, {R.STATE_ADMIN: scoping.ALL, **ACCOUNTS})
