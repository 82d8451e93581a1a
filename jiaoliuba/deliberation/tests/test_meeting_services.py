"""Meetings end to end through the services: scheduling, parties and invitations, QR
check-in, rounds, the resolution with who agreed, 公示 with objections, the sweep, the
milestones, supervision and rating."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.deliberation.choices import TopicStage
from jiaoliuba.deliberation.meetings import resolutions as res
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings import tasks as meeting_tasks
from jiaoliuba.deliberation.meetings.choices import MeetingStatus, ResolutionStatus, Side
from jiaoliuba.deliberation.meetings.sweep import resolutions_sweep
from jiaoliuba.deliberation.models import MeetingAct, MeetingEvent, MeetingParty, Milestone
from jiaoliuba.deliberation.voting import services as vote_services
from jiaoliuba.notifications.models import Notification
from jiaoliuba.points import selectors as points_selectors
from jiaoliuba.testing.tasks import run_queued

pytestmark = pytest.mark.django_db


def test_schedule_needs_place_or_online_and_scope(people, regions):
    with pytest.raises(ValidationFailed) as err:
        services.meeting_schedule(
            actor=people["organiser"],
            title="议事会",
            kind="regular",
            scope=regions["411702001001"],
            starts_at=clock.now(),
            place="",
        )
    assert err.value.code == "place_required"
    online = services.meeting_schedule(
        actor=people["organiser"],
        title="线上议事会",
        kind="joint",
        scope=regions["411702001001"],
        starts_at=clock.now(),
        online=True,
    )
    assert online.online and online.status == MeetingStatus.SCHEDULED
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=people["organiser"],
            title="别处的会",
            kind="regular",
            scope=regions["411702001002"],
            starts_at=clock.now(),
            place="健康路",
        )


def test_invitation_notifies_and_outside_party_needs_organisation(meeting, people):
    party = services.meeting_add_party(
        meeting=meeting,
        actor=people["organiser"],
        side=Side.PROFESSIONAL,
        user=people["lawyer"],
        role_note="律师",
    )
    assert party.name == str(people["lawyer"])
    assert Notification.objects.filter(recipient=people["lawyer"], kind="meetings.invited").exists()
    with pytest.raises(Conflict):
        services.meeting_add_party(
            meeting=meeting,
            actor=people["organiser"],
            side=Side.PROFESSIONAL,
            user=people["lawyer"],
        )
    with pytest.raises(ValidationFailed) as err:
        services.meeting_add_party(
            meeting=meeting, actor=people["organiser"], side=Side.PROPERTY, name="王经理"
        )
    assert err.value.code == "organisation_required"
    outside = services.meeting_add_party(
        meeting=meeting,
        actor=people["organiser"],
        side=Side.PROPERTY,
        name="王经理",
        organisation="宏达物业",
    )
    assert outside.user is None
    with pytest.raises(PermissionDenied):
        services.meeting_add_party(
            meeting=meeting, actor=people["owner"], side=Side.VOLUNTEER, name="某人"
        )


def test_qr_check_in_counts_residents_once_and_refuses_bad_tokens(meeting, people, make_resident):
    token = services.checkin_token(meeting)
    with pytest.raises(NotFound):
        services.meeting_check_in(meeting=meeting, actor=people["owner"], token=token + "x")
    party = services.meeting_check_in(meeting=meeting, actor=people["owner"], token=token)
    assert party.attended_at is not None and party.checkin == "qr"
    with pytest.raises(Conflict):
        services.meeting_check_in(meeting=meeting, actor=people["owner"], token=token)
    assert MeetingAct.objects.filter(user=people["owner"], kind="attend").count() == 1
    assert points_selectors.balance_of(people["owner"]) == 10  # 参与线下议事 +10, once
    stranger = make_resident("411702001002001", name="外社区居民")
    with pytest.raises(PermissionDenied):
        services.meeting_check_in(meeting=meeting, actor=stranger, token=token)
    # Staff attendance for an outside party without an account; staff are not residents.
    outside = services.meeting_add_party(
        meeting=meeting,
        actor=people["organiser"],
        side=Side.STREET,
        name="赵主任",
        organisation="东风街道",
    )
    assert services.meeting_mark_attendance(
        meeting=meeting, actor=people["organiser"], party=outside
    )
    assert not services.meeting_mark_attendance(
        meeting=meeting, actor=people["organiser"], party=outside
    )
    assert MeetingAct.objects.count() == 1


def test_checkin_opens_two_hours_before(people, regions):
    later = services.meeting_schedule(
        actor=people["organiser"],
        title="下周议事会",
        kind="regular",
        scope=regions["411702001001"],
        starts_at=clock.now() + dt.timedelta(days=7),
        place="交流吧",
    )
    with pytest.raises(Conflict) as err:
        services.meeting_check_in(
            meeting=later, actor=people["owner"], token=services.checkin_token(later)
        )
    assert err.value.code == "checkin_not_open"


def _held(meeting, people):
    rep = services.meeting_add_party(
        meeting=meeting, actor=people["organiser"], side=Side.RESIDENT_REP, user=people["owner"]
    )
    prop = services.meeting_add_party(
        meeting=meeting,
        actor=people["organiser"],
        side=Side.PROPERTY,
        name="王经理",
        organisation="宏达物业",
    )
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    for n, (a, b) in enumerate(
        [("不同意上调", "上调30%"), ("最多5%", "上调20%"), ("10%加服务承诺", "同意10%")], start=1
    ):
        rnd = services.meeting_add_round(
            meeting=meeting, actor=people["organiser"], summary=f"第{n}轮"
        )
        services.meeting_add_statement(
            round=rnd, actor=people["organiser"], party=rep, kind="position", text_=a
        )
        services.meeting_add_statement(
            round=rnd, actor=people["organiser"], party=prop, kind="proposal", text_=b
        )
    services.meeting_record_minutes(
        meeting=meeting, actor=people["organiser"], minutes="三轮协商，达成一致。"
    )
    return rep, prop


def test_rounds_resolution_publicity_and_sweep(meeting, people):
    rep, prop = _held(meeting, people)
    assert meeting.rounds.count() == 3
    resolution = res.resolution_adopt(
        meeting=meeting,
        actor=people["organiser"],
        title="物业费上调10%",
        text_="上调10%，物业承诺服务标准。",
        agreed=[rep, prop],
    )
    assert set(resolution.agreed.all()) == {rep, prop}
    services.meeting_conclude(meeting=meeting, actor=people["organiser"])
    published = res.resolution_publish(resolution=resolution, actor=people["organiser"])
    local_end = published.publicity_ends_at.astimezone(clock.SHANGHAI)
    assert local_end.date() - clock.local_now().date() == dt.timedelta(days=7)
    assert (local_end.hour, local_end.minute) == (23, 59)
    objection = res.objection_raise(
        resolution=published, actor=people["neighbour"], text_="<b>太贵</b>"
    )
    with pytest.raises(PermissionDenied):
        res.objection_raise(resolution=published, actor=people["lawyer"], text_="我不住这里")
    res.objection_answer(
        objection=objection, actor=people["organiser"], answer="已核算成本", uphold=False
    )
    with pytest.raises(Conflict):
        res.objection_answer(
            objection=objection, actor=people["organiser"], answer="再答", uphold=True
        )
    # Before the end nothing happens; after it the resolution takes effect.
    assert (
        resolutions_sweep(now=published.publicity_ends_at - dt.timedelta(seconds=1)).effective == 0
    )
    report = resolutions_sweep(now=published.publicity_ends_at)
    assert report.effective == 1
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.EFFECTIVE
    assert resolutions_sweep(now=published.publicity_ends_at + dt.timedelta(days=1)).effective == 0


def test_upheld_objection_returns_to_the_meeting(meeting, people):
    rep, _prop = _held(meeting, people)
    resolution = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="决议", text_="内容", agreed=[rep]
    )
    res.resolution_publish(resolution=resolution, actor=people["organiser"])
    objection = res.objection_raise(
        resolution=resolution, actor=people["neighbour"], text_="程序不合规"
    )
    res.objection_answer(
        objection=objection, actor=people["organiser"], answer="异议成立", uphold=True
    )
    resolution.refresh_from_db()
    with pytest.raises(Conflict):
        res.resolution_end_publicity(resolution=resolution, actor=people["organiser"])
    resolutions_sweep(now=resolution.publicity_ends_at + dt.timedelta(minutes=1))
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.RETURNED
    kinds = list(MeetingEvent.objects.filter(resolution=resolution).values_list("kind", flat=True))
    assert kinds == ["resolved", "published", "objection", "objection_answered", "returned"]


def test_execution_supervision_rating_and_close(meeting, people):
    rep, _prop = _held(meeting, people)
    resolution = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="决议", text_="内容", agreed=[rep]
    )
    res.resolution_publish(resolution=resolution, actor=people["organiser"])
    resolution.refresh_from_db()
    resolutions_sweep(now=resolution.publicity_ends_at)
    resolution.refresh_from_db()
    milestone = res.milestone_add(
        resolution=resolution,
        actor=people["organiser"],
        title="更换门禁",
        due_on=clock.local_now().date() + dt.timedelta(days=10),
    )
    done = res.milestone_add(
        resolution=resolution,
        actor=people["organiser"],
        title="公布收支",
        due_on=clock.local_now().date() + dt.timedelta(days=20),
    )
    res.progress_report(milestone=done, actor=people["organiser"], text_="已公布", completes=True)
    # The sweep tells the organiser and the street once, only of the milestone not done.
    after = clock.now() + dt.timedelta(days=30)
    assert resolutions_sweep(now=after).overdue == 1
    assert resolutions_sweep(now=after).overdue == 0
    milestone.refresh_from_db()
    assert milestone.overdue_notified_at is not None
    assert (
        Notification.objects.filter(
            recipient=people["street"], kind="meetings.milestone_overdue"
        ).count()
        == 1
    )
    assert Milestone.objects.get(pk=done.pk).overdue_notified_at is None
    # The supervision group: residents and volunteers of the area only.
    with pytest.raises(ValidationFailed):
        res.supervisor_add(resolution=resolution, actor=people["organiser"], user=people["lawyer"])
    res.supervisor_add(resolution=resolution, actor=people["organiser"], user=people["neighbour"])
    res.supervisor_add(resolution=resolution, actor=people["organiser"], user=people["volunteer"])
    with pytest.raises(PermissionDenied):
        res.supervision_check_record(
            resolution=resolution, actor=people["owner"], verdict="good", findings="好"
        )
    first = res.supervision_check_record(
        resolution=resolution, actor=people["neighbour"], verdict="good", findings="保洁达标"
    )
    second = res.supervision_check_record(
        resolution=resolution, actor=people["volunteer"], verdict="issues", findings="电梯故障"
    )
    assert (second.scheduled_for - first.scheduled_for).days == 30
    assert MeetingAct.objects.filter(kind="supervise", user=people["neighbour"]).count() == 1
    res.outcome_rate(resolution=resolution, actor=people["owner"], level="satisfied", solved=True)
    res.outcome_rate(
        resolution=resolution, actor=people["neighbour"], level="unsatisfied", solved=False
    )
    with pytest.raises(Conflict):
        res.outcome_rate(
            resolution=resolution, actor=people["owner"], level="satisfied", solved=True
        )
    closed = res.resolution_close(resolution=resolution, actor=people["organiser"], result="已执行")
    assert closed.status == ResolutionStatus.CLOSED
    last = MeetingEvent.objects.filter(resolution=resolution).order_by("pk").last()
    assert last.kind == "closed" and last.data["satisfaction"] == "50%"


def test_emergency_meeting_from_a_red_appeal_in_one_step(people, red_appeal):
    appeal = red_appeal()
    meeting = services.meeting_open_emergency(actor=people["organiser"], appeal=appeal)
    assert meeting.kind == "emergency" and meeting.appeal_id == appeal.pk
    assert meeting.topic.appeal_id == appeal.pk and meeting.topic.stage == TopicStage.AGENDA
    assert MeetingParty.objects.filter(meeting=meeting, user=people["grid"]).exists()
    assert Notification.objects.filter(recipient=people["grid"], kind="meetings.invited").exists()
    services.meeting_start(meeting=meeting, actor=people["organiser"])
    meeting.topic.refresh_from_db()
    assert meeting.topic.stage == TopicStage.DISCUSSING


def test_emergency_meeting_refuses_a_blue_appeal(people, red_appeal):
    appeal = red_appeal("请问社区活动室周末开放吗", priority="blue")
    with pytest.raises(ValidationFailed):
        services.meeting_open_emergency(actor=people["organiser"], appeal=appeal)


def test_resolution_needing_a_vote_waits_for_it(meeting, people, verified):
    rep, _prop = _held(meeting, people)
    resolution = res.resolution_adopt(
        meeting=meeting,
        actor=people["organiser"],
        title="需表决的决议",
        text_="内容",
        agreed=[rep],
        requires_vote=True,
    )
    with pytest.raises(Conflict):
        res.resolution_publish(resolution=resolution, actor=people["organiser"])
    vote = res.resolution_open_vote(resolution=resolution, actor=people["organiser"])
    assert vote.status == "open" and vote.kind == "approval"
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.VOTING
    # While the vote is open the sweep only looks again later.
    assert resolutions_sweep(now=clock.now()).votes_read == 0
    for i in range(3):
        vote_services.ballot_cast(
            vote=vote, actor=verified(name=f"投票人{i}"), choices=[1 if i else 2]
        )
    vote_services.vote_close(vote=vote, actor=people["organiser"])
    report = resolutions_sweep(now=clock.now() + dt.timedelta(minutes=10))
    assert report.votes_read == 1
    resolution.refresh_from_db()
    assert resolution.vote_passed is True and resolution.status == ResolutionStatus.PUBLICITY


def test_the_worker_task_ends_public_notice(meeting, people):
    """The periodic task itself, queued and run as the worker runs it."""
    rep, _prop = _held(meeting, people)
    resolution = res.resolution_adopt(
        meeting=meeting, actor=people["organiser"], title="决议", text_="内容", agreed=[rep]
    )
    with clock.pinned(clock.now() - dt.timedelta(days=10)):
        res.resolution_publish(resolution=resolution, actor=people["organiser"])
    meeting_tasks.sweep.enqueue()
    assert run_queued("sweep") == 1
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.EFFECTIVE and resolution.next_sweep_at is None
