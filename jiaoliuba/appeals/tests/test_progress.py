"""The resident's appeal page: the five-step progress bar, both deadlines with the 已超期
badge only when a shown one has passed, staff named by post; and an appeal that names
no grid still reaches the community's grid workers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import selectors, services
from jiaoliuba.appeals.choices import RatingLevel
from jiaoliuba.appeals.progress import progress_steps, resident_deadlines
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G2

pytestmark = pytest.mark.django_db


def states(appeal) -> list[str]:
    appeal.refresh_from_db()
    return [s["state"] for s in progress_steps(appeal)]


def page(client, user, appeal) -> str:
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    response = client.get(f"/appeals/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def at(monkeypatch):
    def move(when: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(clock, "now", lambda: when)
        return when

    return move


def test_progress_follows_the_loop(submit, staff, resident):
    appeal = submit()  # yellow: dispatched at once to the grid worker
    assert states(appeal) == ["done", "done", "current", "todo", "todo"]
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    assert states(appeal) == ["done", "done", "current", "todo", "todo"]
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已上门协调。")
    assert states(appeal) == ["done", "done", "done", "done", "current"]
    services.appeal_rate(appeal=appeal, actor=resident, level=RatingLevel.SATISFIED, solved=True)
    assert states(appeal) == ["done"] * 5
    assert all(s["at"] is not None for s in progress_steps(appeal))


def test_rejected_appeal_stops_at_classify(submit, staff):
    appeal = submit()
    services.appeal_reject(appeal=appeal, actor=staff["community"], reason="重复提交")
    assert states(appeal) == ["done", "stopped", "todo", "todo", "todo"]
    assert resident_deadlines(appeal) is None


def test_merged_appeal_follows_its_master(submit, staff, make_resident):
    master = submit()
    duplicate = submit("楼上每天晚上十一点以后还在跳绳，吵得老人睡不着", user=make_resident())
    services.appeal_merge(appeal=duplicate, master=master, actor=staff["community"])
    services.appeal_accept(appeal=master, actor=staff["grid1"])
    services.appeal_resolve(appeal=master, actor=staff["grid1"], reply="已协调。")
    assert states(duplicate) == ["done", "done", "done", "done", "current"]
    assert resident_deadlines(duplicate) is None  # the master's clocks are what count


def test_closed_without_rating_says_so(submit, staff):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    appeal = services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已处理。")
    services.appeals_sweep(now=appeal.resolved_at + dt.timedelta(days=30))
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    rate = progress_steps(appeal)[-1]
    assert (rate["state"], str(rate["note"])) == ("done", "未评价")


def test_resident_and_staff_pages_show_the_progress_bar(client, submit, staff, resident):
    appeal = submit()
    for user in (resident, staff["grid1"]):
        body = page(client, user, appeal)
        bar = body.split('id="progress"')[1].split("</ol>")[0]
        assert [m for m in re.findall(r'data-step="(\w+)"', bar)] == [
            "collect",
            "classify",
            "handle",
            "feedback",
            "rate",
        ]
        for word in ("收集", "分类", "办理", "反馈", "评价"):
            assert word in bar
        assert 'class="step step-current" data-step="handle"' in bar


def test_overdue_badge_only_with_a_shown_deadline_passed(client, submit, staff, resident, at):
    appeal = submit()
    # After the response deadline, before the resolution deadline, nobody has signed.
    at(appeal.response_due_at + dt.timedelta(hours=1))
    assert appeal.resolution_due_at > clock.now()
    body = page(client, resident, appeal)
    assert 'id="deadline-response" class="deadline-overdue"' in body
    assert 'id="deadline-resolution" class="deadline-pending"' in body
    assert appeal.response_due_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") in body
    assert "已超期" in body.split('id="appeal"')[1].split('id="progress"')[0]  # the badge
    # Signing late: the response shows as late, and no shown deadline is passed any more.
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    body = page(client, resident, appeal)
    assert 'id="deadline-response" class="deadline-late"' in body
    assert "已超期" not in body
    # Past the resolution deadline it is overdue again, on the date the page shows.
    at(appeal.resolution_due_at + dt.timedelta(minutes=1))
    body = page(client, resident, appeal)
    assert 'id="deadline-resolution" class="deadline-overdue"' in body
    assert "已超期" in body.split('id="appeal"')[1].split('id="progress"')[0]


def test_deadlines_kept_on_time(client, submit, staff, resident):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已处理。")
    body = page(client, resident, appeal)
    assert 'class="deadline-met"' in body
    assert "已超期" not in body


def test_resident_reads_staff_by_post_not_masked_name(client, api_client, submit, staff, resident):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_reply(appeal=appeal, actor=staff["grid1"], message="明天上门。")
    body = page(client, resident, appeal)
    timeline = body.split('id="timeline"')[1]
    assert "第1网格网格员" in timeline
    assert "**" not in timeline
    events = api_client(resident).get(
        f"/api/v1/appeals/{appeal.pk}/events", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "第1网格网格员" in {e["actor"] for e in events.json()}
    other = submit("小区门口的共享单车乱停乱放，挡住了消防通道")
    services.appeal_reject(appeal=other, actor=staff["community"], reason="已由物业处理")
    timeline = page(client, resident, other).split('id="timeline"')[1]
    assert "解放路社区工作人员" in timeline and "**" not in timeline
    # Staff still see the person.
    staff_timeline = page(client, staff["secretary"], appeal).split('id="timeline"')[1]
    assert "grid1" in staff_timeline


# --- 15: an appeal without a grid reaches the community's grid workers ------------------------


def test_appeal_without_grid_reaches_the_communitys_grid_workers(
    client, regions, staff, resident, make_staff
):
    intake = Intake(
        content="小区东门的路灯坏了好几天，晚上很黑，老人出门不方便", community=regions[JIEFANG]
    )
    appeal, _ = services.appeal_submit(submitter=resident, intake=intake)
    assert appeal.grid is None
    for worker in (staff["grid1"], staff["grid2"]):
        queue = selectors.appeal_queue(user=worker)
        assert appeal in queue
        assert selectors.access_appeal(user=worker, appeal_id=appeal.pk) == appeal
        assert selectors.is_staff_view(worker, appeal)
        client.force_login(worker, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
        assert appeal.number in client.get("/workbench/appeals/").content.decode()
        assert client.get(f"/appeals/{appeal.pk}/").status_code == 200
    # A grid worker of another community does not see it, nor another grid's appeals.
    elsewhere = make_staff(Role.GRID_WORKER, regions[JIANKANG].children.first().code)
    assert appeal not in selectors.appeal_queue(user=elsewhere)
    other_grid, _ = services.appeal_submit(
        submitter=resident,
        intake=Intake(
            content="楼道里堆放了很多杂物，存在消防隐患", community=None, grid=regions[JIEFANG_G2]
        ),
    )
    assert other_grid not in selectors.appeal_queue(user=staff["grid1"])
    assert other_grid in selectors.appeal_queue(user=staff["grid2"])
