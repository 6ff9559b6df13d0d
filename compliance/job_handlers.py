"""Background job handlers of compliance: the cess payment receipt (a PDF)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from compliance.models import CessPayment
from core.jobs import job_handler


def cess_receipt_pdf(payment: CessPayment) -> bytes:
    """Return the receipt of a cess payment as a PDF, in English and Hindi."""
    from weasyprint import HTML

    with translation.override("en"):
        html = render_to_string("compliance/cess_receipt_pdf.html", {"payment": payment})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@job_handler("cess_receipt")
def cess_receipt_run(job):
    """Make the receipt PDF of a cess payment (a second run finds it made)."""
    payment = (CessPayment.objects.select_related("project__establishment", "project__district",
                                                  "paid_by")
               .get(pk=job.params["payment_id"]))
    if not payment.receipt:
        with transaction.atomic():
            payment.receipt.save(f"cess-receipt-{payment.challan_reference}.pdf",
                                 ContentFile(cess_receipt_pdf(payment)), save=True)
    return {"payment": payment.pk}
