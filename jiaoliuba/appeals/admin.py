from django.contrib import admin

from jiaoliuba.appeals.models import Appeal, AppealEvent, RoutingRule, TimeLimit
from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin


class EventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """Read-only: appeals change only through the workbench and API, where every change
    is a service with an event. The admin is for looking."""

    list_display = (
        "number",
        "priority",
        "category",
        "status",
        "community",
        "received_at",
        "current_due_at",
    )
    list_filter = ("status", "priority", "category", "channel")
    search_fields = ("number",)
    date_hierarchy = "received_at"
    exclude = ("contact_phone",)
    inlines = [EventInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = (
        "name",
        "region",
        "priority",
        "category",
        "target_role",
        "target_level",
        "notify_role",
        "active",
    )
    list_filter = ("active", "priority", "category", "target_role")
    raw_id_fields = ("region",)


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedAdmin):
    list_display = (
        "priority",
        "category",
        "response_hours",
        "response_working_days",
        "resolution_working_days",
    )
