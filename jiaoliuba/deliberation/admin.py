from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.deliberation.models import SensitiveWord, SupportThreshold, Topic, TopicEvent


class TopicEventInline(admin.TabularInline):
    model = TopicEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_stage", "to_stage", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    """Read-only: topics change only through their services, each with an event."""

    list_display = ("title", "source", "stage", "scope", "support_count", "due_at", "created_at")
    list_filter = ("stage", "source")
    search_fields = ("title",)
    inlines = [TopicEventInline]


@admin.register(SensitiveWord)
class SensitiveWordAdmin(AuditedAdmin):
    """Words topics and comments may not contain; every change is in the audit log."""

    list_display = ("word", "active", "note", "created_at")
    list_filter = ("active",)
    search_fields = ("word",)


@admin.register(SupportThreshold)
class SupportThresholdAdmin(AuditedAdmin):
    list_display = ("community", "supporters")
    autocomplete_fields = ("community",)

    @admin.display(description=_("community"))
    def community_name(self, obj):
        return obj.community.name
