"""Writes of welfare, split by sub-domain; import from here."""

from welfare.services.applications import (  # noqa: F401
    application_payment_retry,
    application_reject,
    application_resubmit,
    application_sanction,
    application_send_back,
    application_submit,
    application_verify,
    sanction_limit,
    scheme_committed,
)
from welfare.services.payments import (  # noqa: F401
    bank_response_ingest,
    bank_response_upload,
    bank_simulation_run,
    payment_batch_approve,
    payment_batch_cancel,
    payment_batch_create,
    payment_file_open,
    payment_file_write,
)
from welfare.services.requests import payment_request_create  # noqa: F401
from welfare.services.schemes import scheme_save  # noqa: F401
