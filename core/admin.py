from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.models import Block, District, Role, State, User, UserDistrict, UserRole, Village
from core.roles import RoleCode
from core.scoping import scoped


class PortalModelAdmin(admin.ModelAdmin):
    """Admin pages are for the state admin only and scoped like every list."""

    def _is_state_admin(self, request):
        return request.user.is_authenticated and request.user.has_role(RoleCode.STATE_ADMIN)

    def has_module_permission(self, request):
        return self._is_state_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_state_admin(request)

    def has_add_permission(self, request):
        return self._is_state_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_state_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # masters and users are deactivated, never deleted


class ScopedAdmin(PortalModelAdmin):
    def get_queryset(self, request):
        return scoped(request.user, super().get_queryset(request))


@admin.register(State)
class StateAdmin(PortalModelAdmin):
    list_display = ["name_en", "name_hi", "code", "lgd_code", "kind", "is_synthetic"]
    search_fields = ["name_en", "name_hi", "code"]


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name_en", "name_hi", "code", "lgd_code", "state", "is_synthetic"]
    list_filter = ["state"]
    search_fields = ["name_en", "name_hi", "code"]


@admin.register(Block)
class BlockAdmin(PortalModelAdmin):
    list_display = ["name_en", "name_hi", "lgd_code", "district", "kind", "is_synthetic"]
    list_filter = ["kind", "district"]
    search_fields = ["name_en", "name_hi"]
    list_select_related = ["district"]


@admin.register(Village)
class VillageAdmin(PortalModelAdmin):
    list_display = ["name_en", "name_hi", "lgd_code", "block", "kind", "is_synthetic"]
    search_fields = ["name_en", "name_hi", "lgd_code"]
    list_select_related = ["block"]
    autocomplete_fields = ["block"]


@admin.register(Role)
class RoleAdmin(PortalModelAdmin):
    list_display = ["code", "requires_mfa", "is_staff_role", "sort_order"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0
    fields = ["role"]


class UserDistrictInline(admin.TabularInline):
    model = UserDistrict
    extra = 0
    autocomplete_fields = ["district"]


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "mobile", "operator_id",
                    "home_district", "is_active"]
    list_filter = ["is_active", "role_links__role", "home_district"]
    search_fields = ["username", "first_name", "last_name", "email", "mobile", "operator_id"]
    inlines = [UserRoleInline, UserDistrictInline]
    autocomplete_fields = ["home_district"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "mobile",
                                  "preferred_language")}),
        (_("Operator and jurisdiction"), {"fields": ("operator_id", "home_district")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
