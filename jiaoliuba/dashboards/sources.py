"""Figures that other modules feed plug in here, named in settings.DASHBOARD_SOURCES:

    {"participation": {"appeals": "dotted.path", "deliberation": None, "meetings": …},
     "service_precision": {"bookings": None},
     "venue_visits": {"venues": None}}

A source named with None is expected but not installed yet: its part shows "—", and a
figure with no installed source at all is "—", never a made-up number. Nodes are region
paths; `within` is a subtree and `width` the length of the node paths wanted inside it
(the subtree's own path length for the subtree itself). Dates are local and inclusive.

- participation: an object with
    count(within, width, start, end, unit) -> {node: distinct residents registered in
        the node who took part in the period}, answered for many nodes at once; `unit`
        is "week", "month", "quarter" or "year" when the period is exactly that calendar
        unit (a provider may keep faster answers for those), else None;
    acts(within, start, end) -> QuerySet of (resident_id, resident_path) rows;
    rows(within, start, end) -> the QuerySet of act rows behind `acts`, with the names of
        its resident and path columns in `resident_field` and `path_field`;
    took_part(resident, within, start, end) -> an Exists() that is true when the resident
        (an OuterRef) has an act of this source in the subtree and period.
  With several sources connected, the first answers with its own (fast) `count`, and
  each later one adds only the residents none of the sources before it counted, in one
  grouped query with NOT EXISTS, so a person counts once and nothing is counted in Python;
- service_precision: a function (path, start, end) -> (attended, capacity) over the
  sessions held in the period;
- service_satisfaction: a function (path, start, end) -> (ratings 满意 or 基本满意, all
  ratings) of those sessions, shown beside service_precision;
- service_kinds: a function (path, start, end) -> rows {key, label, attended, capacity,
  satisfied, rated}, the two figures above by kind of service (the overview's drill-down);

- venue_visits: a function (path, start, end) -> a count;
- sections: a section of its own on the overview page and in the API (the "议事" section of
  deliberation), an object with
    key, title;
    lines: [(key, label, group label)] of counts, in the order shown;
    rates: [(key, label, numerator key, (denominator keys…))] shown after the counts, a
        rate with nothing to divide by being "—";
    area_keys: the line or rate keys shown per area in the by-area table;
    count(within, width, start, end) -> {node: {line key: count}} for the nodes of `width`
        inside `within` (a node missing, or a key missing, is 0). See dashboards/sections.py.
- panels: a function (path, start, end) -> an object with `template` (the name of a
  template the module ships) and `title`; the overview page includes that template with
  the object as `section`, below the key figures, for the region and period shown (the
  region is already checked against the viewer's scope). The module works out its own
  figures, so it never imports dashboards (e.g. points.dashboard.points_section).

A function source may also offer `<its name>_by_node(within, width, start, end)` in the same
module -> {node: value} for every node of that width inside `within` (nodes without any
row left out): the drill-down and the ranking then ask once for all their nodes instead of
once per node (309 communities were 618 queries, most of the city ranking's time).

A new module adds its provider here; dashboards never has to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiaoliuba.dashboards.models import CALENDAR_UNITS, AppealFact
from jiaoliuba.regions.models.region import subtree_q

SOURCE_LABELS = {
    "appeals": _("Appeals"),
    "deliberation": _("Deliberation (topics, support, comments)"),
    "votes": _("Votes"),
    "bookings": _("Service bookings, attendance and volunteering"),
    "meetings": _("Meetings attended and supervision checks"),
    "volunteering": _("Volunteer shifts"),
    "venues": _("Venue visit log"),
    "points": _("Points"),
}


@dataclass(frozen=True)
class Source:
    figure: str
    key: str
    provider: Any  # None until the module that feeds it is installed
    by_node: Any = None  # the grouped form of a function source, when it has one

    @property
    def connected(self) -> bool:
        return self.provider is not None

    @property
    def label(self) -> Any:
        return SOURCE_LABELS.get(self.key, self.key)


def sources(figure: str) -> list[Source]:
    configured = getattr(settings, "DASHBOARD_SOURCES", {}).get(figure, {})
    return [
        Source(figure, key, import_string(path) if path else None, _grouped(path))
        for key, path in configured.items()
    ]


def _grouped(path: str | None) -> Any:
    if not path:
        return None
    try:
        return import_string(f"{path}_by_node")
    except ImportError:
        return None


def by_node(
    figure: str, within: str, width: int, nodes: list[str], start: dt.date, end: dt.date
) -> dict[str, Any] | None:
    """A function figure (service_precision, service_satisfaction, venue_visits) for each
    of `nodes`, summed over its connected sources; None when none is connected. Sources
    with a `_by_node` form answer in one query, the others node by node."""
    connected = [s for s in sources(figure) if s.connected]
    if not connected:
        return None
    totals: dict[str, Any] = dict.fromkeys(nodes)
    for source in connected:
        if source.by_node is not None:
            found = source.by_node(within, width, start, end)
            values = {node: found.get(node) for node in nodes}
        else:
            values = {node: source.provider(node, start, end) for node in nodes}
        for node, value in values.items():
            value = _zero(figure) if value is None else value
            total = totals[node]
            if total is None:
                totals[node] = value
            elif isinstance(value, tuple):
                totals[node] = tuple(a + b for a, b in zip(total, value, strict=True))
            else:
                totals[node] = total + value
    return totals


def _zero(figure: str) -> Any:
    return 0 if figure == "venue_visits" else (0, 0)


def participants(
    within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
) -> dict[str, int] | None:
    """Distinct residents who took part, per node; None when no source is connected."""
    providers = [s.provider for s in sources("participation") if s.connected]
    if not providers:
        return None
    first, *later = providers
    totals = dict(first.count(within, width, start, end, unit))
    counted = [first]
    for provider in later:
        # One resident may act in more than one source: add only those not counted yet.
        rows = provider.rows(within, start, end)
        resident = OuterRef(provider.resident_field)
        for earlier in counted:
            rows = rows.filter(~earlier.took_part(resident, within, start, end))
        added = (
            rows.annotate(node=Substr(provider.path_field, 1, width))
            .values("node")
            .annotate(n=Count(provider.resident_field, distinct=True))
            .order_by()
        )
        for row in added:
            if len(row["node"]) == width:
                totals[row["node"]] = totals.get(row["node"], 0) + row["n"]
        counted.append(provider)
    return totals


def service_precision(path: str, start: dt.date, end: dt.date) -> tuple[int, int] | None:
    parts = [s.provider(path, start, end) for s in sources("service_precision") if s.connected]
    if not parts:
        return None
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def service_satisfaction(path: str, start: dt.date, end: dt.date) -> tuple[int, int] | None:
    parts = [s.provider(path, start, end) for s in sources("service_satisfaction") if s.connected]
    if not parts:
        return None
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def section_providers() -> list[Source]:
    """The connected sections, in the order settings names them."""
    return [s for s in sources("sections") if s.connected]


def panels(path: str, start: dt.date, end: dt.date) -> list[Any]:
    """The modules' own blocks of the overview, in the order configured."""
    return [s.provider(path, start, end) for s in sources("panels") if s.connected]


def service_kinds(path: str, start: dt.date, end: dt.date) -> list[dict] | None:
    """Service precision and satisfaction by kind of service, summed over the sources;
    None when none is connected."""
    parts = [s.provider(path, start, end) for s in sources("service_kinds") if s.connected]
    if not parts:
        return None
    merged: dict[str, dict] = {}
    for part in parts:
        for row in part:
            into = merged.setdefault(
                row["key"],
                {"key": row["key"], "label": row["label"]}
                | dict.fromkeys(("attended", "capacity", "satisfied", "rated"), 0),
            )
            for field in ("attended", "capacity", "satisfied", "rated"):
                into[field] += row[field]
    return list(merged.values())


def venue_visits(path: str, start: dt.date, end: dt.date) -> int | None:
    parts = [s.provider(path, start, end) for s in sources("venue_visits") if s.connected]
    return sum(parts) if parts else None


class AppealParticipation:
    """Residents registered in the subtree with an appeal (filed by them or entered for
    them) received in the period. Anonymous appeals count: the filer is still a resident.
    So do appeals merged into another and "+1" joins: counting rule 2 (docs/dashboards.md) keeps those out
    of the appeal figures, not out of participation. Appeals rejected as invalid do not."""

    @staticmethod
    def _facts(within: str, start: dt.date, end: dt.date) -> QuerySet:

        return AppealFact.objects.filter(
            subtree_q(within, field="submitter_path"),
            day__gte=start,
            day__lte=end,
            participates=1,
        )

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
        # Each resident's first appeal inside the range is the one whose previous appeal
        # lies before it, so a plain count is a distinct count (see AppealFact). For a
        # calendar unit that is a precomputed flag with its own small covering index.
        if unit in CALENDAR_UNITS:
            firsts = AppealFact.objects.filter(
                subtree_q(within, field="submitter_path"),
                day__gte=start,
                day__lte=end,
                **{f"first_in_{unit}": True},
            )
        else:
            firsts = self._facts(within, start, end).filter(
                Q(submitter_prev_day__isnull=True) | Q(submitter_prev_day__lt=start)
            )
        if width == len(within):  # the subtree itself: no grouping needed
            return {within: firsts.count()}
        rows = (
            firsts.annotate(node=Substr("submitter_path", 1, width))
            .values("node")
            .annotate(n=Count("*"))
            .order_by()
        )
        return {row["node"]: row["n"] for row in rows if len(row["node"]) == width}

    resident_field = "submitter_id"
    path_field = "submitter_path"

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._facts(within, start, end)

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return self._facts(within, start, end).values_list("submitter_id", "submitter_path")

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self._facts(within, start, end).filter(submitter_id=resident))


appeal_participation = AppealParticipation()
