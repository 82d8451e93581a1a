"""Meetings as participation (参与率): attending a meeting (QR check-in or the staff
list) and recording a supervision check, plugged into the dashboard through
settings.DASHBOARD_SOURCES["participation"]["meetings"] (the contract is in
jiaoliuba/dashboards/sources.py). Read from MeetingAct rows, which the services write:
one per person, kind, meeting and day, with where the resident was registered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from jiaoliuba.deliberation.models import MeetingAct
from jiaoliuba.regions.models.region import subtree_q


class MeetingParticipation:
    resident_field = "user_id"
    path_field = "resident_path"

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet[MeetingAct]:
        return MeetingAct.objects.filter(
            subtree_q(within, field="resident_path"), day__gte=start, day__lte=end
        )

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
        """Distinct residents per node: a person with many acts counts once."""
        acts = self.rows(within, start, end)
        if width == len(within):
            return {within: acts.values("user_id").distinct().count()}
        grouped = (
            acts.annotate(node=Substr("resident_path", 1, width))
            .values("node")
            .annotate(n=Count("user_id", distinct=True))
            .order_by()
        )
        return {row["node"]: row["n"] for row in grouped if len(row["node"]) == width}

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self.rows(within, start, end).values_list("user_id", "resident_path").distinct()

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self.rows(within, start, end).filter(user_id=resident))


meeting_participation = MeetingParticipation()
