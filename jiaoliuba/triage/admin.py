import re

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.triage import classifier, services
from jiaoliuba.triage.models import TriageFeedback, TriageModelVersion, TriageRule
from jiaoliuba.triage.models.rule import TriageRuleKind


class ModelHealthWarningMixin:
    """Administrators see at once when triage runs without its model (rules only)."""

    def changelist_view(self, request, extra_context=None):
        health = classifier.model_health()
        if not health["ok"]:
            messages.warning(
                request,
                _(
                    "Triage model not loaded; running on %(source)s. Every verdict goes to manual review. Cause: %(detail)s"
                )
                % {"source": health["source"], "detail": health["detail"]},
            )
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


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
        fields = [
            "name",
            "kind",
            "reason",
            "priority",
            "category",
            "keywords",
            "patterns",
            "exclude",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # an ordinary rule unless said otherwise

    def clean_kind(self):
        return self.cleaned_data.get("kind") or TriageRuleKind.CLASSIFY

    def clean(self):
        data = super().clean() or self.cleaned_data
        if data.get("kind") == TriageRuleKind.NOT_RED:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why appeals matching this rule are not red."))
            if data.get("priority"):
                self.add_error("priority", _("A 'not red because' rule does not set a priority."))
            if data.get("category") and data["category"] not in classifier.RED_CATEGORIES:
                self.add_error(
                    "category",
                    _("Only safety hazards and collective conflicts are red by default."),
                )
        return data

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
class TriageRuleAdmin(ModelHealthWarningMixin, AuditedAdmin):
    form = TriageRuleForm
    list_display = ("name", "kind", "priority", "category", "active", "version", "updated_at")
    list_filter = ("kind", "active", "priority", "category")
    readonly_fields = ("version",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.triage_rule_touch(rule=obj)


@admin.register(TriageModelVersion)
class TriageModelVersionAdmin(ModelHealthWarningMixin, ReadOnlyAdmin):
    list_display = ("version", "active", "trained_on", "red_threshold", "created_at", "notes")
    exclude = ("blob",)
