"""Topics through their services against the real database: the three sources, support
up to the community's threshold, every stage change with its event, compare-and-set,
withdraw and merge with a reason, opening a topic from an appeal."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.choices import TopicEventKind, TopicSource, TopicStage
from jiaoliuba.deliberation.models import SupportThreshold, Topic, TopicEvent
from jiaoliuba.notifications.models import Notification
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.testing.fixtures import DONGFENG, JIANKANG_G1, JIEFANG, JIEFANG_G1, JIEFANG_G2

pytestmark = pytest.mark.django_db


def kinds(topic: Topic) -> list[str]:
    return list(TopicEvent.objects.filter(topic=topic).values_list("kind", flat=True))


def test_support_reaches_the_community_threshold_and_puts_the_topic_on_the_agenda(
    regions, residents, propose
):
    SupportThreshold.objects.create(community=regions[JIEFANG], supporters=4)
    topic = propose(residents[0])
    assert (topic.stage, topic.support_count, topic.support_threshold) == ("proposed", 1, 4)
    services.topic_support(topic=topic, actor=residents[1])
    topic.refresh_from_db()
    assert topic.stage == TopicStage.COLLECTING
    services.topic_support(topic=topic, actor=residents[2])
    topic.refresh_from_db()
    assert topic.stage == TopicStage.COLLECTING
    services.topic_support(topic=topic, actor=residents[3])
    topic.refresh_from_db()
    assert (topic.stage, topic.support_count) == (TopicStage.AGENDA, 4)
    assert kinds(topic) == [
        "proposed",
        "supported",
        "collecting",
        "supported",
        "supported",
        "threshold",
    ]
    threshold = TopicEvent.objects.get(topic=topic, kind=TopicEventKind.THRESHOLD)
    assert threshold.data == {"supporters": 4, "threshold": 4}
    # The proposer follows the topic and hears that it is on the agenda.
    assert Notification.objects.filter(recipient=residents[0], kind="deliberation.stage").exists()
    # On the agenda, support is no longer collected.
    with pytest.raises(Conflict):
        services.topic_support(topic=topic, actor=residents[4])


def test_default_threshold_comes_from_settings(regions, residents, propose, settings):
    settings.DELIBERATION_SUPPORT_THRESHOLD = 3
    topic = propose(residents[0])
    assert topic.support_threshold == 3


def test_supporting_twice_is_refused_and_counted_once(residents, propose):
    topic = propose(residents[0])
    services.topic_support(topic=topic, actor=residents[1])
    with pytest.raises(Conflict) as caught:
        services.topic_support(topic=topic, actor=residents[1])
    assert caught.value.code == "already_supported"
    topic.refresh_from_db()
    assert topic.support_count == 2


def test_only_residents_of_the_scope_support_or_propose(regions, residents, propose, make_resident):
    topic = propose(residents[0])
    other_grid = make_resident(JIEFANG_G2)
    with pytest.raises(PermissionDenied):
        services.topic_support(topic=topic, actor=other_grid)
    elsewhere = make_resident(JIANKANG_G1)
    with pytest.raises(PermissionDenied):
        propose(elsewhere)  # 健康路 resident proposing for 解放路's grid
    # A community topic is open to every grid of the community.
    community_topic = propose(residents[0], scope=JIEFANG)
    services.topic_support(topic=community_topic, actor=other_grid)


def test_bad_input_changes_nothing(regions, residents):
    for title, body in (("", "正文"), ("标题", "  "), ("长" * 121, "正文")):
        with pytest.raises(ValidationFailed):
            services.topic_propose(
                actor=residents[0], title=title, body=body, scope=regions[JIEFANG_G1]
            )
    with pytest.raises(ValidationFailed):
        services.topic_propose(
            actor=residents[0], title="标题", body="正文", scope=regions["411700000000"]
        )
    assert Topic.objects.count() == 0


def test_building_topic_sits_at_the_grid_and_names_the_building(regions, residents):
    topic = services.topic_propose(
        actor=residents[0],
        title="楼道堆物清理",
        body="楼道里堆满杂物",
        scope=regions[JIEFANG_G1],
        for_building=True,
    )
    assert (topic.scope.code, topic.building) == (JIEFANG_G1, "1号楼")


@pytest.mark.parametrize(
    ("typed", "stored"), [("3号楼", "3号楼"), ("12", "12号楼"), (" 5栋 ", "5栋")]
)
def test_staff_create_a_building_topic_at_its_grid(regions, staff, typed, stored):
    topic = services.topic_create(
        actor=staff,
        title="楼道堆物清理",
        body="楼道里堆满杂物",
        scope=regions[JIEFANG_G1],
        building=typed,
    )
    assert (topic.scope.code, topic.building, topic.stage) == (
        JIEFANG_G1,
        stored,
        TopicStage.AGENDA,
    )


@pytest.mark.parametrize(
    ("scope", "building", "code"),
    [(JIEFANG, "3号楼", "building_needs_grid"), (JIEFANG_G1, "楼下花园", "building_invalid")],
)
def test_a_building_topic_needs_a_grid_and_a_building_name(regions, staff, scope, building, code):
    with pytest.raises(ValidationFailed) as refused:
        services.topic_create(
            actor=staff, title="楼道堆物", body="正文", scope=regions[scope], building=building
        )
    assert refused.value.code == code
    assert not Topic.objects.filter(title="楼道堆物").exists()


def test_stage_changes_follow_the_table_with_events(residents, propose, staff):
    topic = propose(residents[0])
    with pytest.raises(Conflict):
        services.topic_start_discussion(topic=topic, actor=staff)  # not on the agenda yet
    with pytest.raises(PermissionDenied):
        services.topic_put_on_agenda(topic=topic, actor=residents[1])
    services.topic_put_on_agenda(topic=topic, actor=staff, note="社区先行研究")
    services.topic_start_discussion(topic=topic, actor=staff)
    services.topic_start_voting(topic=topic, actor=staff)
    with pytest.raises(ValidationFailed):
        services.topic_decide(topic=topic, actor=staff, outcome=" ")
    services.topic_decide(topic=topic, actor=staff, outcome="实行错时停车，新增车位80个")
    topic.refresh_from_db()
    assert (topic.stage, topic.outcome) == ("decided", "实行错时停车，新增车位80个")
    decided = TopicEvent.objects.get(topic=topic, kind="decided")
    assert (decided.from_stage, decided.to_stage, decided.message) == (
        "voting",
        "decided",
        "实行错时停车，新增车位80个",
    )
    assert kinds(topic)[-4:] == ["agenda", "discussing", "voting", "decided"]
    with pytest.raises(Conflict):
        services.topic_withdraw(topic=topic, actor=staff, reason="晚了")


def test_start_voting_from_the_agenda_and_a_stale_copy_conflicts(residents, propose, staff):
    topic = propose(residents[0])
    services.topic_put_on_agenda(topic=topic, actor=staff)
    stale = Topic.objects.get(pk=topic.pk)
    services.topic_start_voting(topic=topic, actor=staff)
    # The service reads the row again under a lock: the stale copy cannot move it back.
    with pytest.raises(Conflict):
        services.topic_start_discussion(topic=stale, actor=staff)
    assert Topic.objects.get(pk=topic.pk).stage == TopicStage.VOTING


def test_withdraw_needs_a_reason_and_the_proposer_or_staff(residents, propose, staff):
    topic = propose(residents[0])
    with pytest.raises(ValidationFailed):
        services.topic_withdraw(topic=topic, actor=residents[0], reason="")
    with pytest.raises(PermissionDenied):
        services.topic_withdraw(topic=topic, actor=residents[1], reason="不想要")
    services.topic_withdraw(topic=topic, actor=residents[0], reason="问题已经解决")
    topic.refresh_from_db()
    assert (topic.stage, topic.closing_reason) == ("withdrawn", "问题已经解决")


def test_merge_into_another_open_topic(residents, propose, staff):
    first = propose(residents[0])
    second = propose(residents[1], title="车位太少")
    with pytest.raises(ValidationFailed):
        services.topic_merge(topic=second, actor=staff, into=second, reason="同一件事")
    services.topic_merge(topic=second, actor=staff, into=first, reason="同一件事")
    second.refresh_from_db()
    assert (second.stage, second.merged_into_id, second.closing_reason) == (
        "merged",
        first.pk,
        "同一件事",
    )
    assert TopicEvent.objects.get(topic=second, kind="merged").data == {"into": first.pk}


def test_staff_create_and_street_assigns_with_a_due_date(regions, staff, make_staff):
    created = services.topic_create(
        actor=staff, title="汛期防汛准备", body="检查地下车库排水", scope=regions[JIEFANG]
    )
    assert (created.source, created.stage) == (TopicSource.COMMUNITY, TopicStage.AGENDA)
    with pytest.raises(PermissionDenied):
        services.topic_create(actor=staff, title="别处", body="别处", scope=regions[JIANKANG_G1])
    with pytest.raises(PermissionDenied):  # community staff cannot assign from above
        services.topic_create(
            actor=staff,
            title="创文",
            body="创文",
            scope=regions[JIEFANG],
            source=TopicSource.ASSIGNED,
            due_at=clock.now() + dt.timedelta(days=10),
        )
    street = make_staff(Role.STREET_OFFICER, DONGFENG)
    with pytest.raises(ValidationFailed):
        services.topic_create(
            actor=street, title="创文", body="创文", scope=regions[JIEFANG], source="assigned"
        )
    assigned = services.topic_create(
        actor=street,
        title="创建文明城市",
        body="背街小巷整治",
        scope=regions[JIEFANG],
        source=TopicSource.ASSIGNED,
        due_at=clock.now() + dt.timedelta(days=10),
    )
    assert assigned.assigned_from.code == DONGFENG and assigned.due_at is not None
    assert kinds(assigned) == ["assigned"]


def test_a_topic_opened_from_an_appeal_links_both_ways(regions, staff, residents):
    appeal, _ = appeal_services.appeal_submit(
        submitter=residents[0],
        intake=appeal_services.Intake(
            content="小区停车位太少，每天晚上都停不下",
            community=regions[JIEFANG],
            grid=regions[JIEFANG_G1],
            type_hint="property",
        ),
    )
    topic = services.topic_open_from_appeal(
        appeal=appeal, actor=staff, title="停车难", body="一户解决不了的问题"
    )
    assert topic.appeal_id == appeal.pk
    assert list(appeal.topics.all()) == [topic]


def test_an_appeal_that_leads_to_a_topic_pays_its_resident_once(regions, staff, residents):
    appeal, _ = appeal_services.appeal_submit(
        submitter=residents[0],
        intake=appeal_services.Intake(
            content="小区路灯坏了一半，晚上回家很黑",
            community=regions[JIEFANG],
            grid=regions[JIEFANG_G1],
        ),
    )
    for title in ("路灯维修", "路灯维修（续）"):
        services.topic_open_from_appeal(appeal=appeal, actor=staff, title=title, body="全小区的事")
    useful = PointsEntry.objects.filter(account__user=residents[0], act=Act.APPEAL_USEFUL)
    assert [(e.amount, e.actor_id) for e in useful] == [(5, staff.pk)]
