"""What the employers app adds to the home pages: the employer's own establishments."""

from django.db.models import Count
from django.utils import timezone

from core.home import home_context_register
from core.roles import RoleCode as R
from employers import selectors
from employers.models import Establishment

# Establishments whose construction work is liable to the BOC cess.
CESS_KINDS = {Establishment.Kind.CONSTRUCTION, Establishment.Kind.CONTRACTOR}
# Establishments listed on the employer's home page (the list has the rest).
HOME_SHOWN = 20

@home_context_register
def employers_home(user, roles) -> dict:
    """Add the employer's own establishments and what applies to each (employers only)."""
    if R.EMPLOYER not in roles:
        return {}
    year = timezone.localdate().year
    own = selectors.establishment_list(user=user).filter(owner=user)
    mine = (selectors.establishments_with_certification(own, year=year)
            .select_related("factory")
            .annotate(projects_count=Count("projects", distinct=True))
            .order_by("name", "pk"))
    rows = list(mine[:HOME_SHOWN + 1])
    establishments = [
        {"establishment": establishment,
         "is_factory": establishment.kind == Establishment.Kind.FACTORY,
         "factory": selectors.factory_of(establishment),
         "is_cess": establishment.kind in CESS_KINDS,
         "projects_count": establishment.projects_count,
         "is_certified": bool(establishment.certified_count),
         "is_revoked": bool(establishment.certification_count
                            and not establishment.certified_count)}
        for establishment in rows[:HOME_SHOWN]
    ]
    return {"employer_establishments": establishments,
            "employer_establishments_more": len(rows) > HOME_SHOWN,
            "employer_year": year}
