"""The demo city's points: the stores of 解放路社区 and 东风街道, and the seed's 张阿姨 story
told through the services — her suggestion of an elders' activity room is adopted (+50,
confirmed by the secretary), she takes part in meetings, volunteers and suggests online, and
has already picked up a barrel of cooking oil; 50 points are left for a home cleaning."""

from __future__ import annotations

import datetime as dt

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.core import clock
from jiaoliuba.points import services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import StoreItem
from jiaoliuba.regions.models import Region

ITEMS = [
    # (region code, name, partner, description, price, stock, per person)
    (
        "411702001001",
        "食用油一桶（5L）",
        "好邻居超市",
        "价值约 10 元的生活用品兑换券升级款",
        100,
        20,
        1,
    ),
    (
        "411702001001",
        "家政保洁一次（2 小时）",
        "巾帼家政服务社",
        "上门保洁，预约后一周内安排",
        50,
        10,
        1,
    ),
    (
        "411702001001",
        "免费健康体检一次",
        "社区卫生服务中心",
        "血压、血糖、心电图等基础项目",
        500,
        5,
        1,
    ),
    ("411702001000", "端午粽子礼盒", "东风街道党群服务中心", "街道各社区居民均可兑换", 80, 30, 1),
]
STORY = [
    (Act.SUGGESTION_ADOPTED, "demo:appeal:elders-room"),
    (Act.MEETING_ATTENDED, "demo:meeting:parking"),
    (Act.MEETING_ATTENDED, "demo:meeting:canteen"),
    (Act.MEETING_ATTENDED, "demo:meeting:pets"),
    (Act.VOLUNTEER_SHIFT, "demo:volunteer:flood-watch"),
    (Act.VOLUNTEER_SHIFT, "demo:volunteer:elders-visit"),
    (Act.VOLUNTEER_SHIFT, "demo:volunteer:clean-up"),
    (Act.SUGGESTION_ONLINE, "demo:suggestion:bench"),
    (Act.SUGGESTION_ONLINE, "demo:suggestion:lights"),
]


def load_points_demo(*, resident_phone: str) -> bool:
    """Create the stores and the story once; False when they are already there."""
    if StoreItem.objects.exists():
        return False
    secretary = User.objects.get(username="secretary")
    street = User.objects.get(username="street_officer")
    regions = {r.code: r for r in Region.objects.filter(code__in={i[0] for i in ITEMS})}
    items = []
    for code, name, partner, description, price, stock, limit in ITEMS:
        items.append(
            services.store_item_save(
                actor=street if code.endswith("000") else secretary,
                region=regions[code],
                name=name,
                partner=partner,
                description=description,
                price=price,
                stock=stock,
                per_person_limit=limit,
            )
        )
    zhang = user_by_phone(phone=resident_phone)
    if zhang is None:
        return True
    start = clock.now() - dt.timedelta(days=2 * len(STORY))
    for n, (act, source) in enumerate(STORY):  # one act every other day, within every cap
        with clock.pinned(start + dt.timedelta(days=2 * n)):
            services.points_award(user=zhang, act=act, source=source, confirmed_by=secretary)
    oil = services.redemption_place(user=zhang, item=items[0], request_key="demo-oil")
    services.redemption_fulfil(actor=secretary, redemption=oil, code=oil.pickup_code)
    return True
