from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.core.request import client_ip
from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, Notification, WebhookEndpoint


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "kind")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    fields = ("recipient", "kind", "title", "body", "link", "created_at", "read_at")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log. Targets are shown masked; the full number never appears here."""

    list_display = (
        "id",
        "created_at",
        "channel",
        "kind",
        "masked_target",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "channel", "kind")
    date_hierarchy = "created_at"
    list_select_related = ("endpoint",)
    fields = (
        "channel",
        "kind",
        "masked_target",
        "notification",
        "endpoint",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "payload",
        "created_at",
    )
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("target"))
    def masked_target(self, obj):
        return obj.masked_target

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_delivery")

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["retry"])
    def retry(self, request, queryset):
        done = 0
        for delivery in queryset:
            try:
                services.delivery_retry(
                    actor=request.user, delivery=delivery, ip=client_ip(request)
                )
            except ApplicationError:
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    # The secret stays out of the audit log.
    audited_fields = ["name", "url", "active", "kinds"]
    list_display = ("name", "url", "active", "kinds", "updated_at")
    list_filter = ("active",)
    search_fields = ("name", "url")
    fields = ("name", "url", "active", "kinds", "secret")
    formfield_overrides = {
        EncryptedTextField: {"widget": forms.TextInput(attrs={"size": 60})},
        models.URLField: {"assume_scheme": "https"},
    }
