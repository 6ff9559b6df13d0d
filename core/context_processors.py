from django.conf import settings

from core.roles import RoleCode


def portal(request):
    """Values every page needs: the roles for navigation and the languages."""
    user = getattr(request, "user", None)
    roles = user.role_codes if user is not None and user.is_authenticated else frozenset()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_roles": roles,
        "R": {code.name: code.value for code in RoleCode},
        "DEBUG_BANNER": settings.DEBUG,
    }
