import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import EventKind, Priority, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIEFANG
from jiaoliuba.testing.tasks import run_intake_follow_ups

pytestmark = pytest.mark.django_db


def kinds(appeal):
    return list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True))


def test_yellow_appeal_goes_to_grid_worker_and_closes_on_rating(submit, staff, resident):
    appeal = submit()
    assert (appeal.priority, appeal.category) == (Priority.YELLOW, "neighbor")
    assert appeal.status == Status.DISPATCHED
    assert appeal.assignee == staff["grid1"]
    run_intake_follow_ups()  # the worker's part: notices, bands, risk
    assert Notification.objects.filter(recipient=staff["grid1"], kind="appeal.dispatched").exists()
    with pytest.raises(PermissionDenied):
        services.appeal_accept(appeal=appeal, actor=staff["grid2"])
    appeal = services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    assert appeal.first_response_at is not None
    with pytest.raises(ValidationFailed):
        services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="  ")
    appeal = services.appeal_resolve(
        appeal=appeal, actor=staff["grid1"], reply="已上门协调，双方约定晚九点后不再跳绳。"
    )
    assert appeal.status == Status.RESOLVED
    services.appeal_rate(appeal=appeal, actor=resident, level=RatingLevel.SATISFIED, solved=True)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.closure_reason) == (Status.CLOSED, "rated")
    assert kinds(appeal) == [
        EventKind.SUBMITTED,
        EventKind.TRIAGED,
        EventKind.DISPATCHED,
        EventKind.ACCEPTED,
        EventKind.RESOLVED,
        EventKind.RATED,
    ]


def test_gas_smell_is_red_and_goes_to_secretary_with_street_told(submit, staff):
    appeal = submit("物业那边楼道里一股燃气味，已经好几个小时了", type_hint="property")
    assert appeal.priority == Priority.RED
    assert appeal.category == "safety"
    assert appeal.assignee == staff["secretary"]
    run_intake_follow_ups()  # the worker's part: notices, bands, risk
    assert Notification.objects.filter(recipient=staff["street"], kind="appeal.red_alert").exists()
    # red: 24 natural hours to respond
    assert (appeal.response_due_at - appeal.received_at).total_seconds() == 24 * 3600


def test_unsatisfied_goes_to_review_and_reopen_marks_repeat(submit, staff, resident):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已处理")
    services.appeal_rate(
        appeal=appeal, actor=resident, level=RatingLevel.UNSATISFIED, solved=False, comment="还在跳"
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED
    assert Notification.objects.filter(
        recipient=staff["secretary"], kind="appeal.unsatisfied"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.appeal_reopen(appeal=appeal, actor=staff["grid1"], reason="再看看")
    appeal = services.appeal_reopen(
        appeal=appeal, actor=staff["secretary"], reason="居民不满意，重新办理"
    )
    assert appeal.status == Status.DISPATCHED
    assert appeal.is_repeat and appeal.reopen_count == 1


def test_only_the_submitter_rates_and_only_once(submit, staff, resident, make_resident):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已处理")
    with pytest.raises(PermissionDenied):
        services.appeal_rate(
            appeal=appeal, actor=make_resident(), level=RatingLevel.SATISFIED, solved=True
        )
    services.appeal_rate(appeal=appeal, actor=resident, level=RatingLevel.BASIC, solved=True)
    with pytest.raises(Conflict):
        services.appeal_rate(
            appeal=appeal, actor=resident, level=RatingLevel.SATISFIED, solved=True
        )


def test_return_escalate_and_redispatch(submit, staff, regions):
    appeal = submit()
    appeal = services.appeal_return(appeal=appeal, actor=staff["grid1"], reason="不属于本网格")
    assert (appeal.status, appeal.assignee, appeal.return_count) == (Status.SUBMITTED, None, 1)
    appeal = services.appeal_dispatch(
        appeal=appeal, actor=staff["community"], region=regions[JIEFANG], role=Role.COMMUNITY_STAFF
    )
    assert appeal.status == Status.DISPATCHED and appeal.assignee == staff["community"]
    services.appeal_accept(appeal=appeal, actor=staff["community"])
    appeal = services.appeal_escalate(
        appeal=appeal, actor=staff["community"], reason="需要街道协调"
    )
    assert appeal.handling_region.level == "street"
    assert appeal.assignee == staff["street"]
    appeal = services.appeal_escalate(appeal=appeal, actor=staff["street"], reason="需要区里协调")
    assert appeal.handling_region.level == "district" and appeal.assignee == staff["district"]


def test_reject_is_visible_to_resident_with_reason(submit, staff, api_client, resident):
    appeal = submit()
    with pytest.raises(PermissionDenied):
        services.appeal_reject(appeal=appeal, actor=staff["grid1"], reason="无效")
    services.appeal_reject(appeal=appeal, actor=staff["community"], reason="重复测试信息")
    body = api_client(resident).get(f"/api/v1/appeals/{appeal.pk}/events").json()
    assert body[-1]["kind"] == "rejected" and body[-1]["message"] == "重复测试信息"


def test_merge_follows_master_and_tells_every_reporter(
    submit, staff, make_resident, api_client, resident
):
    master = submit("小区东门路灯坏了一个月了，晚上很黑")
    other = make_resident()
    duplicate = submit("东门的路灯一直不亮，晚上看不见路", user=other)
    services.appeal_merge(appeal=duplicate, master=master, actor=staff["community"])
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == master
    handler = master.assignee
    services.appeal_accept(appeal=master, actor=handler)
    services.appeal_resolve(appeal=master, actor=handler, reply="路灯已更换")
    assert Notification.objects.filter(recipient=other, kind="appeal.resolved").exists()
    timeline = api_client(other).get(f"/api/v1/appeals/{duplicate.pk}/events").json()
    assert "resolved" in [e["kind"] for e in timeline]
    with pytest.raises(Conflict):
        services.appeal_merge(appeal=duplicate, master=master, actor=staff["community"])


def test_extension_moves_deadline_and_keeps_the_original(submit, staff):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    original = appeal.resolution_due_original_at
    ext = services.appeal_extension_request(
        appeal=appeal, actor=staff["grid1"], working_days=3, reason="需要协调物业"
    )
    with pytest.raises(Conflict):
        services.appeal_extension_request(
            appeal=appeal, actor=staff["grid1"], working_days=2, reason="again"
        )
    with pytest.raises(PermissionDenied):
        services.appeal_extension_decide(extension=ext, actor=staff["grid1"], approve=True)
    services.appeal_extension_decide(
        extension=ext, actor=staff["secretary"], approve=True, note="同意"
    )
    appeal.refresh_from_db()
    assert appeal.resolution_due_at > original
    assert appeal.resolution_due_original_at == original
    assert appeal.extension_count == 1


def test_triage_correction_recomputes_clock_and_records_training_data(submit, staff):
    from jiaoliuba.triage.models import TriageFeedback

    appeal = submit("想咨询一下社区老年食堂什么时候开")
    assert appeal.priority == Priority.BLUE
    services.appeal_correct_triage(
        appeal=appeal,
        actor=staff["community"],
        priority=Priority.YELLOW,
        category="livelihood",
        reason="老人独居，需要尽快联系",
    )
    appeal.refresh_from_db()
    assert appeal.priority == Priority.YELLOW
    feedback = TriageFeedback.objects.get()
    assert (feedback.predicted_priority, feedback.corrected_priority) == ("blue", "yellow")


def test_repeat_within_30_days_is_marked(submit):
    first = submit("楼上邻居每晚跳绳，噪音很大")
    second = submit("楼上邻居每晚又在跳绳，噪音还是很大")
    assert second.is_repeat and second.repeat_of == first
    third = submit("想问问社区有没有法律咨询")
    assert not third.is_repeat


def test_concurrent_accept_has_exactly_one_winner(submit, staff, regions):
    appeal = submit()
    appeal = services.appeal_return(appeal=appeal, actor=staff["grid1"], reason="转社区")
    appeal = services.appeal_dispatch(
        appeal=appeal, actor=staff["secretary"], region=regions[JIEFANG], role=Role.COMMUNITY_STAFF
    )
    assert appeal.assignee == staff["community"]
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED


def test_mediation_with_sessions_through_the_page(submit, staff, login_client):
    from jiaoliuba.appeals.models import Mediation

    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    client = login_client(staff["grid1"])
    client.post(
        f"/appeals/{appeal.pk}/do/mediation_start/",
        {
            "party1_name": "王先生",
            "party1_side": "楼上",
            "party1_phone": "13900001111",
            "party2_name": "李女士",
            "party2_side": "楼下",
            "party2_phone": "",
        },
    )
    mediation = Mediation.objects.get(appeal=appeal)
    assert mediation.parties.count() == 2
    client.post(
        f"/appeals/{appeal.pk}/do/mediation_session/",
        {
            "mediation_id": mediation.pk,
            "held_at": "2026-11-27 19:00",
            "place": "交流吧调解区",
            "notes": "双方陈述",
        },
    )
    assert mediation.sessions.get().place == "交流吧调解区"
    client.post(
        f"/appeals/{appeal.pk}/do/mediation_conclude/",
        {"mediation_id": mediation.pk, "outcome": "agreement", "agreement_text": "晚九点后不跳绳"},
    )
    mediation.refresh_from_db()
    assert mediation.outcome == "agreement" and mediation.concluded_at is not None
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "交流吧调解区" in page and "晚九点后不跳绳" in page
