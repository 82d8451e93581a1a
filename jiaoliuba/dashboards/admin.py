from django.contrib import admin

from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin
from jiaoliuba.dashboards.models import ProjectionState, RankingWeight


@admin.register(RankingWeight)
class RankingWeightAdmin(AuditedAdmin):
    """考核排名 weights; every change is in the audit log."""

    list_display = ("kpi", "weight")
    list_editable = ("weight",)


@admin.register(ProjectionState)
class ProjectionStateAdmin(ReadOnlyAdmin):
    """How far the rollups have read the appeal events (`jiaoliuba rebuild_rollups`
    recomputes them from scratch)."""

    list_display = ("name", "seen_id", "safe_id", "rebuilt_at", "updated_at")
