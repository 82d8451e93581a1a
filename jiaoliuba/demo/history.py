"""Thirteen months of past appeals across the demo city, replayed through the real
services with the clock pinned at each step, so the dashboards, the ranking and the
before/after table have a story to tell: answers get quicker and residents more
satisfied over the year, as in the Zhumadian figures (illustrative numbers)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock
from jiaoliuba.regions.models import Region

STREET = "411702001000"

TEXTS = [
    ("楼上住户深夜拖动桌椅，噪音影响休息，希望社区协调", "neighbor"),
    ("邻居在楼道里堆放杂物和旧家具，进出很不方便", "neighbor"),
    ("小区电梯经常停运，老人上下楼很困难，物业一直拖着不修", "property"),
    ("物业费上涨但保洁次数减少，楼道好几天没人打扫", "property"),
    ("小区门口路灯坏了很久，晚上出行不安全", "livelihood"),
    ("希望社区多组织一些老年人健康讲座和义诊活动", "suggestion"),
    ("建议在小区里增设电动车集中充电桩", "suggestion"),
    ("孩子上学路口没有斑马线，车速很快，希望增设减速带", "livelihood"),
    ("楼下餐馆油烟直排，家里窗户都不敢开", "neighbor"),
    ("小区绿化带被人私自开垦种菜，希望物业管一管", "property"),
    ("想咨询一下老年人高龄补贴怎么申请", "livelihood"),
    ("小区垃圾分类点气味很大，清运不及时", "property"),
]


def load_history(
    *,
    months: int = 13,
    per_month: int = 18,
    seed: int = 2026,
    exclude: Any = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Returns how many appeals it filed; files none if history is already there. The
    dashboards pick the new events up on their next read. `progress(done_months, months,
    appeals_so_far)` is called after each month, since the whole replay takes a minute."""
    now = clock.now()
    first = now - dt.timedelta(days=30 * months)
    if Appeal.objects.filter(received_at__lt=now - dt.timedelta(days=40)).exists():
        return 0
    # 东风街道, where the demo has someone on duty in every community.
    street = Region.objects.get(code=STREET)
    rng = random.Random(seed)  # noqa: S311 - illustrative data, not security
    people = list(
        ResidentProfile.objects.filter(grid__isnull=False, region_path__startswith=street.path)
        .exclude(user=exclude)
        .select_related("user", "community", "grid")
        .order_by("pk")
    )
    if not people:
        return 0
    # The demo residents "registered" before the history starts, so the participation
    # rate has a denominator in every month shown.
    ResidentProfile.objects.filter(pk__in=[p.pk for p in people]).update(
        created_at=first - dt.timedelta(days=30)
    )
    created = 0
    for month in range(months):
        # Month 0 is a year ago; later months answer faster and please more people.
        share = month / max(1, months - 1)
        for _ in range(per_month):
            received = first + dt.timedelta(
                days=30 * month + rng.uniform(0, 29), hours=rng.uniform(8, 19)
            )
            if received > now - dt.timedelta(days=2):
                continue
            person = rng.choice(people)
            text, hint = rng.choice(TEXTS)
            with clock.pinned(received):
                intake = services.Intake(
                    content=text, community=None, grid=person.grid, type_hint=hint
                )
                appeal, _new = services.appeal_submit(submitter=person.user, intake=intake)
            created += 1
            _handle(appeal, person.user, received, share, rng, now)
        if progress is not None:
            progress(month + 1, months, created)
    return created


def _handle(appeal, resident, received, progress, rng, now) -> None:
    handler = appeal.assignee
    if handler is None:
        return
    moment = received + dt.timedelta(hours=rng.uniform(0.3, 40 - 34 * progress))
    if moment > now:
        return
    with clock.pinned(moment):
        services.appeal_accept(appeal=appeal, actor=handler)
    if appeal.category in ("neighbor", "property") and rng.random() < 0.25:
        _mediate(appeal, handler, moment, progress, rng, now)
    moment += dt.timedelta(hours=rng.uniform(4, 110 - 70 * progress))
    if moment > now:
        return
    with clock.pinned(moment):
        services.appeal_resolve(appeal=appeal, actor=handler, reply="已办理，结果已电话告知居民。")
    if rng.random() > 0.85:
        return  # not rated: closes by itself after seven days
    moment += dt.timedelta(hours=rng.uniform(1, 48))
    if moment > now:
        return
    roll = rng.random()
    satisfied = 0.55 + 0.35 * progress
    level = (
        "satisfied" if roll < satisfied else "basic" if roll < satisfied + 0.1 else "unsatisfied"
    )
    with clock.pinned(moment):
        services.appeal_rate(
            appeal=appeal, actor=resident, level=level, solved=level != "unsatisfied"
        )


def _mediate(appeal, handler, moment, progress, rng, now) -> None:
    with clock.pinned(moment):
        mediation = services.mediation_start(
            appeal=appeal,
            actor=handler,
            mediator=handler,
            parties=[("当事人甲", "反映人", ""), ("当事人乙", "被反映人", "")],
        )
    concluded = moment + dt.timedelta(hours=rng.uniform(2, 30))
    if concluded > now:
        return
    agreed = rng.random() < 0.6 + 0.3 * progress
    with clock.pinned(concluded):
        services.mediation_conclude(
            mediation=mediation,
            actor=handler,
            outcome="agreement" if agreed else "no_agreement",
            agreement_text="双方达成一致，签订调解协议。" if agreed else "",
        )
