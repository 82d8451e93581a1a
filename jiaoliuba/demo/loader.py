"""The demo city: 驻马店市 with its real districts and counties (codes are official),
illustrative streets, communities and grids, one staff account per role and a few
hundred residents with invented names and numbers. Idempotent: run it again and it
adds nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import HouseholdRelation, Role, VerificationStatus
from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.core import clock
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
    StaffSpec("lawyer", "吴律师", Role.PROFESSIONAL, "411702001000"),
    StaffSpec("volunteer", "郑志愿者", Role.VOLUNTEER, "411702001001"),
]

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "秀兰桂英建国国强志强丽娟海燕明华红梅玉兰建华淑珍晓东文静子涵浩然雨欣思远俊杰佳怡德明春花伟红金凤"


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def load_demo(*, residents: int = 300, stdout=None) -> dict[str, int]:
    say = stdout.write if stdout else (lambda _msg: None)
    report = regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    say(f"regions: created {report.created}, unchanged {report.unchanged}")
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
    say(f"staff accounts: created {created_staff} of {len(STAFF)}")
    created_residents = _load_residents(regions, residents)
    say(f"residents: created {created_residents}")
    return {"regions": report.created, "staff": created_staff, "residents": created_residents}


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
