from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.deliberation.models import (
    ConsensusEvent,
    ConsensusQuestion,
    ConsensusResult,
    Meeting,
    MeetingEvent,
    Resolution,
    SensitiveWord,
    Statement,
    StatementFlag,
    SupportThreshold,
    Topic,
    TopicEvent,
)


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


# --- consensus map (共识地图) ---------------------------------------------------------------
# Read-mostly: questions, statements and reports change through consensus.services (each
# with a ConsensusEvent); the admin may only correct a question's description, and that
# lands in the audit log. Individual votes and people's places on the map are not shown
# here at all: the map never identifies anyone (docs/consensus.md).


class ConsensusEventInline(admin.TabularInline):
    model = ConsensusEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    can_delete = False
    fields = ("body", "seeded", "status", "vote_count", "open_flags", "hidden_reason")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConsensusQuestion)
class ConsensusQuestionAdmin(AuditedAdmin):
    list_display = ("prompt", "topic", "status", "created_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("prompt", "topic__title")
    date_hierarchy = "created_at"
    fields = ("prompt", "description", "topic", "status", "created_by", "created_at", "closed_at")
    readonly_fields = ("prompt", "topic", "status", "created_by", "created_at", "closed_at")
    audited_fields = ["description"]
    inlines = [StatementInline, ConsensusEventInline]

    def has_add_permission(self, request):
        return False  # opened on the staff desk or through the API, with its event

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    """Hiding a statement is done on the moderation queue, with a reason and an event."""

    list_display = ("body", "question", "status", "seeded", "vote_count", "open_flags")
    list_filter = ("status", "seeded")
    search_fields = ("body", "question__prompt")


@admin.register(StatementFlag)
class StatementFlagAdmin(ReadOnlyAdmin):
    list_display = ("statement", "reason", "created_at", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("reason", "statement__body")
    date_hierarchy = "created_at"


@admin.register(ConsensusResult)
class ConsensusResultAdmin(ReadOnlyAdmin):
    """When each map was computed and how long it took; the groups are on the map page."""

    list_display = ("question", "version", "computed_at", "seconds")
    exclude = ("data",)


# --- meetings and resolutions (议事会, 决议) --------------------------------------------------
# Read-only: every change goes through meetings.services / meetings.resolutions with a
# MeetingEvent, shown inline.


class MeetingEventInline(admin.TabularInline):
    model = MeetingEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ResolutionEventInline(MeetingEventInline):
    fk_name = "resolution"


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "scope", "starts_at", "concluded_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    exclude = ("checkin_secret",)
    inlines = [MeetingEventInline]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ("title", "meeting", "status", "published_at", "effective_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("title",)
    inlines = [ResolutionEventInline]
