"""积分 on the dashboard, plugged in through settings.DASHBOARD_SOURCES["panels"] (the
contract is in jiaoliuba/dashboards/sources.py; points never imports dashboards).

Everything counts the residents registered in the area (the account's region path, the
resident's grid or community when the account was opened) and the local (Shanghai) days
of the period, inclusive:

- earned, spent, refunded, expired and adjusted: the sums of the ledger's entries of each
  kind posted in the period (spent and expired as positive numbers; adjusted is net);
- active earners: distinct residents with at least one earned entry in the period;
- earned by act: points, entries and residents per act;
- redemptions by item (in the order the items were listed): the store orders placed in
  the period by the area's residents, by item and by their status now (waiting, picked up, cancelled), with the points kept
  (cancelled orders were refunded and keep none);
- the honours board: honours confirmed for the area's communities in the quarters the
  period touches, with whether the resident agreed to show them publicly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.points.choices import Act, EntryKind, HonourStatus, RedemptionStatus
from jiaoliuba.points.models import Honour, PointsEntry, Redemption
from jiaoliuba.regions.models.region import subtree_q


@dataclass
class PointsSection:
    earned: int
    spent: int
    refunded: int
    expired: int
    adjusted: int
    active_earners: int
    by_act: list[dict[str, Any]] = field(default_factory=list)
    redemptions: list[dict[str, Any]] = field(default_factory=list)
    honours: list[Honour] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    template: ClassVar[str] = "points/_dashboard_section.html"

    @property
    def title(self) -> Any:
        return _("Points")

    @property
    def redemption_totals(self) -> dict[str, int]:
        keys = ("placed", "fulfilled", "cancelled", "points")
        return {k: sum(r[k] for r in self.redemptions) for k in keys}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Shanghai time."""
    first = dt.datetime.combine(start, dt.time(), tzinfo=clock.SHANGHAI)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI)
    return first, last


def quarters_touched(start: dt.date, end: dt.date) -> list[str]:
    names, day = [], start.replace(day=1)
    while day <= end:
        name = f"{day.year}Q{(day.month - 1) // 3 + 1}"
        if name not in names:
            names.append(name)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return names


def _entries(path: str, start: dt.date, end: dt.date) -> QuerySet[PointsEntry]:
    first, last = _bounds(start, end)
    return PointsEntry.objects.filter(
        subtree_q(path, field="region_path"), created_at__gte=first, created_at__lt=last
    )


def _by_act(entries: QuerySet[PointsEntry]) -> list[dict[str, Any]]:
    rows = (
        entries.filter(kind=EntryKind.EARN)
        .values("act")
        .annotate(points=Sum("amount"), entries=Count("id"), people=Count("account", distinct=True))
        .order_by("-points", "act")
    )
    return [{"act": r["act"], "label": Act(r["act"]).label, **r} for r in rows if r["act"]]


def _redemptions(path: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    first, last = _bounds(start, end)
    kept = ~Q(status=RedemptionStatus.CANCELLED)
    rows = (
        Redemption.objects.filter(
            subtree_q(path, field="account__region_path"),
            created_at__gte=first,
            created_at__lt=last,
        )
        .values("item_id", "item__name")
        .annotate(
            placed=Count("id", filter=Q(status=RedemptionStatus.PLACED)),
            fulfilled=Count("id", filter=Q(status=RedemptionStatus.FULFILLED)),
            cancelled=Count("id", filter=Q(status=RedemptionStatus.CANCELLED)),
            points=Sum("price", filter=kept),
        )
        .order_by("item_id")
    )
    return [
        {
            "item": r["item__name"],
            "placed": r["placed"],
            "fulfilled": r["fulfilled"],
            "cancelled": r["cancelled"],
            "points": int(r["points"] or 0),
        }
        for r in rows
    ]


def points_section(path: str, start: dt.date, end: dt.date) -> PointsSection:
    """The dashboard's points section for the subtree at `path` over [start, end]."""
    entries = _entries(path, start, end)

    def total(kind: str) -> Sum:
        return Sum("amount", filter=Q(kind=kind))

    sums = entries.aggregate(
        earned=total(EntryKind.EARN),
        spent=total(EntryKind.SPEND),
        refunded=total(EntryKind.REFUND),
        expired=total(EntryKind.EXPIRE),
        adjusted=total(EntryKind.ADJUST),
        active=Count("account", distinct=True, filter=Q(kind=EntryKind.EARN)),
    )
    names = quarters_touched(start, end)
    honours = list(
        Honour.objects.filter(
            subtree_q(path, field="community_path"),
            quarter__in=names,
            status=HonourStatus.CONFIRMED,
        )
        .select_related("user", "community")
        .order_by("-quarter", "community__name", "kind", "-points")
    )
    return PointsSection(
        earned=int(sums["earned"] or 0),
        spent=-int(sums["spent"] or 0),
        refunded=int(sums["refunded"] or 0),
        expired=-int(sums["expired"] or 0),
        adjusted=int(sums["adjusted"] or 0),
        active_earners=int(sums["active"] or 0),
        by_act=_by_act(entries),
        redemptions=_redemptions(path, start, end),
        honours=honours,
        quarters=names,
    )
