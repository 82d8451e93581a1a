from django.contrib import admin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core import clock, workdays
from jiaoliuba.core.masking import mask_phone
from jiaoliuba.core.models import (
    AuditLog,
    CalendarDay,
    CalendarYear,
    SensitiveAccessLog,
    SmsOutbox,
    WorkerHeartbeat,
)
from jiaoliuba.core.request import client_ip
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
            ip=client_ip(request),
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="admin.delete",
            target=obj,
            before=model_snapshot(obj, self._fields(obj)),
            ip=client_ip(request),
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
        return mask_phone(obj.phone)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at")


# --- Working-day calendar (jiaoliuba.core.workdays) ---------------------------------


class CalendarDayYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if len(value) == 4 and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "note")
    list_filter = (CalendarDayYearFilter, "is_working_day")
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "is_working_day", "name", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ("year", "schedule_complete", "source", "confirmed_by", "confirmed_at")
    list_filter = ("year", "schedule_complete")
    fields = ("year", "schedule_complete", "confirmed_by", "confirmed_at")
    readonly_fields = ("confirmed_by", "confirmed_at")

    @admin.display(description=_("schedule in use"))
    def source(self, obj):
        return workdays.SOURCE_LABELS[workdays.calendar_source(obj.year)]

    def save_model(self, request, obj, form, change):
        # The warning for the year stops on this person's word, so keep who and when.
        if not obj.schedule_complete:
            obj.confirmed_by, obj.confirmed_at = None, None
        elif "schedule_complete" in form.changed_data:
            obj.confirmed_by, obj.confirmed_at = request.user, clock.now()
        super().save_model(request, obj, form, change)


# --- django-tasks in Chinese (issue 9, item 21) ------------------------------------------------
# The package's admin names a property and two methods in English that no catalog can
# reach (pretty_name of "task_name", plain-string descriptions); the same admin, labelled.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "task_label",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("task"))
    def task_label(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
