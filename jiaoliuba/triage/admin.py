import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


class TriageRuleForm(forms.ModelForm):
    class Meta:
        model = TriageRule
        fields = ["name", "priority", "category", "keywords", "patterns", "exclude", "active"]

    def clean_patterns(self):
        value = self.cleaned_data["patterns"]
        for number, line in enumerate(value.splitlines(), start=1):
            if line.strip():
                try:
                    re.compile(line.strip())
                except re.error as exc:
                    raise forms.ValidationError(
                        _("Pattern on line %(n)s is not a valid regular expression: %(error)s")
                        % {"n": number, "error": exc}
                    ) from exc
        return value


@admin.register(TriageRule)
class TriageRuleAdmin(AuditedAdmin):
    form = TriageRuleForm
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
