"""The seed's 物业费调价 case, end to end in the demo city (解放路社区): a red appeal → the
same evening an emergency meeting of the five sides with the property company, the street
and the district housing bureau, a lawyer and an accountant → three rounds → 10 % instead
of 30 % with service commitments → the owners' vote (民法典 第二百七十八条, on 3号楼's unit
register) → 7 days of 公示 with one objection answered → in effect, milestones, two
monthly supervision checks, residents' ratings. Everything goes through the services
with the clock pinned at each step, so the events tell the story in order. It stops
before the end: the demo resident still rates, and staff close it with the result.
Idempotent; demo.loader.load_demo calls load_meetings_demo()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.choices import Priority
from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings import resolutions as res
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings.choices import Side
from jiaoliuba.deliberation.meetings.sweep import resolutions_sweep
from jiaoliuba.deliberation.models import Meeting, PropertyUnit, Resolution, UnitRegister
from jiaoliuba.deliberation.voting import services as vote_services
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q

COMMUNITY = "411702001001"  # 解放路社区
GRID = "411702001001001"
DEMO_RESIDENT_PHONE = "13800000001"
REGISTER = "解放路社区 3号楼房屋清册"
TITLE = "紧急议事会：物业费调价"
RESOLUTION = "物业费上调10%并提升服务标准"
APPEAL_TEXT = (
    "物业公司通知物业费上调30%，大部分业主强烈反对，已有几十户拒缴物业费，"
    "物业公司扬言撤场，业主准备联名到街道上访，矛盾激化，请社区马上介入。"
)
ROUNDS = [
    (
        "第一轮：各方陈述",
        [
            ("rep", "position", "业主不接受上调30%，服务没改善，先讲清楚成本。"),
            ("property", "proposal", "人工和能耗成本上涨，需上调30%才能维持服务。"),
            ("lawyer", "position", "依《物业管理条例》，调价须公开成本并经业主共同决定。"),
        ],
    ),
    (
        "第二轮：核算成本",
        [
            ("accountant", "position", "核算后，实际成本缺口约为现行收费的10%~12%。"),
            ("property", "proposal", "同意降到上调15%。"),
            ("rep", "proposal", "最多上调10%，并写明服务标准、接受业委会监督。"),
        ],
    ),
    (
        "第三轮：形成共识",
        [
            ("property", "proposal", "接受上调10%，承诺保洁、安保、维修响应标准，每月公示收支。"),
            ("bureau", "position", "区住建局支持，按程序由业主表决后公示执行。"),
            ("rep", "position", "同意，提交业主表决。"),
        ],
    ),
]
DECISION = (
    "一、物业费由每月1.20元/㎡上调10%，为1.32元/㎡，自公示期满生效。\n"
    "二、物业公司承诺：每日保洁两次；24小时安保巡逻；报修2小时内响应；每月公示物业收支。\n"
    "三、业委会与交流吧志愿者组成监督小组，每月检查一次服务质量，结果公示。"
)


def _pin(moment: dt.datetime):
    return clock.pinned(moment.astimezone(dt.UTC))


def _residents(path: str, exclude: set[int], n: int) -> list[User]:
    profiles = (
        ResidentProfile.objects.filter(subtree_q(path, field="region_path"))
        .exclude(user_id__in=exclude)
        .select_related("user")
        .order_by("pk")[:n]
    )
    return [p.user for p in profiles]


def _red_appeal(resident: User, desk: User, grid: Region, at: dt.datetime) -> Any:
    appeal, _new = appeal_services.appeal_submit(
        submitter=resident,
        intake=appeal_services.Intake(
            content=APPEAL_TEXT,
            community=grid.parent,
            grid=grid,
            type_hint="property",
            channel="online",
            received_at=at,
        ),
        created_by=desk,
    )
    appeal_services.appeal_follow_ups_run()
    appeal.refresh_from_db()
    if appeal.priority != Priority.RED:
        # The seed: "社区立即启动红色响应". The desk corrects a model that missed it.
        appeal = appeal_services.appeal_correct_triage(
            appeal=appeal,
            actor=desk,
            priority=Priority.RED,
            category="group_conflict",
            reason="群体性矛盾，业主准备联名上访",
        )
    return appeal


def load_meetings_demo() -> Meeting | None:
    if Meeting.objects.filter(title=TITLE).exists():
        return None
    names = ("community_staff", "secretary", "grid_worker", "volunteer", "lawyer", "street_officer")
    staff = {u.username: u for u in User.objects.filter(username__in=names)}
    resident = user_by_phone(phone=DEMO_RESIDENT_PHONE)
    grid = Region.objects.filter(code=GRID).select_related("parent").first()
    if resident is None or grid is None or len(staff) < len(names):
        return None
    organiser = staff["community_staff"]
    today = clock.local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = today - dt.timedelta(days=75)
    neighbours = _residents(grid.path, {resident.pk}, 8)
    with transaction.atomic():
        with _pin(t0 + dt.timedelta(hours=15)):
            appeal = _red_appeal(resident, organiser, grid, clock.now())
        with _pin(t0 + dt.timedelta(hours=15, minutes=30)):
            meeting = services.meeting_open_emergency(
                actor=organiser,
                appeal=appeal,
                starts_at=t0 + dt.timedelta(hours=19, minutes=30),
                place="解放路社区百姓交流吧（一楼议事厅）",
                title=TITLE,
            )
            p = _parties(meeting, organiser, staff, resident, neighbours)
        meeting = _hold(meeting, organiser, p, t0, resident, neighbours)
        register = UnitRegister.objects.filter(name=REGISTER).first()
        resolution = _resolve(meeting, organiser, p, t0, needs_vote=register is not None)
        _vote_and_publish(resolution, register, organiser, t0, neighbours)
        _carry_out(resolution, organiser, staff, resident, neighbours, today)
    return meeting


def _parties(meeting, organiser, staff, resident, neighbours) -> dict[str, Any]:
    add = services.meeting_add_party
    return {
        "rep": add(
            meeting=meeting,
            actor=organiser,
            side=Side.RESIDENT_REP,
            user=resident,
            role_note="业主代表",
        ),
        "rep2": add(
            meeting=meeting,
            actor=organiser,
            side=Side.RESIDENT_REP,
            user=neighbours[0],
            role_note="业委会委员",
        ),
        "secretary": add(
            meeting=meeting, actor=organiser, side=Side.CADRE, user=staff["secretary"]
        ),
        "volunteer": add(
            meeting=meeting, actor=organiser, side=Side.VOLUNTEER, user=staff["volunteer"]
        ),
        "lawyer": add(
            meeting=meeting,
            actor=organiser,
            side=Side.PROFESSIONAL,
            user=staff["lawyer"],
            role_note="律师",
        ),
        "accountant": add(
            meeting=meeting,
            actor=organiser,
            side=Side.PROFESSIONAL,
            name="孙会计师",
            organisation="天中会计师事务所",
            role_note="会计师",
        ),
        "property": add(
            meeting=meeting,
            actor=organiser,
            side=Side.PROPERTY,
            name="王经理",
            organisation="宏达物业服务有限公司",
        ),
        "street": add(
            meeting=meeting,
            actor=organiser,
            side=Side.STREET,
            user=staff["street_officer"],
            organisation="东风街道办事处",
        ),
        "bureau": add(
            meeting=meeting,
            actor=organiser,
            side=Side.DEPARTMENT,
            name="李科长",
            organisation="驿城区住房和城乡建设局",
        ),
    }


def _hold(meeting, organiser, p, t0, resident, neighbours) -> Meeting:
    token = services.checkin_token(meeting)
    with _pin(t0 + dt.timedelta(hours=19, minutes=20)):
        for user in (resident, neighbours[0], neighbours[1]):
            services.meeting_check_in(meeting=meeting, actor=user, token=token)
        # The staff list for everyone else at the table (outside parties have no phone here).
        for party in meeting.parties.filter(attended_at__isnull=True):
            services.meeting_mark_attendance(meeting=meeting, actor=organiser, party=party)
    with _pin(t0 + dt.timedelta(hours=19, minutes=30)):
        services.meeting_start(meeting=meeting, actor=organiser)
    for i, (summary, lines) in enumerate(ROUNDS):
        with _pin(t0 + dt.timedelta(hours=19, minutes=45 + 40 * i)):
            rnd = services.meeting_add_round(meeting=meeting, actor=organiser, summary=summary)
            for who, kind, said in lines:
                services.meeting_add_statement(
                    round=rnd, actor=organiser, party=p[who], kind=kind, text_=said
                )
    with _pin(t0 + dt.timedelta(hours=21, minutes=50)):
        services.meeting_record_minutes(
            meeting=meeting,
            actor=organiser,
            minutes=(
                "紧急议事会于19:30在交流吧召开，业主代表、社区、网格员、志愿者、专业人士五方及物业公司、"
                "东风街道、区住建局参加。律师解读《物业管理条例》，会计师核算成本。经三轮协商，"
                "各方同意物业费上调10%，物业公司承诺服务标准并接受监督，决议提交3号楼业主表决。"
            ),
        )
    return meeting


def _resolve(meeting, organiser, p, t0, *, needs_vote: bool) -> Resolution:
    with _pin(t0 + dt.timedelta(hours=21, minutes=55)):
        resolution = res.resolution_adopt(
            meeting=meeting,
            actor=organiser,
            title=RESOLUTION,
            text_=DECISION,
            agreed=[p[k] for k in ("rep", "rep2", "secretary", "property", "street", "bureau")],
            requires_vote=needs_vote,
        )
        services.meeting_conclude(meeting=meeting, actor=organiser)
    return resolution


def _vote_and_publish(resolution, register, organiser, t0, neighbours) -> None:
    """3号楼's owners vote on paper at a meeting the next day: 18 of the 22 persons, 15 for."""
    if register is None:  # the votes' demo is not loaded: straight to 公示
        with _pin(t0 + dt.timedelta(days=1, hours=9)):
            res.resolution_publish(resolution=resolution, actor=organiser)
    else:
        with _pin(t0 + dt.timedelta(days=1, hours=9)):
            vote = res.resolution_open_vote(
                resolution=resolution, actor=organiser, eligibility="owners", unit_register=register
            )
            persons: dict[str, PropertyUnit] = {}
            for unit in PropertyUnit.objects.filter(register=register).order_by("pk"):
                persons.setdefault(unit.person_key, unit)
            for n, unit in enumerate(list(persons.values())[:18], start=1):
                vote_services.paper_ballot_enter(
                    vote=vote,
                    actor=organiser,
                    sheet_number=f"T{n:03d}",
                    choices=[2 if n in (3, 9, 14) else 1],
                    unit=unit.label,
                )
        with _pin(t0 + dt.timedelta(days=3, hours=18)):
            vote_services.vote_close(vote=vote, actor=organiser)
        # The worker's sweep reads the result and publishes (公示) at once.
        resolutions_sweep(now=(t0 + dt.timedelta(days=3, hours=18, minutes=1)).astimezone(dt.UTC))
    resolution.refresh_from_db()
    with _pin(resolution.published_at + dt.timedelta(days=2)):
        objection = res.objection_raise(
            resolution=resolution, actor=neighbours[2], text_="上调10%还是偏高，能否分两年调整？"
        )
    with _pin(resolution.published_at + dt.timedelta(days=3)):
        res.objection_answer(
            objection=objection,
            actor=organiser,
            answer="会计师核算的成本缺口约10%~12%，10%已是最低方案；物业承诺的服务标准将按月检查并公示。",
            uphold=False,
        )
    resolutions_sweep(now=resolution.publicity_ends_at)


def _carry_out(resolution, organiser, staff, resident, neighbours, today) -> None:
    resolution.refresh_from_db()
    start = resolution.effective_at.astimezone(clock.SHANGHAI)
    with _pin(start + dt.timedelta(hours=10)):
        posted = res.milestone_add(
            resolution=resolution,
            actor=organiser,
            title="物业公司张贴服务标准承诺书",
            due_on=(start + dt.timedelta(days=7)).date(),
        )
        gates = res.milestone_add(
            resolution=resolution,
            actor=organiser,
            title="维修单元门禁和楼道照明",
            due_on=(start + dt.timedelta(days=30)).date(),
        )
        res.milestone_add(
            resolution=resolution,
            actor=organiser,
            title="每月公示物业收支（本月）",
            due_on=(today + dt.timedelta(days=20)).date(),
        )
        for member in (resident, neighbours[0], staff["volunteer"]):
            res.supervisor_add(resolution=resolution, actor=organiser, user=member)
    with _pin(start + dt.timedelta(days=5)):
        res.progress_report(
            milestone=posted, actor=organiser, text_="承诺书已在各单元门口张贴。", completes=True
        )
    with _pin(start + dt.timedelta(days=26)):
        res.progress_report(
            milestone=gates,
            actor=organiser,
            text_="3号楼两个单元门禁已修复，楼道灯全部更换为声控灯。",
            completes=True,
        )
    with _pin(start + dt.timedelta(days=30, hours=10)):
        res.supervision_check_record(
            resolution=resolution,
            actor=neighbours[0],
            verdict="good",
            findings="保洁每日两次已落实；报修平均1.5小时响应。",
        )
    with _pin(start + dt.timedelta(days=60, hours=10)):
        res.supervision_check_record(
            resolution=resolution,
            actor=staff["volunteer"],
            verdict="issues",
            findings="夜间巡逻记录缺两天，已要求物业整改。",
        )
        for user, level, solved in zip(
            neighbours[1:6],
            ("satisfied", "satisfied", "basically", "satisfied", "unsatisfied"),
            (True, True, True, True, False),
            strict=True,
        ):
            res.outcome_rate(resolution=resolution, actor=user, level=level, solved=solved)
