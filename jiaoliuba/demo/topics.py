"""The seed's example topics (议题示例) in 解放路社区, through the real services: residents'
proposals with neighbours' support, comments, and official answers from the community.
Idempotent: a title already there is skipped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.core import clock
from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.models import Topic
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q

COMMUNITY = "411702001001"
GRID = "411702001001001"

# (title, text, scope, source, supporters wanted, comments, official answer, stage)
TOPICS: list[dict[str, Any]] = [
    {
        "title": "如何解决小区停车难",
        "body": "老小区车位少，晚上回来车停满了消防通道。建议错时停车，借用附近单位的车位。",
        "scope": GRID,
        "supporters": "threshold",
        "comments": ["赞成错时停车，周边写字楼晚上都空着。", "能不能把东边空地划成停车位？"],
        "answer": "社区已联系物业和交警，下周三晚在交流吧议事，欢迎大家参加。",
        "stage": "discussing",
    },
    {
        "title": "宠物扰民怎么办",
        "body": "夜里狗叫、遛狗不拴绳、楼道里有宠物粪便，希望一起商量个公约。",
        "scope": GRID,
        "supporters": 4,
        "comments": ["可以规定遛狗时间和区域。", "养狗的邻居大多很自觉，别一刀切。"],
    },
    {
        "title": "楼道堆物清理",
        "body": "3号楼楼道堆满纸箱和旧家具，有消防隐患，想约个时间一起清理。",
        "scope": GRID,
        "building": True,
        "supporters": 2,
        "comments": ["周六上午我可以帮忙搬。"],
    },
    {
        "title": "社区食堂如何运营",
        "body": "社区准备开老年食堂：谁来经营、价格怎么定、怎么保证卫生，请大家出主意。",
        "scope": COMMUNITY,
        "source": "community",
        "comments": ["价格要让退休老人吃得起。", "希望能送餐上门。"],
        "answer": "食堂由街道补贴，中午12元两荤一素，80岁以上老人可预约送餐。",
        "stage": "discussing",
    },
    {
        "title": "业委会换届选举",
        "body": "本届业主委员会任期将满，请业主推荐候选人，讨论选举办法。",
        "scope": COMMUNITY,
        "source": "community",
        "comments": ["候选人要公示个人情况。"],
    },
    {
        "title": "物业费调整",
        "body": "物业公司提出上调物业费，请社区组织业主协商，依法表决。",
        "scope": COMMUNITY,
        "source": "assigned",
        "comments": ["先公开成本账再谈涨价。", "涨可以，服务要跟上。"],
        "answer": "将邀请律师和会计师参加议事会，先核算成本，再组织业主表决。",
    },
    {
        "title": "公共收益使用",
        "body": "小区电梯广告和停车收益有多少、用在哪里，建议每季度公示并由业主商量用途。",
        "scope": COMMUNITY,
        "supporters": 5,
        "comments": ["建议优先用于加装电梯。"],
    },
]


def _residents(path: str, exclude: set[int]) -> list[User]:
    profiles = (
        ResidentProfile.objects.filter(subtree_q(path, field="region_path"))
        .exclude(user_id__in=exclude)
        .select_related("user")
        .order_by("pk")
    )
    return [p.user for p in profiles]


def load_topics(*, resident_phone: str) -> int:
    if not Region.objects.filter(code=COMMUNITY).exists():
        return 0
    regions = {r.code: r for r in Region.objects.filter(code__in=(COMMUNITY, GRID))}
    proposer = account_selectors.user_by_phone(phone=resident_phone)
    staff = User.objects.filter(username="community_staff").first()
    street = User.objects.filter(username="street_officer").first()
    if proposer is None or staff is None or street is None:
        return 0
    community_path = regions[COMMUNITY].path
    created = 0
    for number, spec in enumerate(TOPICS):
        if Topic.objects.filter(
            title=spec["title"], scope_path__startswith=community_path
        ).exists():
            continue
        scope = regions[spec["scope"]]
        people = _residents(scope.path, {proposer.pk})
        source = spec.get("source", "resident")
        if source == "resident":
            # The demo resident proposes the first; neighbours propose the others.
            author = proposer if number == 0 else (people.pop(0) if people else proposer)
            topic = services.topic_propose(
                actor=author,
                title=spec["title"],
                body=spec["body"],
                scope=scope,
                for_building=bool(spec.get("building")) and author == proposer,
            )
            wanted = spec.get("supporters", 0)
            if wanted == "threshold":
                wanted = topic.support_threshold - topic.support_count
            for person in [p for p in people if p != author][:wanted]:
                topic = services.topic_support(topic=topic, actor=person)
        elif source == "assigned":
            topic = services.topic_create(
                actor=street,
                title=spec["title"],
                body=spec["body"],
                scope=scope,
                source="assigned",
                due_at=clock.now() + dt.timedelta(days=30),
            )
        else:
            topic = services.topic_create(
                actor=staff, title=spec["title"], body=spec["body"], scope=scope
            )
        topic.refresh_from_db()
        for i, text in enumerate(spec.get("comments", [])):
            speaker = people[(i + 1) % len(people)] if people else proposer
            services.topic_comment(topic=topic, actor=speaker, body=text, show_name=i == 1)
        if spec.get("stage") == "discussing":
            if topic.stage in ("proposed", "collecting"):
                topic = services.topic_put_on_agenda(topic=topic, actor=staff)
            topic = services.topic_start_discussion(topic=topic, actor=staff)
        if spec.get("answer"):
            services.topic_comment(topic=topic, actor=staff, body=spec["answer"], official=True)
        created += 1
    return created
