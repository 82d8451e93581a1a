from django.contrib import admin

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.triage import services
from jiaoliuba.triage.models import TriageFeedback, TriageModelVersion, TriageRule


@admin.register(TriageFeedback)
class TriageFeedbackAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "source",
        "predicted_priority",
        "corrected_priority",
        "predicted_category",
        "corrected_category",
        "actor",
    )
    list_filter = ("corrected_priority", "corrected_category")


@admin.register(TriageRule)
class TriageRuleAdmin(AuditedAdmin):
    list_display = ("name", "priority", "category", "active", "version", "updated_at")
    list_filter = ("active", "priority", "category")
    readonly_fields = ("version",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.triage_rule_touch(rule=obj)


@admin.register(TriageModelVersion)
class TriageModelVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "active", "trained_on", "red_threshold", "created_at", "notes")
    exclude = ("blob",)
