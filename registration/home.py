"""What registration adds to the home pages."""

from core.home import home_context_register, subject_records_register
from core.roles import RoleCode as R
from registration import selectors
from registration.models import Worker


@home_context_register
def registration_home(user, roles) -> dict:
    """Add the worker's profiles, the officer's queue size and the operator's drafts."""
    context = {}
    if R.WORKER in roles:
        context["worker_profiles"] = list(selectors.worker_profiles(user=user))
    if R.LABOUR_OFFICER in roles or R.STATE_ADMIN in roles:
        context["queue_count"] = selectors.worker_queue(user=user).count()
    if R.CSC_OPERATOR in roles:
        mine = selectors.worker_list(user=user)
        context["csc_drafts"] = list(mine.filter(status__in=[
            Worker.Status.DRAFT, Worker.Status.SENT_BACK]).order_by("-updated_at")[:10])
        context["csc_submitted_count"] = mine.exclude(status=Worker.Status.DRAFT).count()
    return context


@subject_records_register
def registration_subject_records(user) -> list:
    """A worker's profiles are records about them: they see who viewed or changed them."""
    return list(Worker.objects.filter(owner=user))
