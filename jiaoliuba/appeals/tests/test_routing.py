import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import DutyShift, RoleAssignment
from jiaoliuba.appeals import routing, services
from jiaoliuba.appeals.choices import Priority, Status
from jiaoliuba.appeals.models import AppealEvent, RoutingRule
from jiaoliuba.core import clock
from jiaoliuba.notifications.models import Notification
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import CITY, DONGFENG, JIEFANG, JIEFANG_G1, XIYUAN, YICHENG
from jiaoliuba.testing.tasks import run_intake_follow_ups

pytestmark = pytest.mark.django_db


def test_workload_picks_the_less_busy_grid_worker(submit, staff, make_staff):
    second = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1b")
    first = submit("楼上装修噪音太大")
    assert first.assignee in (staff["grid1"], second)
    other = submit("隔壁狗天天叫")
    assert {first.assignee, other.assignee} == {staff["grid1"], second}
    assert "在办" in other.routing_reason


def test_blue_legal_question_goes_to_the_lawyer(submit, staff, make_staff, login_client):
    lawyer = make_staff(Role.PROFESSIONAL, DONGFENG, username="lawyer")
    RoleAssignment.objects.filter(user=lawyer).update(skills="law")
    appeal = submit("想咨询一下借钱不还怎么起诉，需要准备什么材料")
    assert appeal.priority == Priority.BLUE
    assert appeal.assignee == lawyer and appeal.handling_role == Role.PROFESSIONAL
    assert "律师" in appeal.routing_reason
    # the lawyer has no staff scope but can open and handle what was routed to them
    page = login_client(lawyer).get(f"/appeals/{appeal.pk}/")
    assert page.status_code == 200 and 'id="do-accept"' in page.content.decode()
    services.appeal_accept(appeal=appeal, actor=lawyer)


def test_duty_rota_wins_for_walk_in_work(submit, staff, make_staff, regions):
    on_duty = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="duty")
    now = clock.now()
    DutyShift.objects.create(
        user=on_duty,
        region=regions[JIEFANG],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=3),
    )
    appeal = submit("想咨询一下社区老年食堂什么时候开")
    assert appeal.assignee == on_duty and "值班" in appeal.routing_reason


def test_admin_rule_overrides_defaults_and_staff_override_is_recorded(submit, staff, regions):
    services.routing_rule_save(
        rule=RoutingRule(
            name="物业类归社区",
            category="property",
            target_role=Role.COMMUNITY_STAFF,
            target_level="community",
            region=regions[JIEFANG],
        )
    )
    appeal = submit("物业电梯坏了一个星期没人修")
    assert appeal.category == "property"
    assert appeal.assignee == staff["community"] and "物业类归社区" in appeal.routing_reason
    services.appeal_dispatch(
        appeal=appeal,
        actor=staff["secretary"],
        region=regions[JIEFANG + "001"],
        role=Role.GRID_WORKER,
        reason="网格员熟悉情况",
    )
    event = AppealEvent.objects.filter(appeal=appeal, kind="dispatched").latest("id")
    assert (
        event.data["by"] == "staff" and event.data["previous"]["assignee"] == staff["community"].pk
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.assignee == staff["grid1"]


def test_red_goes_to_secretary_and_street_gets_sms(submit, staff):
    appeal = submit("楼道里电线冒火花，还有烧焦的味道")
    assert appeal.priority == Priority.RED and appeal.assignee == staff["secretary"]
    run_intake_follow_ups()  # the worker's part: notices, bands, risk
    assert Notification.objects.filter(recipient=staff["street"], kind="appeal.red_alert").exists()


def test_ranked_holders_are_the_posts_holders_with_duty_and_load(
    submit, staff, make_staff, regions
):
    second = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff2")
    gone = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff3")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    now = clock.now()
    DutyShift.objects.create(
        user=second,
        region=regions[JIEFANG],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    submit("楼上装修噪音太大")  # one open appeal for the grid worker
    posts = [
        (Role.COMMUNITY_STAFF, regions[JIEFANG].pk),
        (Role.GRID_WORKER, regions[JIEFANG_G1].pk),
        (Role.STREET_OFFICER, regions[JIEFANG].pk),  # nobody holds it
    ]
    ranked = routing._ranked_holders(posts)
    load = routing.workloads([u for people in ranked.values() for u in people])
    for role, region_id in posts:
        expected = routing.holders(role, Region.objects.get(pk=region_id))
        got = ranked[(role, region_id)]
        assert [u.pk for u in got] == [u.pk for u in expected]
        for person, same in zip(got, expected, strict=True):
            assert person.username == same.username and person.is_active
            assert person.phone == same.phone  # deferred, read on first access
            assert person.on_duty is (person == second)
            assert person.open_load == load.get(person.pk, 0)
    assert ranked[(Role.GRID_WORKER, regions[JIEFANG_G1].pk)][0].open_load == 1
    assert ranked[(Role.STREET_OFFICER, regions[JIEFANG].pk)] == []


def test_a_backlog_is_counted_up_to_a_bound(submit, staff, make_staff, monkeypatch):
    """Past LOAD_COUNTED_UP_TO open appeals two holders count as equally loaded (the lower
    id is chosen) and the reason says "at least": the count costs one index entry per
    open appeal, and an intake should not pay for a backlog."""
    second = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1b")
    monkeypatch.setattr(routing, "LOAD_COUNTED_UP_TO", 2)
    texts = iter(f"楼上装修噪音太大，第{n}次反映，{n * 'x'}" for n in range(1, 20))
    made = [submit(next(texts)) for _ in range(4)]  # two each: both at the bound
    assert {a.assignee for a in made} == {staff["grid1"], second}
    third = [submit(next(texts)) for _ in range(3)]
    # Both are "at least 2": the lower id takes every new one, though its true load grows.
    lower = min(staff["grid1"], second, key=lambda u: u.pk)
    assert [a.assignee for a in third] == [lower] * 3
    assert "在办至少2件" in third[-1].routing_reason
    ranked = routing._ranked_holders([(Role.GRID_WORKER, third[0].grid_id)])
    assert sorted(u.open_load for u in ranked[(Role.GRID_WORKER, third[0].grid_id)]) == [2, 2]
    # Escalations and returns choose with the same bounded numbers.
    assert routing.workloads([staff["grid1"], second]) == {staff["grid1"].pk: 2, second.pk: 2}
    assert routing.least_busy([second, staff["grid1"]]) == lower
    assert "在办至少2件" in routing.escalation_reason(third[0].grid, Role.GRID_WORKER, lower, "")
    # Below the bound the count is exact (the test above), and the reason gives it.
    monkeypatch.setattr(routing, "LOAD_COUNTED_UP_TO", 200)
    last = submit(next(texts))
    assert "在办2件" in last.routing_reason and last.assignee != lower  # exact again
    assert set(routing.workloads([staff["grid1"], second]).values()) == {5, 3}
    assert routing.workloads([]) == {}


def test_the_holders_told_at_a_level_are_found_from_the_path(submit, staff, make_staff, regions):
    """The red alert's "street told" reads the post's holders in one statement from the
    codes in the appeal's path: the same people `holders` gives for `_at_level`'s region,
    at every level, inactive users left out."""
    make_staff(Role.STREET_OFFICER, DONGFENG, username="street2")
    make_staff(Role.STREET_OFFICER, XIYUAN, username="elsewhere")  # another street
    make_staff(Role.DISTRICT_OFFICER, YICHENG, username="district1")
    make_staff(Role.CITY_ADMIN, CITY, username="city1")
    gone = make_staff(Role.STREET_OFFICER, DONGFENG, username="street-gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    appeal = submit("楼道里有很浓的煤气味")
    for role, level in [
        (Role.STREET_OFFICER, "street"),
        (Role.DISTRICT_OFFICER, "district"),
        (Role.CITY_ADMIN, "city"),
        (Role.COMMUNITY_SECRETARY, "community"),
        (Role.GRID_WORKER, "grid"),
        (Role.STREET_OFFICER, "grid"),  # nobody: a level whose post is not there
    ]:
        region = routing._at_level(appeal, level)
        expected = [u.pk for u in routing.holders(role, region)] if region else []
        assert routing._holder_ids_at_level(appeal, role, level) == expected, (role, level)
    told = routing._holder_ids_at_level(appeal, Role.STREET_OFFICER, "street")
    assert gone.pk not in told and len(told) == 2
    # An appeal with no grid is read from its community.
    appeal.grid = None
    assert routing._holder_ids_at_level(appeal, Role.STREET_OFFICER, "street") == told
