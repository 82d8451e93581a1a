"""Demo data for the consensus map: on the topic 社区食堂如何运营 of 解放路社区, staff open a
question with seed statements, neighbours add a few, and 36 neighbours vote in three
camps — 老人自营派 (the community runs it cheaply), 市场派 (a catering company runs it at
market prices) and 上班族 (evening hours, take-away) — while agreeing that old people get
a discount and that the kitchen is open to inspection. The demo resident (13800000001)
has not voted, so they can try it. One neighbour's advertisement, reported by two others,
waits in the moderation queue. The map is computed at once. The merger calls
load_consensus_demo() from demo.loader.load_demo."""

from __future__ import annotations

import random

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.models import User
from jiaoliuba.deliberation.consensus import services
from jiaoliuba.deliberation.models import ConsensusQuestion, Topic
from jiaoliuba.regions.models import Region

TOPIC = "社区食堂如何运营"
PROMPT = "社区食堂应该怎样运营？"
GRIDS = ("411702001001001", "411702001001002")
PHONE_BASE = 13900100000

# (statement, seeded by staff, stance of 自营派, 市场派, 上班族): 1 agree, -1 disagree, 0 pass
STATEMENTS: list[tuple[str, bool, int, int, int]] = [
    ("食堂由社区自营，不以赚钱为目的", True, 1, -1, 0),
    ("委托专业餐饮公司经营，社区负责监督", True, -1, 1, -1),
    ("80岁以上和困难老人应享受优惠价", True, 1, 1, 1),
    ("后厨和食材采购要向居民公开", True, 1, 1, 1),
    ("价格应与市场价持平，食堂才能长久经营", True, -1, 1, -1),
    ("晚上也要营业，方便上班族吃饭", False, -1, -1, 1),
    ("可以接外卖平台订单，增加收入", False, -1, 1, 1),
    ("请志愿者帮厨，降低成本", False, 1, -1, -1),
    ("每月开一次居民评议会，听取意见", False, 1, 1, 1),
    ("年轻人也能办卡，不只面向老人", False, -1, -1, 1),
]
CAMPS = (15, 12, 9)
# A neighbour's advertisement, reported by two others: it waits in the staff's moderation
# queue (hide it, or dismiss the reports) when the demo starts.
ADVERT = "隔壁小区食堂代金券团购，私信我优惠五元"
REPORTS = ("这是广告，和食堂怎么办无关", "推销代金券")
# Residents this demo registers (食堂议事居民1…36), beyond load_demo's --residents.
NEIGHBOURS = sum(CAMPS)
CODES = {1: "agree", -1: "disagree", 0: "pass"}


def _neighbours() -> list[User]:
    grids = {r.code: r for r in Region.objects.filter(code__in=GRIDS)}
    people = []
    for i in range(NEIGHBOURS):
        phone = str(PHONE_BASE + i)
        user = account_selectors.user_by_phone(phone=phone)
        if user is None:
            user = account_services.resident_register(
                phone=phone,
                display_name=f"食堂议事居民{i + 1}",
                grid=grids[GRIDS[i % 2]],
                address=f"{i % 6 + 1}号楼{i % 2 + 1}单元{i % 5 + 1}01室",
            )
        people.append(user)
    return people


def load_consensus_demo() -> bool:
    """Returns True when the question was created now, False when it was there."""
    topic = Topic.objects.filter(title=TOPIC).order_by("pk").first()
    staff = User.objects.filter(username="community_staff").first()
    if topic is None or staff is None or not Region.objects.filter(code__in=GRIDS).exists():
        return False
    if ConsensusQuestion.objects.filter(topic=topic, prompt=PROMPT).exists():
        return False
    people = _neighbours()
    question = services.question_open(
        topic=topic,
        actor=staff,
        prompt=PROMPT,
        description="街道将补贴社区老年食堂。请对每条观点表态，也可以提出新的观点。",
        statements=[text for text, seeded, *_ in STATEMENTS if seeded],
    )
    rng = random.Random(13)  # noqa: S311 — reproducible demo votes, not security
    authors = iter(people)
    statements = {s.body: s for s in question.statements.all()}
    for text, seeded, *_ in STATEMENTS:
        if not seeded:
            statements[text] = services.statement_add(
                question=question, actor=next(authors), body=text
            )
    camp_of = [c for c, size in enumerate(CAMPS) for _ in range(size)]
    for person, camp in zip(people, camp_of, strict=True):
        for text, _seeded, *stances in STATEMENTS:
            stance = stances[camp]
            roll = rng.random()
            if roll < 0.1:
                continue  # not everyone sees every statement
            if roll < 0.2:
                stance = rng.choice((1, -1, 0))
            services.statement_vote(statement=statements[text], actor=person, opinion=CODES[stance])
    advert = services.statement_add(question=question, actor=people[-1], body=ADVERT)
    for reporter, reason in zip((people[0], people[15]), REPORTS, strict=True):
        services.statement_flag(statement=advert, actor=reporter, reason=reason)
    services.map_compute(question=question)
    return True
