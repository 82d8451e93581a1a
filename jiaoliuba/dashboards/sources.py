"""Figures that other modules feed plug in here, named in settings.DASHBOARD_SOURCES:

    {"participation": {"appeals": "dotted.path", "deliberation": None, …},
     "service_precision": {"bookings": None},
     "venue_visits": {"venues": None}}

A source named with None is expected but not installed yet: its part shows "—", and a
figure with no installed source at all is "—", never a made-up number. Providers are
plain functions taking (path, start, end) (a region subtree and local dates):

- participation: a QuerySet of the user ids of residents registered in the subtree who
  took part in the period (values_list(…, flat=True)); the KPI counts the distinct
  union of all sources;
- service_precision: (attended, capacity) over sessions held in the period;
- venue_visits: a count.

The new module adds its provider here; dashboards never has to change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.models.region import subtree_q

SOURCE_LABELS = {
    "appeals": _("Appeals"),
    "deliberation": _("Deliberation (comments, votes, meetings)"),
    "bookings": _("Service bookings attended"),
    "volunteering": _("Volunteer shifts"),
    "venues": _("Venue visit log"),
}


@dataclass(frozen=True)
class Source:
    figure: str
    key: str
    provider: Any  # None until the module that feeds it is installed

    @property
    def connected(self) -> bool:
        return self.provider is not None

    @property
    def label(self) -> Any:
        return SOURCE_LABELS.get(self.key, self.key)


def sources(figure: str) -> list[Source]:
    configured = getattr(settings, "DASHBOARD_SOURCES", {}).get(figure, {})
    return [
        Source(figure, key, import_string(path) if path else None)
        for key, path in configured.items()
    ]


def participants(path: str, start: dt.date, end: dt.date) -> int | None:
    providers = [s.provider for s in sources("participation") if s.connected]
    if not providers:
        return None
    querysets = [provider(path, start, end) for provider in providers]
    union = querysets[0] if len(querysets) == 1 else querysets[0].union(*querysets[1:])
    if len(querysets) == 1:
        return union.order_by().distinct().count()
    return union.count()  # UNION already removes duplicates


def service_precision(path: str, start: dt.date, end: dt.date) -> tuple[int, int] | None:
    parts = [s.provider(path, start, end) for s in sources("service_precision") if s.connected]
    if not parts:
        return None
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def venue_visits(path: str, start: dt.date, end: dt.date) -> int | None:
    parts = [s.provider(path, start, end) for s in sources("venue_visits") if s.connected]
    return sum(parts) if parts else None


def appeal_participants(path: str, start: dt.date, end: dt.date) -> QuerySet:
    """Residents registered in the subtree who filed (or had entered for them) an appeal
    received in the period. Anonymous appeals count (the filer is still a resident);
    appeals rejected as invalid or merged do not (DESIGN.md rule 2)."""
    from jiaoliuba.dashboards.models import AppealFact

    return (
        AppealFact.objects.filter(
            subtree_q(path, field="submitter_path"),
            day__gte=start,
            day__lte=end,
            submitter__isnull=False,
            valid=1,
        )
        .exclude(submitter_path="")
        .values_list("submitter_id", flat=True)
    )
