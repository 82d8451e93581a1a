"""What venues feed the dashboard, plugged in through settings.DASHBOARD_SOURCES (the
contract is in jiaoliuba/dashboards/sources.py):

- venue_visits (场所到访): people received at the venues of a subtree, by the local day
  of the visit (a visit may bring several people: 接待人次);
- participation (参与率): a visit logged with a registered resident and a volunteer
  shift served are acts of that resident, dated by their day (VenueAct rows)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from jiaoliuba.accounts.participation import ActParticipation
from jiaoliuba.regions.models.region import subtree_q
from jiaoliuba.venues.models import VenueAct, Visit


def venue_visits(path: str, start: dt.date, end: dt.date) -> int:
    total = Visit.objects.filter(
        subtree_q(path, field="region_path"), day__gte=start, day__lte=end
    ).aggregate(n=Sum("people"))["n"]
    return int(total or 0)


venue_participation = ActParticipation(VenueAct)
