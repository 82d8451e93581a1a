"""Default dispatch (the seed's rules) and admin-kept routing rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import RoleAssignment
from jiaoliuba.appeals.choices import OPEN_STATUSES, Priority
from jiaoliuba.appeals.models import Appeal, RoutingRule
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.selectors import region_ancestors


@dataclass
class Route:
    region: Region
    role: str
    assignee: Any | None
    notify: list[Any] = field(default_factory=list)
    reason: str = ""


DEFAULTS = {
    Priority.RED: (
        Role.COMMUNITY_SECRETARY,
        RegionLevel.COMMUNITY,
        Role.STREET_OFFICER,
        RegionLevel.STREET,
    ),
    Priority.YELLOW: (Role.GRID_WORKER, RegionLevel.GRID, "", ""),
    Priority.BLUE: (Role.COMMUNITY_STAFF, RegionLevel.COMMUNITY, "", ""),
}


def _at_level(appeal: Appeal, level: str) -> Region | None:
    place = appeal.grid or appeal.community
    if place.level == level:
        return place
    return next((r for r in region_ancestors(region=place) if r.level == level), None)


def holders(role: str, region: Region) -> list[Any]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=role, region=region, user__is_active=True
        ).select_related("user")
    ]


def least_busy(users: list[Any]) -> Any | None:
    if not users:
        return None
    if len(users) == 1:
        return users[0]
    load = dict(
        Appeal.objects.filter(assignee__in=users, status__in=OPEN_STATUSES)
        .values_list("assignee")
        .annotate(n=Count("pk"))
    )
    return min(users, key=lambda u: (load.get(u.pk, 0), u.pk))


def _matching_rule(appeal: Appeal) -> RoutingRule | None:
    rules = RoutingRule.objects.filter(
        Q(priority="") | Q(priority=appeal.priority),
        Q(category="") | Q(category=appeal.category),
        active=True,
    ).select_related("region")
    candidates = [
        r for r in rules if r.region is None or appeal.region_path.startswith(r.region.path)
    ]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda r: (
            len(r.region.path) if r.region else 0,
            bool(r.category),
            bool(r.priority),
            -r.pk,
        ),
    )


def route(appeal: Appeal) -> Route:
    rule = _matching_rule(appeal)
    if rule is not None:
        role, level, notify_role, notify_level = (
            rule.target_role,
            rule.target_level,
            rule.notify_role,
            rule.notify_level,
        )
        why = f"规则“{rule.name}”"
    else:
        role, level, notify_role, notify_level = DEFAULTS[Priority(appeal.priority)]
        why = {
            Priority.RED: "红色诉求：社区书记牵头，街道同步知晓",
            Priority.YELLOW: "黄色诉求：所在网格的网格员",
            Priority.BLUE: "蓝色诉求：社区工作人员",
        }[Priority(appeal.priority)]
    region = _at_level(appeal, level)
    if region is None or not holders(role, region):
        # Nobody holds the role where the rule points (no grid given, a vacant post):
        # the community's staff take it rather than letting it wait unseen.
        fallback = appeal.community
        if region is None or role != Role.COMMUNITY_STAFF:
            why += "；该岗位无人，转社区工作人员"
        region, role = fallback, Role.COMMUNITY_STAFF
    assignee = least_busy(holders(role, region))
    notify = []
    if notify_role and notify_level:
        notify_region = _at_level(appeal, notify_level)
        if notify_region is not None:
            notify = holders(notify_role, notify_region)
    if assignee is None:
        why += "；由本单位任一人签收"
    return Route(region=region, role=role, assignee=assignee, notify=notify, reason=why[:200])
