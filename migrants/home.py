"""What the migrants app adds to the home pages."""

from django.utils.translation import get_language

from core.home import home_context_register
from core.roles import RoleCode as R
from migrants import selectors
from migrants.models import Ticket

TICKET_STAFF = {R.HELPLINE_AGENT, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}


@home_context_register
def migrants_home(user, roles) -> dict:
    """Add migrants away per destination state (officers) and open/overdue tickets (staff)."""
    context = {}
    if {R.LABOUR_OFFICER, R.DISTRICT_ADMIN} & set(roles):
        hindi = get_language() == "hi"
        context["migrants_out_by_state"] = [
            {"state": (row["destination_state__name_hi"] if hindi
                       and row["destination_state__name_hi"]
                       else row["destination_state__name_en"]),
             "state_id": row["destination_state_id"], "n": row["n"]}
            for row in selectors.migrants_out_by_state(user=user)]
    if R.SURVEYOR in roles:
        context["surveyor_surveys"] = list(selectors.survey_list(user=user)
                                           .order_by("-starts_on")[:10])
    if TICKET_STAFF & set(roles):
        tickets = selectors.ticket_list(user=user)
        context["tickets_open_count"] = tickets.filter(
            status__in=[Ticket.Status.OPEN, Ticket.Status.IN_PROGRESS]).count()
        context["tickets_overdue_count"] = selectors.ticket_overdue(user=user).count()
    return context
