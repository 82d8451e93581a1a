"""A 参与率 source over an acts table (see jiaoliuba/dashboards/sources.py for the
contract). Deliberation, bookings and venues each write one row per resident act with
`user_id`, `resident_path` (where the resident was registered when they acted) and `day`;
one class serves them all, so the rule "a person with many acts counts once per node and
period" is written once."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Model, OuterRef, QuerySet
from django.db.models.functions import Substr

from jiaoliuba.regions.models.region import subtree_q


class ActParticipation:
    resident_field = "user_id"
    path_field = "resident_path"

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def _acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self.model._default_manager.filter(
            subtree_q(within, field="resident_path"), day__gte=start, day__lte=end
        )

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
        """Distinct residents per node of `width` path characters under `within`."""
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

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._acts(within, start, end)

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._acts(within, start, end).values_list("user_id", "resident_path").distinct()

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self._acts(within, start, end).filter(user_id=resident))
