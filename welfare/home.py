"""What welfare adds to the home pages."""

from core.home import home_context_register
from core.roles import RoleCode as R
from welfare import selectors
from welfare.models import Application, PaymentBatch


@home_context_register
def welfare_home(user, roles) -> dict:
    """Add the officer's application queue size and the accounts staff's batches to act on."""
    context = {}
    if R.LABOUR_OFFICER in roles or R.STATE_ADMIN in roles or R.DISTRICT_ADMIN in roles:
        context["welfare_queue_count"] = selectors.application_queue(user=user).count()
    if R.WORKER in roles:
        context["welfare_my_applications"] = list(
            selectors.application_list(user=user).order_by("-submitted_at")[:5])
    if R.ACCOUNTS_MAKER in roles or R.ACCOUNTS_CHECKER in roles:
        batches = selectors.batch_list(user=user)
        context["welfare_batches_awaiting"] = batches.filter(
            status=PaymentBatch.Status.AWAITING_APPROVAL).count()
        context["welfare_payable_count"] = selectors.payable_applications().count()
        context["welfare_failed_count"] = selectors.application_list(user=user).filter(
            status=Application.Status.PAYMENT_FAILED).count()
    return context
