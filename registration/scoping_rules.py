"""Scoping rules of registration's models (see core.scoping)."""

from core import scoping
from core.roles import RoleCode as R
from registration.models import Camp, DistrictTarget, LabourCard, Worker, WorkerDocument


def _worker_rules(prefix: str = "") -> dict:
    return {
        R.STATE_ADMIN: scoping.ALL,
        R.DISTRICT_ADMIN: scoping.in_districts(f"{prefix}district"),
        R.LABOUR_OFFICER: scoping.in_districts(f"{prefix}district"),
        # An operator's lists show the records they created (DECISIONS).
        R.CSC_OPERATOR: scoping.is_user(f"{prefix}registered_by"),
        R.WORKER: scoping.is_user(f"{prefix}owner"),
    }


# The helpline finds a caller's registration by mobile, wherever the caller is from (no
# documents or cards: those stay with the rules below).
scoping.register(Worker, {**_worker_rules(), R.HELPLINE_AGENT: scoping.ALL})
scoping.register(LabourCard, _worker_rules("worker__"))
scoping.register(WorkerDocument, _worker_rules("worker__"))

scoping.register(Camp, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("district"),
    R.LABOUR_OFFICER: scoping.in_districts("district"),
    R.CSC_OPERATOR: scoping.in_home_district("district"),
})

scoping.register(DistrictTarget, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("district"),
    R.LABOUR_OFFICER: scoping.in_districts("district"),
})
