from django.contrib import admin

from jiaoliuba.core.models import AuditLog, SensitiveAccessLog, SmsOutbox, WorkerHeartbeat
from jiaoliuba.core.services import audit_record, model_snapshot


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete made in the admin lands in the audit log with the values
    before and after (encrypted fields are left out of `audited_fields`)."""

    audited_fields: list[str] = []

    def _fields(self, obj):
        return self.audited_fields or [
            f.name for f in obj._meta.concrete_fields if not f.primary_key
        ]

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = model_snapshot(old, self._fields(obj)) if old else {}
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            target=obj,
            before=before,
            after=model_snapshot(obj, self._fields(obj)),
            ip=request.META.get("REMOTE_ADDR"),
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="admin.delete",
            target=obj,
            before=model_snapshot(obj, self._fields(obj)),
            ip=request.META.get("REMOTE_ADDR"),
        )
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target_type", "target_repr")
    list_filter = ("action", "target_type")
    search_fields = ("target_id", "target_repr", "action")
    date_hierarchy = "created_at"


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "field", "subject_type", "subject_id", "reason", "ip")
    list_filter = ("field", "subject_type")
    date_hierarchy = "created_at"


@admin.register(SmsOutbox)
class SmsOutboxAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "masked", "body")

    @admin.display(description="phone")
    def masked(self, obj):
        from jiaoliuba.core.masking import mask_phone

        return mask_phone(obj.phone)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at")
