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
from compliance.services.cess import (  # noqa: F401
    cess_order_issue,
    cess_pay,
    cess_self_assess,
    current_assessment,
    project_dues,
    project_register,
)
from compliance.services.child import (  # noqa: F401
    child_case_create,
    child_case_update,
    child_survey_save,
)
from compliance.services.common import hearing_add, visit_record, visits_due_notify  # noqa: F401
from compliance.services.safety import (  # noqa: F401
    accident_investigation_save,
    accident_report,
    committee_meeting_add,
    committee_member_add,
    committee_member_remove,
    factory_register,
    factory_risk_refresh,
    factory_update,
    inspection_compliance_review,
    inspection_compliance_submit,
    inspection_create,
    inspection_plan_month,
    inspection_report_save,
    is_certifier,
    workshop_attendance_record,
    workshop_save,
)
from compliance.services.voluntary import self_certify  # noqa: F401
