"""The demo's 交流吧 venue (issue 16): 解放路社区's converted kiosk of 25 m² (the seed's
case, so its below-standard warning shows), open weekdays with two late evenings
(Wednesday's 居民说事时间 until 20:30, Friday until 20:00), a month's duty rota around
today (past shifts served, a volunteer's earning points, one swap awaiting approval),
a month of visits logged (some turned into appeals) and three monthly themes. Written
through the real services; idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.core import clock, workdays
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.regions.models import Region
from jiaoliuba.venues import services
from jiaoliuba.venues.choices import DutyRole, ThemeKind, VisitOutcome, Zone
from jiaoliuba.venues.models import Venue

COMMUNITY = "411702001001"
GRID = "411702001001001"
NAME = "解放路社区百姓交流吧"
DEMO_RESIDENT_PHONE = "13800000001"  # 张秀兰's story is told elsewhere: she is no visitor here

HOURS = [(d, dt.time(9), dt.time(12)) for d in range(5)] + [
    (0, dt.time(14, 30), dt.time(17, 30)),
    (1, dt.time(14, 30), dt.time(17, 30)),
    (2, dt.time(14, 30), dt.time(20, 30)),  # 居民说事时间 19:00–20:30, 书记接待
    (3, dt.time(14, 30), dt.time(17, 30)),
    (4, dt.time(14, 30), dt.time(20)),
]

TOPICS = [
    ("建议小区增设电动车充电桩", VisitOutcome.SUGGESTION),
    ("建议社区开设老年人智能手机培训", VisitOutcome.SUGGESTION),
    ("希望垃圾分类点晚上多开一小时", VisitOutcome.SUGGESTION),
    ("建议在东门加装减速带", VisitOutcome.SUGGESTION),
    ("咨询医保异地备案怎么办", VisitOutcome.SOLVED),
    ("老人高龄补贴申请表不会填", VisitOutcome.SOLVED),
    ("居住证明开具", VisitOutcome.SOLVED),
    ("门禁卡丢了怎么补办", VisitOutcome.SOLVED),
    ("楼上漏水到楼下，两家协商赔偿", VisitOutcome.MEDIATION),
    ("公共楼道堆放杂物引发邻里争执", VisitOutcome.MEDIATION),
    ("停车位被长期占用，两户吵架", VisitOutcome.MEDIATION),
    ("5号楼单元门闭门器坏了", VisitOutcome.REFERRED),
    ("小区南侧下水道反味严重", VisitOutcome.REFERRED),
    ("健身器材螺丝松动，有安全隐患", VisitOutcome.REFERRED),
]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=SHANGHAI)


def _volunteer(community: Region) -> User | None:
    """A resident of the first grid who volunteers at the venue (and so earns points)."""
    demo = account_selectors.user_by_phone(phone=DEMO_RESIDENT_PHONE)
    profile = (
        ResidentProfile.objects.filter(region_path__endswith=GRID)
        .exclude(user_id=getattr(demo, "pk", 0))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if profile is None:
        return None
    account_services.role_assign(
        actor=None, user=profile.user, role=Role.VOLUNTEER, region=community
    )
    return profile.user


def load_venues_demo() -> Venue | None:
    """Returns the venue, or None when already there (or when the people it needs are
    missing)."""
    if Venue.objects.filter(name=NAME).exists():
        return None
    community = Region.objects.filter(code=COMMUNITY).first()
    names = ("community_staff", "secretary", "grid_worker", "grid_worker2")
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    if community is None or len(people) < len(names):
        return None
    staff, secretary = people["community_staff"], people["secretary"]
    rng = random.Random(16)  # noqa: S311  (fixed seed: the same demo every time)
    today = clock.local_now().date()
    with transaction.atomic():
        volunteer = _volunteer(community)
        venue = services.venue_create(
            actor=staff,
            region=community,
            name=NAME,
            address="解放路与交通路交叉口东北角（原核酸采样亭）",
            area_m2=25,
            zones=list(Zone.values),
            facilities="圆桌一张、折叠椅12把、调解隔间、意见箱、公示栏、饮水机、急救箱",
        )
        services.venue_hours_set(actor=staff, venue=venue, rows=HOURS)
        first = today.replace(day=1)
        last_month = (first - dt.timedelta(days=1)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        for month, kind, title, day in (
            (last_month, ThemeKind.NEIGHBOUR_FESTIVAL, "邻里节·百家宴", last_month.replace(day=20)),
            (first, ThemeKind.PROPERTY_FACE_TO_FACE, "物业面对面", first.replace(day=18)),
            (
                next_month,
                ThemeKind.LEGAL_DAY,
                "法律咨询日（吴律师坐班）",
                next_month.replace(day=15),
            ),
        ):
            services.venue_theme_set(
                actor=staff, venue=venue, month=month, kind=kind, title=title, day=day
            )
        _rota(venue, staff, secretary, people, volunteer, today)
        _visits(venue, staff, secretary, rng, today)
    return venue


def _rota(venue, staff, secretary, people, volunteer, today) -> None:
    grid_workers = [people["grid_worker"], people["grid_worker2"]]
    future = []
    for offset in range(-15, 16):
        day = today + dt.timedelta(days=offset)
        if day.weekday() > 4 or workdays.is_holiday_closure(day):
            continue
        plan = [
            (staff, DutyRole.STAFF, dt.time(9), dt.time(12)),
            (grid_workers[offset % 2], DutyRole.GRID_WORKER, dt.time(14, 30), dt.time(17, 30)),
        ]
        if day.weekday() == 2:
            plan.append((secretary, DutyRole.STAFF, dt.time(17, 30), dt.time(20, 30)))
        if day.weekday() == 4:
            evening = volunteer or staff
            role = DutyRole.VOLUNTEER if volunteer else DutyRole.STAFF
            plan.append((evening, role, dt.time(17, 30), dt.time(20)))
        for person, role, start, end in plan:
            shift = services.shift_create(
                actor=staff,
                venue=venue,
                person=person,
                duty_role=role,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
            )
            if shift.ends_at < clock.now():
                services.shift_complete(actor=secretary, shift=shift)
            elif shift.starts_at > clock.now():
                future.append(shift)
    # One swap awaiting approval: a grid worker hands an afternoon to the other.
    swap_shift = next((s for s in future if s.duty_role == DutyRole.GRID_WORKER), None)
    if swap_shift is not None:
        other = next(g for g in grid_workers if g.pk != swap_shift.person_id)
        services.swap_request(
            actor=swap_shift.person, shift=swap_shift, replacement=other, reason="当天要入户走访"
        )


def _visits(venue, staff, secretary, rng, today) -> None:
    demo = account_selectors.user_by_phone(phone=DEMO_RESIDENT_PHONE)
    residents = list(
        ResidentProfile.objects.filter(region_path__startswith=venue.region_path)
        .exclude(user_id=getattr(demo, "pk", 0))
        .select_related("user")
        .order_by("pk")[:40]
    )
    now = clock.now()
    for offset in range(30, -1, -1):
        day = today - dt.timedelta(days=offset)
        if day.weekday() > 4 or workdays.is_holiday_closure(day):
            continue
        for _ in range(rng.randint(1, 4)):
            topic, outcome = rng.choice(TOPICS)
            hour = rng.choice((9, 10, 11, 15, 16)) if day.weekday() not in (2, 4) else 19
            received = _at(day, dt.time(hour, rng.choice((5, 20, 40))))
            if received > now:
                continue
            profile = rng.choice(residents) if residents and rng.random() < 0.6 else None
            desk = secretary if hour == 19 else staff
            visit = services.visit_log(
                actor=desk,
                venue=venue,
                topic=topic,
                outcome=outcome,
                people=rng.choice((1, 1, 1, 2, 3)),
                received_at=received,
                visitor_phone=profile.user.phone if profile else "",
                visitor_name="" if profile else rng.choice(("王阿姨", "李大爷", "赵先生")),
            )
            # The last week's suggestions and referred problems became appeals.
            if outcome in (VisitOutcome.SUGGESTION, VisitOutcome.REFERRED) and offset <= 7:
                services.visit_to_appeal(actor=desk, visit=visit)
