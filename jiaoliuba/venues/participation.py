"""What venues feed the dashboard, plugged in through settings.DASHBOARD_SOURCES (the
contract is in jiaoliuba/dashboards/sources.py):

- venue_visits (场所到访): people received at the venues of a subtree, by the local day
  of the visit (a visit may bring several people: 接待人次);
- participation (参与率): a visit logged with a registered resident and a volunteer
  shift served are acts of that resident, dated by their day (VenueAct rows)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr

from jiaoliuba.regions.models.region import subtree_q
from jiaoliuba.venues.models import VenueAct, Visit


def venue_visits(path: str, start: dt.date, end: dt.date) -> int:
    total = Visit.objects.filter(
        subtree_q(path, field="region_path"), day__gte=start, day__lte=end
    ).aggregate(n=Sum("people"))["n"]
    return int(total or 0)


class VenueParticipation:
    resident_field = "user_id"
    path_field = "resident_path"

    @staticmethod
    def _acts(within: str, start: dt.date, end: dt.date) -> QuerySet[VenueAct]:
        return VenueAct.objects.filter(
            subtree_q(within, field="resident_path"), day__gte=start, day__lte=end
        )

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
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

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet[VenueAct]:
        return self._acts(within, start, end)

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._acts(within, start, end).values_list("user_id", "resident_path").distinct()

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self._acts(within, start, end).filter(user_id=resident))


venue_participation = VenueParticipation()
