"""Manual 催办 and 督办 (issue 9, item 18): staff above the handler press them with a
note; they are events of the same kinds as the sweep's, the handler is told, and the
supervision page counts them."""

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import selectors, services
from jiaoliuba.appeals.choices import EventKind
from jiaoliuba.appeals.models import AppealEvent
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import XIYUAN

pytestmark = pytest.mark.django_db


def test_secretary_urges_the_grid_worker_with_a_note(submit, staff):
    appeal = submit()
    assert appeal.assignee == staff["grid1"]
    services.appeal_urge(
        appeal=appeal, actor=staff["secretary"], note="今天下班前给居民回个电话，50%的人都在问"
    )
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.URGED)
    assert event.actor == staff["secretary"] and event.data["manual"] is True
    assert event.message.startswith("今天下班前") and not event.visible_to_resident
    note = Notification.objects.get(recipient=staff["grid1"], kind="appeal.urged")
    assert "50%的人都在问" in note.body and appeal.number in note.title


def test_street_officer_supervises_and_it_is_listed_and_counted(submit, staff):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_supervise(appeal=appeal, actor=staff["street"], note="请社区跟进，本周内办结")
    assert AppealEvent.objects.filter(
        appeal=appeal, kind=EventKind.SUPERVISED, actor=staff["street"]
    ).exists()
    assert Notification.objects.filter(recipient=staff["grid1"], kind="appeal.supervised").exists()
    overview = selectors.supervision_overview(user=staff["street"])
    assert [a.pk for a in overview["supervised"]] == [appeal.pk]
    assert overview["pressure"] == {
        "urged": 0,
        "supervised": 1,
        "urged_manual": 0,
        "supervised_manual": 1,
    }
    # The sweep's supervision counts the same way (same event kind, no actor).
    services.appeal_urge(appeal=appeal, actor=staff["secretary"], note="抓紧")
    AppealEvent.objects.create(
        appeal=appeal,
        kind=EventKind.URGED,
        data={"clock": "resolution"},
        created_at=appeal.received_at,
    )
    counts = selectors.urge_supervise_counts(user=staff["street"])
    assert (counts["urged"], counts["urged_manual"]) == (2, 1)
    # A manual 督办 does not stamp the sweep's breach mark: the sweep still fires on breach.
    appeal.refresh_from_db()
    assert appeal.resolution_supervised_at is None and appeal.response_supervised_at is None


def test_secretary_may_urge_community_staff_of_her_own_community(submit, staff):
    appeal = submit("建议社区多组织一些老年人的文体活动，丰富大家的生活")
    assert appeal.assignee == staff["community"], appeal.routing_reason
    services.appeal_urge(appeal=appeal, actor=staff["secretary"], note="请本周内答复")
    # A peer in the same post may not.
    with pytest.raises(PermissionDenied):
        services.appeal_urge(appeal=appeal, actor=staff["community"], note="请本周内答复")


def test_grid_worker_may_not_urge_or_supervise(submit, staff, make_staff):
    appeal = submit()
    for actor in (staff["grid1"], staff["grid2"]):
        for press in (services.appeal_urge, services.appeal_supervise):
            with pytest.raises(PermissionDenied):
                press(appeal=appeal, actor=actor, note="快点")
    assert not AppealEvent.objects.filter(
        appeal=appeal, kind__in=(EventKind.URGED, EventKind.SUPERVISED)
    ).exists()


def test_note_is_required(submit, staff):
    appeal = submit()
    with pytest.raises(ValidationFailed):
        services.appeal_urge(appeal=appeal, actor=staff["secretary"], note="  ")


def test_api_urge_and_refusals(submit, staff, make_staff, api_client):
    appeal = submit()
    ok = api_client(staff["street"]).post(
        f"/api/v1/appeals/{appeal.pk}/urge",
        {"note": "请尽快联系居民"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    refused = api_client(staff["grid2"]).post(
        f"/api/v1/appeals/{appeal.pk}/supervise", {"note": "x"}, content_type="application/json"
    )
    # grid2 does not see grid1's appeal at all; grid1 sees it but is the handler.
    assert refused.status_code == 404
    own = api_client(staff["grid1"]).post(
        f"/api/v1/appeals/{appeal.pk}/supervise", {"note": "x"}, content_type="application/json"
    )
    assert own.status_code == 403 and own.json()["code"] == "urge_denied"
    other_street = make_staff(Role.STREET_OFFICER, XIYUAN, username="xiyuan-street")
    outside = api_client(other_street).post(
        f"/api/v1/appeals/{appeal.pk}/urge", {"note": "请尽快"}, content_type="application/json"
    )
    assert outside.status_code == 404
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.URGED).count() == 1


def test_buttons_only_for_those_above(submit, staff, login_client):
    appeal = submit()
    page = login_client(staff["secretary"]).get(f"/appeals/{appeal.pk}/")
    assert b'id="do-urge"' in page.content and b'id="do-supervise"' in page.content
    page = login_client(staff["grid1"]).get(f"/appeals/{appeal.pk}/")
    assert page.status_code == 200 and b'id="do-urge"' not in page.content
    done = login_client(staff["secretary"]).post(
        f"/appeals/{appeal.pk}/do/supervise/", {"note": "请本周办结"}, follow=True
    )
    assert done.status_code == 200
    timeline = done.content.decode()
    assert "ev-supervised" in timeline
    overview = login_client(staff["street"]).get("/workbench/supervision/")
    assert f"/appeals/{appeal.pk}/" in overview.content.decode()
