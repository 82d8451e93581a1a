"""智能派单: who handles a new appeal. Admin routing rules first, then the seed's defaults
(red → community secretary with the street told; yellow → the grid worker; blue → the
community staff on duty), refined by skills (a lawyer for legal questions, a doctor for
health), the duty rota and each person's open workload. Every choice carries a one-line
reason that staff see and can override."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import DutyShift, RoleAssignment, User
from jiaoliuba.appeals import rulebook
from jiaoliuba.appeals.choices import OPEN_STATUSES, Priority
from jiaoliuba.appeals.models import Appeal, RoutingRule
from jiaoliuba.core import clock, rawsql
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.selectors import region_ancestors


@dataclass
class Route:
    region: Region
    role: str
    assignee: Any | None
    notify_ids: list[int] = field(default_factory=list)  # users told besides the assignee
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
DEFAULT_REASONS = {
    Priority.RED: "红色诉求：社区书记牵头，街道同步知晓",
    Priority.YELLOW: "黄色诉求：所在网格的网格员",
    Priority.BLUE: "蓝色诉求：社区值班工作人员",
}

# Words that call for a professional's skill, and the skill's name in reasons.
SKILL_WORDS = {
    "law": (
        "律师",
        "法律",
        "起诉",
        "打官司",
        "合同",
        "赔偿",
        "继承",
        "遗产",
        "离婚",
        "借钱不还",
        "欠钱",
        "劳动仲裁",
        "维权",
    ),
    "health": ("医生", "看病", "血压", "血糖", "体检", "吃药", "慢性病", "康复", "疫苗"),
    "psychology": ("心理", "抑郁", "焦虑", "失眠", "想不开", "情绪"),
}
SKILL_LABELS = {"law": "律师", "health": "医生", "psychology": "心理咨询师"}
# Reasons are stored text read by Chinese-speaking staff, like DEFAULT_REASONS above.
ROLE_NAMES: dict[str, str] = {
    Role.GRID_WORKER: "网格员",
    Role.COMMUNITY_STAFF: "社区工作人员",
    Role.COMMUNITY_SECRETARY: "社区书记",
    Role.STREET_OFFICER: "街道干部",
    Role.DISTRICT_OFFICER: "区县干部",
    Role.CITY_ADMIN: "市级管理员",
    Role.PROFESSIONAL: "专业人士",
    Role.VOLUNTEER: "志愿者",
    Role.AUDITOR: "隐私审计员",
}
LEVEL_NAMES: dict[str, str] = {
    RegionLevel.GRID: "网格",
    RegionLevel.COMMUNITY: "社区",
    RegionLevel.STREET: "街道",
    RegionLevel.DISTRICT: "区县",
    RegionLevel.CITY: "市",
}


def escalation_reason(target: Region, role: str, assignee: Any | None, why: str) -> str:
    """The routing line after 上报: where it went, to whom, and why, replacing the intake
    route's line (which named the unit it has left)."""
    # The escalation picks the least busy holder, so no assignee means nobody holds it.
    who = (
        f"{assignee}（{_load_text(workloads([assignee]).get(assignee.pk, 0))}）"
        if assignee
        else f"{target.name}{ROLE_NAMES.get(role, role)}岗位无人，请上级派单"
    )
    return f"上报{target.name}{ROLE_NAMES.get(role, role)}：{why}；{who}"[:200]


def _at_level(appeal: Appeal, level: str) -> Region | None:
    place = appeal.grid or appeal.community
    if place.level == level:
        return place
    if level == RegionLevel.COMMUNITY and appeal.community is not None:
        return appeal.community  # a grid's community is the appeal's (checked at intake)
    return next((r for r in region_ancestors(region=place) if r.level == level), None)


def _holder_ids_at_level(appeal: Appeal, role: str, level: str) -> list[int]:
    """The active holders' user ids of `role` at the appeal's region of `level` (as
    `holders(role, _at_level(appeal, level))`), in one statement: the region is found by
    the codes in the appeal's path instead of being read first."""
    place = appeal.grid or appeal.community
    params: list[Any]
    if place.level == level or level == RegionLevel.COMMUNITY:
        region_id = place.pk if place.level == level else appeal.community_id
        where, params = "= %s", [region_id]
    else:
        codes = place.ancestor_codes
        if not codes:
            return []
        where = (
            f'= (SELECT r."id" FROM "{Region._meta.db_table}" r '  # noqa: S608
            f'WHERE r."code" IN ({", ".join(["%s"] * len(codes))}) AND r."level" = %s '
            'ORDER BY LENGTH(r."path") LIMIT 1)'
        )
        params = [*codes, level]
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT ra."user_id" FROM "{RoleAssignment._meta.db_table}" ra '  # noqa: S608
            f'INNER JOIN "{User._meta.db_table}" u ON u."id" = ra."user_id" '
            f'WHERE ra."role" = %s AND u."is_active" = %s AND ra."region_id" {where} '
            'ORDER BY ra."id"',
            [role, True, *params],
        )
        return [user_id for (user_id,) in cursor.fetchall()]


def holders(role: str, region: Region) -> list[Any]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=role, region=region, user__is_active=True
        ).select_related("user")
    ]


Post = tuple[str, int]  # (role, region id)

# Each intake counts the open appeals of the post's holders to give the least busy one the
# new appeal. Counting reads one index entry per open appeal, so an unbounded count grows
# with a backlog (a post with 7,000 open appeals cost 0.26 ms per intake); past this many,
# holders count as equally loaded (the lower id is chosen) and the reason says "at least".
LOAD_COUNTED_UP_TO = 200


def _ranked_holders(posts: list[Post]) -> dict[Post, list[Any]]:
    """The holders of each post as `holders` gives them, each with what the choice between
    them needs: `on_duty` (a shift at the post's region now) and `open_load` (open appeals
    assigned, counted up to LOAD_COUNTED_UP_TO). One query for the posts together (the
    rule's post and the community staff it falls back to): every intake runs it, and
    building it through the ORM cost more than running it."""
    found: dict[Post, list[Any]] = {post: [] for post in posts}
    if not posts:
        return found
    now = connection.ops.adapt_datetimefield_value(clock.now())
    params: list[Any] = [now, now, *OPEN_STATUSES, LOAD_COUNTED_UP_TO]
    for role, region_id in posts:
        params += [role, region_id]
    # Prepared on PostgreSQL (planned once per connection): planning it for every intake
    # cost the server about 0.45 ms of its 1.8.
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(_ranked_holders_sql(len(posts)), [*params, True])
        rows = cursor.fetchall()
    width = len(_HOLDER.fields)
    for row in rows:  # the phone column is not read: it is decrypted only if needed
        person: Any = _HOLDER_ROW.read(row[:width])[0]  # a User with the post's facts
        person.post_role, person.post_region, on_duty, person.open_load = row[width:]
        person.on_duty = bool(on_duty)
        found[(person.post_role, person.post_region)].append(person)
    return found


# Read by hand (rawsql.RowReader: the ORM's converters, deferred phone): iterating a raw
# queryset compiled its column mapping again for every intake.
_HOLDER = rawsql.Columns(User, "u", skip=("phone",))
_HOLDER_ROW = rawsql.RowReader([_HOLDER])


# A person's open appeals, counted up to a bound: parameters OPEN_STATUSES, then the bound.
_OPEN_LOAD_SQL = (
    f'(SELECT COUNT(*) FROM (SELECT 1 FROM "{Appeal._meta.db_table}" a '  # noqa: S608  (metadata only)
    f'WHERE a."assignee_id" = u."id" '
    f'AND a."status" IN ({", ".join(["%s"] * len(OPEN_STATUSES))}) LIMIT %s) AS counted)'
)


@functools.cache
def _ranked_holders_sql(posts: int) -> str:
    user, ra = User._meta, RoleAssignment._meta
    columns = _HOLDER.sql()
    either = " OR ".join(['(ra."role" = %s AND ra."region_id" = %s)'] * posts)
    # Only model metadata is formatted in; every value is a parameter.
    return (
        f'SELECT {columns}, ra."role" AS post_role, ra."region_id" AS post_region, '  # noqa: S608
        f'EXISTS (SELECT 1 FROM "{DutyShift._meta.db_table}" d WHERE d."region_id" = ra."region_id" '
        f'AND d."starts_at" <= %s AND d."ends_at" > %s AND d."user_id" = u."id") AS on_duty, '
        f"{_OPEN_LOAD_SQL} AS open_load "
        f'FROM "{ra.db_table}" ra INNER JOIN "{user.db_table}" u ON u."id" = ra."user_id" '
        f'WHERE ({either}) AND u."is_active" = %s '
        f'ORDER BY ra."id"'
    )


def _load_text(load: int) -> str:
    return f"在办至少{load}件" if load >= LOAD_COUNTED_UP_TO else f"在办{load}件"


def workloads(users: list[Any]) -> dict[int, int]:
    """Each user's open appeals, counted up to LOAD_COUNTED_UP_TO as the intake counts
    them (escalations and returns choose with the same numbers). One statement."""
    if not users:
        return {}
    ids = [u.pk for u in users]
    sql = (
        f'SELECT u."id", {_OPEN_LOAD_SQL} FROM "{User._meta.db_table}" u '  # noqa: S608
        f'WHERE u."id" IN ({", ".join(["%s"] * len(ids))})'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*OPEN_STATUSES, LOAD_COUNTED_UP_TO, *ids])
        return {user_id: load for user_id, load in cursor.fetchall() if load}


def least_busy(users: list[Any]) -> Any | None:
    if not users:
        return None
    if len(users) == 1:
        return users[0]
    load = workloads(users)
    return min(users, key=lambda u: (load.get(u.pk, 0), u.pk))


def needed_skill(appeal: Appeal) -> str:
    text = appeal.content
    return next(
        (skill for skill, words in SKILL_WORDS.items() if any(w in text for w in words)), ""
    )


def professionals_with(skill: str, appeal: Appeal) -> list[Any]:
    """Professionals holding the skill at the appeal's community, street or district."""
    place = appeal.grid or appeal.community
    regions = [r for r in [*region_ancestors(region=place), place] if r.level != RegionLevel.GRID]
    regions.sort(key=lambda r: -len(r.path))  # nearest first
    for region in regions:
        found = [
            a.user
            for a in RoleAssignment.objects.filter(
                role=Role.PROFESSIONAL, region=region, user__is_active=True
            )
            .filter(Q(skills__icontains=skill))
            .select_related("user")
        ]
        if found:
            return found
    return []


def _matching_rule(appeal: Appeal, book: rulebook.Rulebook) -> RoutingRule | None:
    candidates = [
        r
        for r in book.rules
        if r.priority in ("", appeal.priority)
        and r.category in ("", appeal.category)
        and (r.region is None or appeal.region_path.startswith(r.region.path))
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


def route(appeal: Appeal, book: rulebook.Rulebook | None = None) -> Route:
    rule = _matching_rule(appeal, book or rulebook.get())
    priority = Priority(appeal.priority)
    if rule is not None:
        role, level, notify_role, notify_level = (
            rule.target_role,
            rule.target_level,
            rule.notify_role,
            rule.notify_level,
        )
        why = [f"规则“{rule.name}”"]
    else:
        role, level, notify_role, notify_level = DEFAULTS[priority]
        why = [DEFAULT_REASONS[priority]]
    region = _at_level(appeal, level)
    fallback: Post = (Role.COMMUNITY_STAFF, appeal.community_id)
    posts = [fallback] if region is None else list(dict.fromkeys([(role, region.pk), fallback]))
    found = _ranked_holders(posts)
    candidates = found[(role, region.pk)] if region is not None else []
    if region is None or not candidates:
        # Nobody holds the role where the rule points (no grid given, a vacant post):
        # the community's staff take it rather than letting it wait unseen. The reason
        # says which of the two it was: a post is called vacant only when it is.
        if region is None:
            why.append(f"未指定{LEVEL_NAMES.get(level, level)}，转社区工作人员")
        else:
            why.append(f"{region.name}{ROLE_NAMES.get(role, role)}岗位无人，转社区工作人员")
        region, role = appeal.community, Role.COMMUNITY_STAFF
        candidates = found[fallback]
    notify: list[int] = []
    if notify_role and notify_level:
        notify = _holder_ids_at_level(appeal, notify_role, notify_level)

    skill = needed_skill(appeal) if priority != Priority.RED else ""
    experts = professionals_with(skill, appeal) if skill else []
    if experts and priority == Priority.BLUE:
        # A consultation a professional can answer goes straight to them.
        expert = least_busy(experts)
        return Route(
            region=region,
            role=Role.PROFESSIONAL,
            assignee=expert,
            notify_ids=notify,
            reason=f"咨询涉及{SKILL_LABELS[skill]}专长：{expert}"[:200],
        )
    if experts:
        notify += [u.pk for u in experts]
        why.append(f"同时告知{SKILL_LABELS[skill]}")

    duty = [u for u in candidates if u.on_duty]
    pool = duty or candidates
    load = {u.pk: u.open_load for u in pool}  # one count serves the choice and the reason
    assignee = min(pool, key=lambda u: (load.get(u.pk, 0), u.pk)) if pool else None
    if assignee is not None:
        why.append(
            ("值班中，" if duty else "") + f"{assignee}（{_load_text(load.get(assignee.pk, 0))}）"
        )
    else:
        # Only when even the fallback post is empty: say so, so that a dispatcher acts.
        why.append(f"{region.name}{ROLE_NAMES.get(role, role)}岗位也无人，请派单")
    return Route(
        region=region, role=role, assignee=assignee, notify_ids=notify, reason="；".join(why)[:200]
    )
