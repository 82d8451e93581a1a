"""Demo data for votes: in 解放路社区, the owners of 3号楼 decide on 物业费调整 (an owner vote
under 民法典 第二百七十八条) against a unit register of the building. Part of the owners
have voted on paper at the meeting: 14 of the 22 persons, one short of two thirds. The
demo resident (13800000001) owns 3-1-101 and can still vote online; their ballot brings
the quorum (15/22 persons, 1781.10/2593.80 m²). The merger calls load_vote_demo() from demo.loader.load_demo."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from jiaoliuba.accounts.models import User
from jiaoliuba.deliberation.models import Topic, UnitRegister, Vote
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.regions.models import Region

COMMUNITY = "411702001001"  # 解放路社区
ORGANISER = "community_staff"  # 解放路社区 陈干事
DEMO_OWNER_PHONE = "13800000001"  # the demo resident
TITLE = "物业费调整：3号楼物业费由每月1.20元/㎡调整为1.50元/㎡"
REGISTER = "解放路社区 3号楼房屋清册"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"


def units_csv() -> str:
    """3号楼: two entrances, six floors, two flats a floor (24 units). 3-2-601 and 3-2-602
    are unsold (the developer: one person); 3-1-501 and 3-1-502 belong to one buyer (one
    person); 3-2-101 is co-owned by a couple (one person)."""
    lines = ["楼栋,单元,房号,专有面积,业主,手机号,开发商持有"]
    n = 0
    for entrance in (1, 2):
        for floor in range(1, 7):
            for flat in (1, 2):
                room = f"{floor}0{flat}"
                area = Decimal("89.35") if flat == 1 else Decimal("126.80")
                if (entrance, room) in ((2, "601"), (2, "602")):
                    lines.append(f"3,{entrance},{room},{area},,,是")
                    continue
                n += 1
                if (entrance, room) == (1, "101"):
                    owner, phone = "张秀兰", DEMO_OWNER_PHONE
                elif (entrance, room) in ((1, "501"), (1, "502")):
                    owner, phone = "高建国", "13900030501"
                elif (entrance, room) == (2, "101"):
                    owner, phone = "林海；林芳", "13900032101；13900032102"
                else:
                    owner, phone = f"{SURNAMES[n % len(SURNAMES)]}业主{n}", f"139000{n:05d}"
                lines.append(f"3,{entrance},{room},{area},{owner},{phone},否")
    return "\n".join(lines) + "\n"


# Paper ballots entered from the owners' meeting: (sheet, unit, choice 1 approve 2 oppose 3 abstain).
PAPER = [
    ("001", "3-1-102", 1),
    ("002", "3-1-201", 1),
    ("003", "3-1-202", 2),
    ("004", "3-1-301", 1),
    ("005", "3-1-302", 1),
    ("006", "3-1-401", 3),
    ("007", "3-1-501", 1),  # 高建国 for both his flats
    ("008", "3-1-601", 1),
    ("009", "3-2-101", 1),  # 林海 or 林芳, once for the couple
    ("010", "3-2-102", 2),
    ("011", "3-2-201", 1),
    ("012", "3-2-301", 1),
    ("013", "3-2-601", 2),  # the developer, for its two unsold flats
    ("014", "3-2-202", 1),
]


def load_vote_demo() -> Vote | None:
    """Idempotent: does nothing when the demo vote is already there."""
    if Vote.objects.filter(title=TITLE).exists():
        return None
    organiser = User.objects.filter(username=ORGANISER).first()
    community = Region.objects.filter(code=COMMUNITY).first()
    if organiser is None or community is None:
        return None
    with transaction.atomic():
        register = UnitRegister.objects.filter(name=REGISTER).first()
        if register is None:
            register = services.unit_register_create(
                actor=organiser, name=REGISTER, scope=community
            )
        services.unit_register_import(register=register, actor=organiser, text=units_csv())
        topic = Topic.objects.filter(title__startswith="物业费调整").first()
        vote = services.vote_create(
            actor=organiser,
            spec=VoteSpec(
                title=TITLE,
                description=(
                    "物业公司提出上调物业费，业委会组织3号楼全体业主表决。"
                    "按民法典第二百七十八条，须专有部分面积和人数均三分之二以上的业主参与表决，"
                    "且参与表决面积和人数均过半数同意。"
                ),
                scope=community,
                kind="approval",
                eligibility="owners",
                options=[],
                owner_matter="9",
                unit_register=register,
                hide_results_until_close=False,
                topic=topic,
            ),
        )
        vote = services.vote_open(vote=vote, actor=organiser)
        for sheet, unit, choice in PAPER:
            services.paper_ballot_enter(
                vote=vote, actor=organiser, sheet_number=sheet, choices=[choice], unit=unit
            )
    return vote
