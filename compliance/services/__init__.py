"""Writes of compliance, split by sub-domain; import from here."""

from compliance.services.bonded import (  # noqa: F401
    bonded_assistance_record,
    bonded_assistance_request,
    bonded_case_create,
    bonded_case_hand_over,
    bonded_case_update,
    bonded_case_worker_link,
    bonded_case_worker_start,
    bonded_legal_save,
    case_payments_sync,
    rehab_component_payment_request,
    rehab_component_save,
    rescue_operation_create,
)
from compliance.services.child import (  # noqa: F401
    child_case_create,
    child_case_update,
    child_survey_save,
)
from compliance.services.common import hearing_add, visit_record, visits_due_notify  # noqa: F401
