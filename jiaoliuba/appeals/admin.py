from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal, AppealEvent, RoutingRule, TimeLimit
from jiaoliuba.appeals.plain import triage_explained
from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin

NOT_HANDLER_ROLES = frozenset({Role.RESIDENT, Role.VOLUNTEER})


def _status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else (code or "—")


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
    fields = ("created_at", "kind", "actor", "from_label", "to_label", "message")
    readonly_fields = fields

    # The status columns hold codes; administrators read the names.
    @admin.display(description=_("from status"))
    def from_label(self, obj):
        return _status_label(obj.from_status)

    @admin.display(description=_("to status"))
    def to_label(self, obj):
        return _status_label(obj.to_status)

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
    exclude = ("contact_phone", "triage_reasons")
    readonly_fields = ("triage_explained",)
    inlines = [EventInline]

    @admin.display(description=_("classification reasons"))
    def triage_explained(self, obj):
        return "；".join(triage_explained(obj)) or "—"

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if _hides_filer(request, obj):
            exclude += ["submitter", "repeat_of"]
        return exclude


class RulebookAdmin(AuditedAdmin):
    """Every change tells the services, which replace each process's in-memory copy of
    the rules and limits at once (the admin's views run in one transaction)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.rules_changed_in_bulk()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.rules_changed_in_bulk()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.rules_changed_in_bulk()


@admin.register(RoutingRule)
class RoutingRuleAdmin(RulebookAdmin):
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
    autocomplete_fields = ("region",)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name in ("target_role", "notify_role"):
            # Appeals are handled (and red ones watched) by staff and professionals,
            # never by a resident or a volunteer.
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.get_choices(include_blank=db_field.blank)
                if value not in NOT_HANDLER_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(TimeLimit)
class TimeLimitAdmin(RulebookAdmin):
    list_display = (
        "priority",
        "category",
        "response_hours",
        "response_working_days",
        "resolution_working_days",
    )
