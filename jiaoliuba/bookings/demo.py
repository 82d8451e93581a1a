"""The demo city's services (issue 14), through the real services and the real clock
moved by hand: in 解放路社区 a resident books 法律咨询 with 吴律师 of the expert pool, is
reminded the day before (the sweep), checks in with the venue's QR code and rates it;
another resident waits and is promoted when a seat frees; a weekly 居民说事时间 runs
every Wednesday 19:00–20:30, closed on public holidays. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import Eligibility, ProviderKind, ServiceKind
from jiaoliuba.bookings.models import Booking, Expert, Service
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.regions.models import Region

COMMUNITY = "411702001001"
STREET = "411702001000"
GRID = "411702001001001"
TITLE = "法律咨询（吴律师）"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def load_bookings_demo(*, resident_phone_hash: str | None = None) -> Service | None:
    """Returns the legal consultation service, or None when already there (or when the
    staff, the lawyer or the residents it needs are missing)."""
    if Service.objects.filter(title=TITLE).exists():
        return None
    staff = User.objects.filter(username="community_staff").first()
    officer = User.objects.filter(username="street_officer").first()
    lawyer_user = User.objects.filter(username="lawyer").first()
    community = Region.objects.filter(code=COMMUNITY).first()
    street = Region.objects.filter(code=STREET).first()
    profiles = ResidentProfile.objects.filter(region_path__endswith=GRID).select_related("user")
    people = list(profiles.order_by("pk")[:4])
    if None in (staff, officer, lawyer_user, community, street) or len(people) < 3:
        return None
    demo = next((p.user for p in people if p.user.phone_hash == resident_phone_hash), None)
    others = [p.user for p in people if p.user != demo]
    first, second = demo or others.pop(0), others[0]
    waiting = others[1]
    today = clock.local_now().date()
    held = today - dt.timedelta(days=6)
    with transaction.atomic():
        expert = Expert.objects.filter(user=lawyer_user).first() or services.expert_create(
            actor=officer,
            name="吴律师",
            profession="律师",
            region=street,
            skills="婚姻家庭, 劳动争议, 物业纠纷, 邻里纠纷",
            organisation="驻马店天中律师事务所",
            bio="执业十二年，每周三晚在东风街道各社区交流吧坐班。",
            user=lawyer_user,
        )
        if not expert.certificates.exists():
            cert = services.certificate_add(
                actor=lawyer_user,
                expert=expert,
                title="律师执业证",
                issuer="河南省司法厅",
                number="14117201210000000",
            )
            services.certificate_check(actor=officer, certificate=cert, verified=True)
            services.availability_add(
                actor=lawyer_user,
                expert=expert,
                weekday=2,
                starts=dt.time(19),
                ends=dt.time(20, 30),
            )
        with clock.pinned(_at(held - dt.timedelta(days=10), 9)):
            legal = services.service_create(
                actor=staff,
                region=community,
                title=TITLE,
                kind=ServiceKind.LEGAL,
                provider_kind=ProviderKind.PROFESSIONAL,
                expert=expert,
                place="解放路社区交流吧 调解室",
                eligibility=Eligibility.EVERYONE,
                description="婚姻家庭、劳动争议、物业和邻里纠纷，一对一免费咨询，每次约20分钟。",
            )
            past = services.session_create(
                actor=staff,
                service=legal,
                starts_at=_at(held, 19),
                ends_at=_at(held, 20, 30),
                capacity=2,
            )
            talk = services.service_create(
                actor=staff,
                region=community,
                title="居民说事时间",
                kind=ServiceKind.ACTIVITY,
                provider_kind=ProviderKind.STAFF,
                provider_name="解放路社区两委",
                place="解放路社区交流吧",
                max_seats=2,
                description="每周三晚，社区书记和居民面对面，有事说事。",
            )
            # A service paid with points (积分): a barber's afternoon for elderly residents.
            haircut = services.service_create(
                actor=staff,
                region=community,
                title="助老理发",
                kind=ServiceKind.ELDERLY,
                provider_kind=ProviderKind.PARTNER,
                provider_name="爱心理发店",
                place="解放路社区交流吧",
                points_price=10,
                description="理发师每月上门一次，每位 10 积分；按时取消积分退回。",
            )
        with clock.pinned(_at(today, 8)):
            services.session_create(
                actor=staff,
                service=legal,
                starts_at=_at(today + dt.timedelta(days=7), 19),
                ends_at=_at(today + dt.timedelta(days=7), 20, 30),
                capacity=3,
            )
            services.session_create(
                actor=staff,
                service=haircut,
                starts_at=_at(today + dt.timedelta(days=5), 14),
                ends_at=_at(today + dt.timedelta(days=5), 17),
                capacity=12,
            )
            services.series_create(
                actor=staff,
                service=talk,
                weekday=2,
                starts=dt.time(19),
                ends=dt.time(20, 30),
                first_day=today,
                last_day=today + dt.timedelta(weeks=8),
                capacity=30,
            )
        # Booked a few days before; the third waits, and moves up when the second cancels.
        with clock.pinned(_at(held - dt.timedelta(days=4), 9)):
            mine = services.booking_reserve(actor=first, session=past)
            theirs = services.booking_reserve(actor=second, session=past)
            promoted = services.booking_reserve(actor=waiting, session=past)
        with clock.pinned(_at(held - dt.timedelta(days=2), 20)):
            services.booking_cancel(actor=second, booking=theirs)
        with clock.pinned(_at(held - dt.timedelta(days=1), 10, 5)):
            services.bookings_sweep()
        code = services.check_in_code(past)
        with clock.pinned(_at(held, 18, 55)):
            services.booking_check_in_by_code(actor=first, code=code)
        with clock.pinned(_at(held, 19, 5)):
            services.booking_check_in(actor=staff, booking=Booking.objects.get(pk=promoted.pk))
        with clock.pinned(_at(held, 20, 40)):
            services.session_close(actor=staff, session=past)
            services.note_write(
                actor=lawyer_user,
                booking=mine,
                text="咨询物业费上调是否合法：告知须经业主共同决定，建议参加本周议事会。",
            )
        with clock.pinned(_at(held, 21, 10)):
            services.booking_rate(
                actor=first, booking=mine, rating="satisfied", feedback="吴律师讲得很清楚，耐心。"
            )
    return legal
