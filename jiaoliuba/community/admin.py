"""The community app in the admin: read-only. Notices, wishes, ideas and stories change
only through their services (each with an event); channel webhooks are set at the
community desk and audited there (the endpoint itself is in the notifications admin)."""

from django.contrib import admin

from jiaoliuba.community.models import CommunityEvent, Idea, Notice, NoticeChannel, Story, Wish
from jiaoliuba.core.admin import ReadOnlyAdmin


@admin.register(NoticeChannel)
class NoticeChannelAdmin(ReadOnlyAdmin):
    list_display = ("region", "webhook", "created_at")
    search_fields = ("region__name",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "scope", "status", "recipients", "published_at")
    list_filter = ("status", "kind", "scope")
    search_fields = ("title",)


@admin.register(Wish)
class WishAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "status", "created_at")
    list_filter = ("status",)


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "status", "consent_public", "points", "created_at")
    list_filter = ("status", "consent_public")


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "status", "published_at")
    list_filter = ("status",)


@admin.register(CommunityEvent)
class CommunityEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "subject",
        "subject_id",
        "kind",
        "actor",
        "from_status",
        "to_status",
    )
    list_filter = ("subject", "kind")
