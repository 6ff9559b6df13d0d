"""The Django admin: masters and user management, for the state admin only.

It logs in through allauth (so the second factor applies) and every list is
scoped like the rest of the portal.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from core.roles import RoleCode


class PortalAdminSite(admin.AdminSite):
    site_header = _("Shram Portal administration")
    site_title = _("Shram Portal")
    index_title = _("Masters and users")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.has_role(RoleCode.STATE_ADMIN)

    def login(self, request, extra_context=None):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path(), "account_login")


class PortalAdminConfig(AdminConfig):
    default_site = "core.admin_site.PortalAdminSite"
