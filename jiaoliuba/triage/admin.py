from django.contrib import admin

from jiaoliuba.core.admin import ReadOnlyAdmin
from jiaoliuba.triage.models import TriageFeedback


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
