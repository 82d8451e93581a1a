from django.contrib import admin

from jiaoliuba.appeals.models import Appeal, AppealEvent, RoutingRule, TimeLimit
from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin


def _hides_filer(request, obj) -> bool:
    """An anonymous appeal's filer (and its repeat link, which would name them) stays
    hidden from admin users without the reveal permission, as everywhere else."""
    return bool(
        obj is not None
        and obj.is_anonymous
        and not request.user.has_perm("appeals.reveal_anonymous_submitter")
    )


class EventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The actor of the filing and rating events is the filer.
        return [f for f in fields if f != "actor"] if _hides_filer(request, obj) else fields


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

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if _hides_filer(request, obj):
            exclude += ["submitter", "repeat_of"]
        return exclude


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
