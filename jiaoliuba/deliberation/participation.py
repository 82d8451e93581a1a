"""The deliberation part of 参与率, plugged into the dashboard through
settings.DASHBOARD_SOURCES["participation"]["deliberation"] (see
jiaoliuba/dashboards/sources.py for the contract). Acts are proposing, supporting and
commenting on a topic, written by those services as ParticipationAct rows: one per
person, kind, topic and day, with where the resident was registered when they acted."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from jiaoliuba.deliberation.models import ParticipationAct
from jiaoliuba.regions.models.region import subtree_q


class DeliberationParticipation:
    @staticmethod
    def _acts(within: str, start: dt.date, end: dt.date) -> QuerySet[ParticipationAct]:
        return ParticipationAct.objects.filter(
            subtree_q(within, field="resident_path"), day__gte=start, day__lte=end
        )

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
        """Distinct residents per node: a person with many acts counts once."""
        acts = self._acts(within, start, end)
        if width == len(within):
            return {within: acts.values("user_id").distinct().count()}
        rows = (
            acts.annotate(node=Substr("resident_path", 1, width))
            .values("node")
            .annotate(n=Count("user_id", distinct=True))
            .order_by()
        )
        return {row["node"]: row["n"] for row in rows if len(row["node"]) == width}

    resident_field = "user_id"
    path_field = "resident_path"

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet[ParticipationAct]:
        return self._acts(within, start, end)

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._acts(within, start, end).values_list("user_id", "resident_path").distinct()

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self._acts(within, start, end).filter(user_id=resident))


deliberation_participation = DeliberationParticipation()
