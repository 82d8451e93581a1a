"""The demo city: 驻马店市 with its real districts and counties (codes are official),
illustrative streets, communities and grids, one staff account per role and a few
hundred residents with invented names and numbers. Idempotent: run it again and it
adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import HouseholdRelation, Role, VerificationStatus
from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.bookings.demo import load_bookings_demo
from jiaoliuba.community.demo import load_community_demo
from jiaoliuba.core import clock
from jiaoliuba.deliberation.consensus.demo import load_consensus_demo
from jiaoliuba.deliberation.meetings.demo import load_meetings_demo
from jiaoliuba.deliberation.voting.demo import load_vote_demo
from jiaoliuba.demo.experts import load_expert_requests_demo
from jiaoliuba.demo.history import load_history
from jiaoliuba.demo.topics import load_topics
from jiaoliuba.demo.venues import load_venues_demo
from jiaoliuba.points.demo import load_points_demo
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.services import parse_region_csv, regions_import

REGIONS_CSV = Path(__file__).parent / "data" / "zhumadian_regions.csv"
DEMO_PASSWORD = "jiaoliuba-demo-2026"
DEMO_RESIDENT_PHONE = "13800000001"


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    role: str
    region_code: str
    admin: bool = False


STAFF = [
    StaffSpec("admin", "系统管理员", Role.CITY_ADMIN, "411700000000", admin=True),
    StaffSpec("city_admin", "市指挥中心 王主任", Role.CITY_ADMIN, "411700000000"),
    StaffSpec("district_officer", "驿城区 李科长", Role.DISTRICT_OFFICER, "411702000000"),
    StaffSpec("street_officer", "东风街道 赵主任", Role.STREET_OFFICER, "411702001000"),
    StaffSpec("secretary", "解放路社区 刘书记", Role.COMMUNITY_SECRETARY, "411702001001"),
    StaffSpec("community_staff", "解放路社区 陈干事", Role.COMMUNITY_STAFF, "411702001001"),
    StaffSpec("grid_worker", "第1网格 孙网格员", Role.GRID_WORKER, "411702001001001"),
    StaffSpec("grid_worker2", "第2网格 周网格员", Role.GRID_WORKER, "411702001001002"),
    StaffSpec("jiankang_staff", "健康路社区 王干事", Role.COMMUNITY_STAFF, "411702001002"),
    StaffSpec("wenhua_staff", "文化路社区 马干事", Role.COMMUNITY_STAFF, "411702001003"),
    StaffSpec("lawyer", "吴律师", Role.PROFESSIONAL, "411702001000"),
    StaffSpec("volunteer", "郑志愿者", Role.VOLUNTEER, "411702001001"),
    StaffSpec("auditor", "市网信办 钱审计员", Role.AUDITOR, "411700000000"),
]

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "秀兰桂英建国国强志强丽娟海燕明华红梅玉兰建华淑珍晓东文静子涵浩然雨欣思远俊杰佳怡德明春花伟红金凤"


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def load_demo(*, residents: int = 300, stdout=None) -> dict[str, int]:
    def say(message: str) -> None:
        # `make run` is silent for a minute otherwise: show each step as it happens.
        if stdout is not None:
            stdout.write(message)
            stdout.flush()

    say("[1/5] regions …")
    report = regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    say(f"[1/5] regions: created {report.created}, unchanged {report.unchanged}")
    regions = {r.code: r for r in Region.objects.all()}
    created_staff = 0
    with transaction.atomic():
        for spec in STAFF:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = account_services.user_create_staff(
                    username=spec.username, password=DEMO_PASSWORD, display_name=spec.name
                )
                created_staff += 1
            if spec.admin and not user.is_superuser:
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            account_services.role_assign(
                actor=None, user=user, role=spec.role, region=regions[spec.region_code]
            )
    say(f"[2/5] staff accounts: created {created_staff} of {len(STAFF)}")
    created_residents = _load_residents(regions, residents)
    say(f"[3/5] residents: created {created_residents}")
    created_appeals = _load_appeals()
    say(f"[4/5] appeals: created {created_appeals}")

    created_topics = load_topics(resident_phone=DEMO_RESIDENT_PHONE)
    say(f"[4/5] deliberation topics: created {created_topics}")
    demo_vote = load_vote_demo()
    say(f"[4/5] owner vote on 物业费调整: {'created' if demo_vote else 'already there'}")
    points_made = load_points_demo(resident_phone=DEMO_RESIDENT_PHONE)
    say(f"[4/5] points stores and 张阿姨's points: {'created' if points_made else 'already there'}")
    demo_map = load_consensus_demo()
    say(f"[4/5] consensus map on 社区食堂: {'created' if demo_map else 'already there'}")
    demo_resident = account_selectors.user_by_phone(phone=DEMO_RESIDENT_PHONE)
    booked = load_bookings_demo(resident_phone_hash=getattr(demo_resident, "phone_hash", None))
    say(f"[4/5] services: legal consultation {'created' if booked else 'already there'}")
    venue = load_venues_demo()
    say(
        f"[4/5] 解放路社区 交流吧 venue, rota and visits: {'created' if venue else 'already there'}"
    )
    notices = load_community_demo()
    say(f"[4/5] community notices, wish wall, ideas and stories: created {notices} notices")

    def month_done(done: int, months: int, filed: int) -> None:
        say(f"[5/5] appeal history: month {done}/{months}, {filed} appeals filed")

    created_history = load_history(exclude=demo_resident, progress=month_done)
    say(f"[5/5] appeal history (13 months): created {created_history}")
    # After the history: its red appeal of 75 days ago would otherwise read as history there.
    demo_meeting = load_meetings_demo()
    say(f"[5/5] 物业费调价 meeting case: {'created' if demo_meeting else 'already there'}")
    asked = load_expert_requests_demo()
    say(f"[5/5] expert pool requests: {'created' if asked else 'already there'}")
    return {
        "regions": report.created,
        "staff": created_staff,
        "residents": created_residents,
        "appeals": created_appeals,
        "topics": created_topics,
        "history": created_history,
    }


def _load_residents(regions: dict[str, Region], count: int) -> int:
    rng = random.Random(411700)  # noqa: S311  (fixed seed: the same demo city every time)
    grids = [r for r in regions.values() if r.level == RegionLevel.GRID]
    home_grids = [
        g for g in grids if g.code.startswith("411702")
    ]  # most demo residents live in 驿城区
    verifier = User.objects.filter(username="grid_worker").first()
    created = 0
    specs = [(DEMO_RESIDENT_PHONE, "张秀兰", regions["411702001001001"], "3号楼2单元301室", True)]
    used = {DEMO_RESIDENT_PHONE}
    while len(specs) < count:
        phone = f"139{rng.randrange(10**8):08d}"
        if phone in used:
            continue
        used.add(phone)
        grid = rng.choice(home_grids if rng.random() < 0.8 else grids)
        address = f"{rng.randint(1, 12)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        specs.append((phone, _name(rng), grid, address, rng.random() < 0.7))
    for phone, name, grid, address, verified in specs:
        if account_selectors.user_by_phone(phone=phone) is not None:
            continue
        with transaction.atomic():
            user = account_services.resident_register(
                phone=phone, display_name=name, grid=grid, address=address
            )
            assert grid.parent is not None  # a grid lies in a community
            household = account_services.household_get_or_create(
                community=grid.parent, grid=grid, address=address
            )
            relation = (
                HouseholdRelation.HEAD
                if not household.members.exists()
                else HouseholdRelation.OTHER
            )
            fields = {"household": household, "household_relation": relation}
            if verified and verifier is not None:
                fields |= {
                    "verification_status": VerificationStatus.VERIFIED,
                    "verified_by": verifier,
                    "verified_at": clock.now(),
                }
            ResidentProfile.objects.filter(user=user).update(**fields)
        created += 1
    return created


DEMO_APPEALS = [
    # (text, type hint, days ago, what happens next)
    ("楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效", "neighbor", 0, "new"),
    ("楼道里一股煤气味，家里有老人，很担心", "property", 0, "new"),
    ("小区东门路灯坏了快一个月了，晚上很黑，老人孩子容易摔倒", "livelihood", 2, "accepted"),
    ("物业费要涨30%，业主们很不满意，准备联名去找街道", "property", 1, "new"),
    ("想咨询一下社区老年食堂什么时候开，怎么报名", "livelihood", 1, "resolved"),
    ("建议在小区空地建一个老年活动中心", "suggestion", 5, "closed"),
    ("隔壁装修天天从早上七点开始电钻，周末也不停", "neighbor", 4, "overdue"),
    ("电梯经常停在半路，物业说在等配件，已经一周了", "property", 6, "unsatisfied"),
    ("低保申请材料交了一个多月没有消息", "livelihood", 3, "in_progress"),
    ("小区门口的下水井盖没有了，很危险", "safety", 0, "new"),
]


def _load_appeals() -> int:
    """A handful of appeals in every state around 解放路社区, so the queue, the
    supervision lists and a resident's timeline have something to show."""

    community = Region.objects.get(code="411702001001")
    if Appeal.objects.filter(community=community).exists():
        return 0
    grid = Region.objects.get(code="411702001001001")
    resident = account_selectors.user_by_phone(phone=DEMO_RESIDENT_PHONE)
    desk = User.objects.get(username="community_staff")
    now = clock.now()
    created = 0
    for text, hint, days_ago, fate in DEMO_APPEALS:
        intake = appeal_services.Intake(
            content=text,
            community=community,
            grid=grid,
            type_hint=hint,
            consent_public=True,
            channel="online" if days_ago == 0 else "window",
            received_at=now - dt.timedelta(days=days_ago, hours=1) if days_ago else None,
        )
        appeal, _new = appeal_services.appeal_submit(
            submitter=resident, intake=intake, created_by=desk if days_ago else None
        )
        created += 1
        # The worker would do this after each intake; the demo does it at once.
        appeal_services.appeal_follow_ups_run()
        handler = appeal.assignee
        if fate == "new" or handler is None:
            continue
        if fate == "overdue":
            continue  # left untouched past its deadline: the sweep will raise 督办
        appeal_services.appeal_accept(appeal=appeal, actor=handler)
        if fate == "accepted":
            continue
        appeal_services.appeal_reply(
            appeal=appeal, actor=handler, message="已联系相关单位，正在处理。"
        )
        if fate == "in_progress":
            continue
        appeal_services.appeal_resolve(
            appeal=appeal, actor=handler, reply="已办理完毕，详情已电话告知。"
        )
        if fate == "closed":
            appeal_services.appeal_rate(
                appeal=appeal, actor=resident, level="satisfied", solved=True, comment="很满意"
            )
        elif fate == "unsatisfied":
            appeal_services.appeal_rate(
                appeal=appeal,
                actor=resident,
                level="unsatisfied",
                solved=False,
                comment="还是经常坏",
            )
    return created
