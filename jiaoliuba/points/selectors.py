"""Reads of the points app, each scoped to the acting user: a resident sees their own
account, orders and the stores of their own community and street; staff see what lies in
their area. Anything else is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import resident_home_path, scope_q
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.points import lots, policies, quarters
from jiaoliuba.points.choices import (
    DEFAULT_RULES,
    HONOUR_ACTS,
    Act,
    EntryKind,
    HonourKind,
    HonourStatus,
)
from jiaoliuba.points.models import (
    Honour,
    PointsAccount,
    PointsEntry,
    PointsRule,
    Redemption,
    StoreItem,
)
from jiaoliuba.regions.models import Region


def account_of(user: Any) -> PointsAccount | None:
    if not getattr(user, "pk", None):
        return None
    return PointsAccount.objects.filter(user=user).first()


def balance_of(user: Any) -> int:
    account = account_of(user)
    return account.balance if account else 0


def entries_of(user: Any, *, limit: int = 50) -> list[PointsEntry]:
    return list(
        PointsEntry.objects.filter(account__user=user).order_by("-created_at", "-id")[:limit]
    )


def expiring_of(user: Any, *, within_days: int = 30) -> list[lots.Lot]:
    """Unspent points that expire within `within_days`, soonest first."""
    account = account_of(user)
    if account is None or account.next_expiry_at is None:
        return []
    rows = lots.rows_of(account)
    until = clock.now() + dt.timedelta(days=within_days)
    return [x for x in lots.open_lots(rows) if x.expires_at and x.expires_at <= until]


def store_items_for(user: Any) -> QuerySet[StoreItem]:
    """The items a resident may redeem: on offer in their community or street."""
    home = resident_home_path(user)
    if not home:
        return StoreItem.objects.none()
    prefixes = [home[:n] for n in range(1, len(home) + 1)]
    return StoreItem.objects.filter(active=True, region_path__in=prefixes)


def access_store_item_for_resident(*, user: Any, item_id: int) -> StoreItem:
    item = store_items_for(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such item."), code="store_item_not_found")
    return item


def store_items_managed_by(user: Any) -> QuerySet[StoreItem]:
    return StoreItem.objects.filter(scope_q(user, field="region_path")).select_related("region")


def access_store_item_for_staff(*, user: Any, item_id: int) -> StoreItem:
    item = store_items_managed_by(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such item."), code="store_item_not_found")
    return item


def redemptions_of(user: Any) -> QuerySet[Redemption]:
    return Redemption.objects.filter(account__user=user).select_related("item")


def access_redemption(*, user: Any, redemption_id: int) -> Redemption:
    """The resident's own redemption, or one in the staff member's area."""
    found = (
        Redemption.objects.filter(pk=redemption_id)
        .filter(scope_q(user, field="region_path") | _own(user))
        .select_related("item", "account")
        .first()
    )
    if found is None:
        raise NotFound(_("No such redemption."), code="redemption_not_found")
    return found


def access_redemption_by_code(*, user: User, code: str) -> Redemption:
    """What staff at the venue find from the code the resident shows."""
    found = (
        Redemption.objects.filter(pickup_code=(code or "").strip().upper()[:8])
        .filter(scope_q(user, field="region_path"))
        .select_related("item", "account__user")
        .first()
    )
    if found is None:
        raise NotFound(
            _("No redemption with this pickup code in your area."), code="redemption_not_found"
        )
    return found


def redemptions_in_area(user: Any, *, open_only: bool = True) -> QuerySet[Redemption]:
    rows = Redemption.objects.filter(scope_q(user, field="region_path")).select_related(
        "item", "account__user"
    )
    return rows.filter(status="placed") if open_only else rows


def _own(user: Any) -> Q:
    return Q(account__user_id=getattr(user, "pk", None) or 0)


@dataclass(frozen=True)
class Candidate:
    user: User
    points: int
    acts: int


def honour_candidates(
    *, community: Region, quarter: str, kind: str, limit: int = 10
) -> list[Candidate]:
    """Residents of `community` who earned most in the quarter by the honour's acts."""
    start, end = quarters.parse(quarter)
    rows = (
        PointsEntry.objects.filter(
            kind=EntryKind.EARN,
            act__in=HONOUR_ACTS[HonourKind(kind)],
            created_at__gte=start,
            created_at__lt=end,
            region_path__startswith=community.path,
        )
        .values("account__user_id")
        .annotate(points=Sum("amount"), acts=Count("id"))
        .order_by("-points", "account__user_id")[:limit]
    )
    users = User.objects.in_bulk([r["account__user_id"] for r in rows])
    return [Candidate(users[r["account__user_id"]], r["points"], r["acts"]) for r in rows]


@dataclass(frozen=True)
class ActiveResident:
    user: User
    quarters: int
    points: int
    acts: dict[str, int]


def active_residents(
    *, community: Region, quarter: str, span: int = 4, least: int = 3
) -> list[ActiveResident]:
    """政治吸纳 (staff only): residents who took part in at least `least` of the last `span`
    quarters up to `quarter`, with the acts that justify recommending them."""
    names = [quarter]
    for _n in range(span - 1):
        names.append(quarters.previous(names[-1]))
    start, _end = quarters.parse(names[-1])
    _start, end = quarters.parse(quarter)
    seen: dict[int, dict[str, Any]] = {}
    for user_id, at, act, amount in PointsEntry.objects.filter(
        kind=EntryKind.EARN,
        created_at__gte=start,
        created_at__lt=end,
        region_path__startswith=community.path,
    ).values_list("account__user_id", "created_at", "act", "amount"):
        local = at.astimezone(clock.SHANGHAI)
        person = seen.setdefault(user_id, {"quarters": set(), "points": 0, "acts": {}})
        person["quarters"].add((local.year, (local.month - 1) // 3))
        person["points"] += amount
        label = str(Act(act).label) if act else ""
        person["acts"][label] = person["acts"].get(label, 0) + 1
    users = User.objects.in_bulk([u for u, p in seen.items() if len(p["quarters"]) >= least])
    found = [
        ActiveResident(users[u], len(p["quarters"]), p["points"], p["acts"])
        for u, p in seen.items()
        if u in users
    ]
    return sorted(found, key=lambda a: (-a.quarters, -a.points))


def honours_in(user: Any, *, community: Region, quarter: str) -> QuerySet[Honour]:
    """Staff: the honours of a community in their area for the quarter."""
    return Honour.objects.filter(
        scope_q(user, field="community_path"), community=community, quarter=quarter
    ).select_related("user")


def access_honour(*, user: Any, honour_id: int) -> Honour:
    found = (
        Honour.objects.filter(pk=honour_id)
        .filter(scope_q(user, field="community_path") | Q(user_id=getattr(user, "pk", None) or 0))
        .select_related("user", "community")
        .first()
    )
    if found is None:
        raise NotFound(_("No such honour."), code="honour_not_found")
    return found


def honours_of(user: Any) -> QuerySet[Honour]:
    return Honour.objects.filter(user=user).exclude(status=HonourStatus.WITHDRAWN)


def published_honours(*, region: Region) -> QuerySet[Honour]:
    """Confirmed honours under `region` whose residents agreed to show them."""
    return Honour.objects.filter(
        community_path__startswith=region.path,
        status=HonourStatus.CONFIRMED,
        consent_public=True,
    ).select_related("user", "community")


def points_rules(*, user: Any) -> list[PointsRule]:
    """Every act's rule, in the order of the acts, for staff who may read them (404 for
    anyone else). An act whose rule was never written shows the seed's defaults, unsaved:
    reading writes nothing."""
    if not policies.may_view_rules(user):
        raise NotFound(_("No such page."), code="points_rules_not_found")
    saved = {r.act: r for r in PointsRule.objects.all()}
    rules = []
    for act in Act:
        if act.value in saved:
            rules.append(saved[act.value])
            continue
        points, daily, monthly, confirm = DEFAULT_RULES[act]
        rules.append(
            PointsRule(
                act=act.value,
                points=points,
                daily_cap=daily,
                monthly_cap=monthly,
                needs_confirmation=confirm,
            )
        )
    return rules
