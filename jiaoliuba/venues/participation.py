"""What venues feed the dashboard, plugged in through settings.DASHBOARD_SOURCES (the
contract is in jiaoliuba/dashboards/sources.py):

- venue_visits (场所到访): people received at the venues of a subtree, by the local day
  of the visit (a visit may bring several people: 接待人次);
- participation (参与率): a visit logged with a registered resident and a volunteer
  shift served are acts of that resident, dated by their day (VenueAct rows)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import Substr

from jiaoliuba.accounts.participation import ActParticipation
from jiaoliuba.regions.models.region import subtree_q
from jiaoliuba.venues.models import VenueAct, Visit


def venue_visits(path: str, start: dt.date, end: dt.date) -> int:
    total = Visit.objects.filter(
        subtree_q(path, field="region_path"), day__gte=start, day__lte=end
    ).aggregate(n=Sum("people"))["n"]
    return int(total or 0)


def venue_visits_by_node(within: str, width: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """venue_visits of every node of `width` inside `within`, in one grouped query (the
    drill-down and the ranking asked once per community: 309 queries, most of the city
    ranking's time)."""
    rows = (
        Visit.objects.filter(subtree_q(within, field="region_path"), day__gte=start, day__lte=end)
        .annotate(node=Substr("region_path", 1, width))
        .values("node")
        .annotate(n=Sum("people"))
        .order_by()
    )
    return {row["node"]: int(row["n"] or 0) for row in rows if len(row["node"]) == width}


venue_participation = ActParticipation(VenueAct)
