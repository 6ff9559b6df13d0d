"""Background job handlers of welfare: the payment file and the bank's response."""

from core.jobs import job_handler
from welfare.services import bank_response_ingest, payment_file_write


@job_handler("payment_file")
def payment_file_run(job):
    """Write an approved batch's payment file (``job.params``: ``{"batch_id": N}``)."""
    return payment_file_write(batch_id=job.params["batch_id"], job_id=job.pk)


@job_handler("payment_response_ingest")
def payment_response_run(job):
    """Apply a bank response file (``job.params``: ``{"response_id": N}``)."""
    return bank_response_ingest(response_id=job.params["response_id"], job_id=job.pk)
