from django.contrib import admin

from jiaoliuba.core.admin import AuditedAdmin
from jiaoliuba.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)

    def has_add_permission(self, request):
        # The tree is kept consistent (codes, paths) by `jiaoliuba import_regions`.
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("code", "level", "parent", "path") if obj else self.readonly_fields
