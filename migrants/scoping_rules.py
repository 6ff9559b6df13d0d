"""Scoping rules of the migrants app (see core.scoping)."""

from django.db.models import Q

from core import scoping
from core.roles import RoleCode as R
from migrants.models import HelpDesk, Migrant, Survey, Ticket


def _my_desks_tickets(user):
    """A helpline agent of a desk sees that desk's tickets and those they opened; one of
    no desk (the state helpline) sees every ticket."""
    desks = list(user.help_desks.values_list("pk", flat=True))
    if not desks:
        return scoping.ALL
    return Q(desk_id__in=desks) | Q(opened_by=user.pk)


scoping.register(Migrant, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("origin_district"),
    R.LABOUR_OFFICER: scoping.in_districts("origin_district"),
    # The helpline finds a caller's journeys wherever they are from.
    R.HELPLINE_AGENT: scoping.ALL,
    # A surveyor sees the journeys they captured.
    R.SURVEYOR: scoping.is_user("created_by"),
    R.WORKER: scoping.is_user("worker__owner"),
})

def _surveys_assigned(user):
    """Surveys the user is a surveyor of (a subquery: no duplicate rows from the join)."""
    return Q(pk__in=Survey.surveyors.through.objects.filter(user_id=user.pk)
             .values("survey_id"))


scoping.register(Survey, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("district"),
    R.LABOUR_OFFICER: scoping.any_of(scoping.in_districts("district"),
                                     _surveys_assigned),
    R.SURVEYOR: _surveys_assigned,
})

scoping.register(Ticket, {
    R.STATE_ADMIN: scoping.ALL,
    R.DISTRICT_ADMIN: scoping.in_districts("origin_district"),
    R.LABOUR_OFFICER: scoping.in_districts("origin_district"),
    R.HELPLINE_AGENT: _my_desks_tickets,
    # Tickets about their journeys, and the requests they opened themselves.
    R.WORKER: scoping.any_of(scoping.is_user("migrant__worker__owner"),
                             scoping.is_user("opened_by")),
})

# Help desks are public information.
scoping.register(HelpDesk, {role: scoping.ALL for role in R.values})
