from django.contrib import admin

from core.admin import PortalModelAdmin
from welfare.models import Scheme, SchemeSlab


class SchemeSlabInline(admin.TabularInline):
    model = SchemeSlab
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(PortalModelAdmin):
    """A fallback to the portal's scheme pages (welfare:scheme_update) for the state admin."""

    list_display = ["code", "name_en", "name_hi", "amount", "limit_count", "is_active"]
    search_fields = ["code", "name_en", "name_hi"]
    inlines = [SchemeSlabInline]
