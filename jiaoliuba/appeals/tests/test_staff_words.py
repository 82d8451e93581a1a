"""Staff pages speak plain Chinese (issue 9, item 19): risk alerts show appeal numbers
and evidence in words, the appeal page explains the classification, a late first
response reads late, and routing reasons follow escalation and tell the truth about
vacant posts."""

import datetime as dt

import pytest

from jiaoliuba.accounts.models import RoleAssignment
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal, RiskAlert
from jiaoliuba.appeals.plain import risk_evidence_text, triage_explained
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


@pytest.fixture
def at(monkeypatch):
    state = {}

    def move(when):
        state["now"] = when
        monkeypatch.setattr(clock, "now", lambda: state["now"])
        return when

    return move


def test_repeat_alert_page_shows_numbers_and_words(at, regions, resident, staff, login_client):
    appeals = []
    for day, text in enumerate(["楼上漏水到我家", "物业电梯又坏了", "小区门口垃圾没人清"]):
        at(dt.datetime(2026, 11, 1 + day * 5, 9, 0, tzinfo=SH))
        appeal, _ = services.appeal_submit(
            submitter=resident,
            intake=Intake(content=text, community=None, grid=regions[JIEFANG_G1]),
        )
        appeals.append(appeal)
        services.appeal_risk_check(appeal_id=appeal.pk)
    alert = RiskAlert.objects.get(kind="repeat")
    html = login_client(staff["street"]).get("/workbench/alerts/").content.decode()
    assert "30 天内同一居民第 3 件" in html
    for appeal in appeals:
        assert f'<a href="/appeals/{appeal.pk}/">{appeal.number}</a>' in html
    assert "count_30d" not in html and "appeals:" not in html and f"#{appeals[0].pk}" not in html
    # The officers' notification says the same in words.
    note = Notification.objects.get(recipient=staff["street"], kind="risk.repeat")
    assert "30 天内同一居民第 3 件" in note.body and "count_30d" not in note.body
    api = login_client(staff["street"]).get("/api/v1/alerts")
    assert api.json()[0]["evidence_text"] == ["30 天内同一居民第 3 件"], alert.evidence


def test_cluster_and_surge_evidence_in_words():
    with_ids = {"appeals": [112, 134, 150, 161], "residents": 4, "anchor": 112}
    assert risk_evidence_text("cluster", with_ids) == [
        "48 小时内 4 位居民反映相似问题",
        "同组诉求共 4 件",
    ]
    surge = risk_evidence_text(
        "surge", {"count_24h": 6, "baseline_per_day": 0.25, "p_value": 0.0004}
    )
    assert surge == [
        "24 小时内同类诉求 6 件",
        "过去 28 天日均 0.25 件",
        "属正常波动的概率低于 0.1%",
    ]
    assert not any("112" in line for line in risk_evidence_text("cluster", with_ids))
    # A burst flagged by how fast it came says so; a whole day's count needs no second line.
    fast = {"count_24h": 5, "count_window": 4, "window_hours": 4.483, "p_value": 0.0003}
    assert risk_evidence_text("surge", fast)[:2] == [
        "24 小时内同类诉求 5 件",
        "其中 4 件在 4.5 小时内",
    ]
    fixed = {"count_24h": 4, "count_window": 4, "window_hours": 8.0}
    assert risk_evidence_text("surge", fixed)[1] == "其中 4 件在 8 小时内"
    day = {"count_24h": 7, "count_window": 7, "window_hours": 24.0}
    assert risk_evidence_text("surge", day) == ["24 小时内同类诉求 7 件"]


def _with_reasons(appeal: Appeal, reasons: list[str], *, category: str) -> Appeal:
    """The appeal as if triage had filed it under `category` for these reasons."""
    Appeal.objects.filter(pk=appeal.pk).update(triage_reasons=reasons, category=category)
    appeal.refresh_from_db()
    return appeal


def _staff_page(login_client, staff, appeal: Appeal) -> str:
    """The grid worker's page of the appeal, as HTML."""
    return login_client(staff["grid1"]).get(f"/appeals/{appeal.pk}/").content.decode()


def test_triage_reasons_in_plain_words(submit, staff, login_client):
    appeal = submit("小区路灯坏了好几天，晚上黑漆漆的", type_hint="property")
    appeal = _with_reasons(
        appeal,
        [
            "rule:民生服务:路灯",
            "model:yellow:0.96",
            "ngram:路灯",
            "ngram:黑漆漆",
            "hint_overridden:property",
        ],
        category="livelihood",
    )
    assert triage_explained(appeal) == [
        "规则“民生服务”命中“路灯”",
        "模型判断为黄色（需处理），把握 96%",
        "居民选的“物业管理”，已改为“民生服务”",
        "关键词：“路灯”、“黑漆漆”",
    ]
    html = _staff_page(login_client, staff, appeal)
    assert "模型判断为黄色（需处理），把握 96%" in html
    assert "rule:" not in html and "model:yellow" not in html and "hint_overridden" not in html


def test_why_red_why_not_red_and_why_a_person_looks_in_plain_words(submit, staff, login_client):
    appeal = submit("楼道里堆了几个纸箱，旁边有人放电瓶")
    appeal = _with_reasons(
        appeal,
        [
            "category_red:safety:yellow",
            "not_red:不红：已经处理:修好了/处理好了",
            "p_red:0.12",
            "passage:0.38",
        ],
        category="safety",
    )
    assert triage_explained(appeal) == [
        "“安全隐患”按定义为红色（否则为黄色）",
        "规则“不红：已经处理”说明了不判红的理由（命中“修好了”、“处理好了”）",
        "不能确定没有危险（红色可能 12%），请人工看一眼",
        "有一段读起来像危险（红色可能 38%），还不够判红，请人工看一眼",
    ]
    html = _staff_page(login_client, staff, appeal)
    for code in ("category_red", "not_red:", "p_red:", "passage:"):
        assert code not in html, code


def _response_state(html: str) -> str:
    """The staff page's response-deadline cell (the progress bar has its own ticks)."""
    start = html.index('id="response-state"')
    return html[start : html.index("</dd>", start)]


def test_late_first_response_is_shown_late(submit, staff, login_client):
    appeal = submit()
    late = appeal.response_due_at + dt.timedelta(hours=5)
    Appeal.objects.filter(pk=appeal.pk).update(first_response_at=late)
    html = _staff_page(login_client, staff, appeal)
    assert 'class="response-late"' in html and "✓" not in _response_state(html)
    on_time = appeal.response_due_at - dt.timedelta(hours=5)
    Appeal.objects.filter(pk=appeal.pk).update(first_response_at=on_time)
    html = _staff_page(login_client, staff, appeal)
    assert 'class="response-on_time"' in html and "✓" in _response_state(html)


def test_routing_reason_follows_escalation(submit, staff):
    appeal = submit()
    assert "网格员" in appeal.routing_reason
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    appeal = services.appeal_escalate(
        appeal=appeal, actor=staff["grid1"], reason="涉及多户，需社区协调"
    )
    appeal.refresh_from_db()
    assert appeal.routing_reason.startswith("上报解放路社区社区工作人员")
    assert "涉及多户" in appeal.routing_reason and str(staff["community"]) in appeal.routing_reason
    assert "所在网格的网格员" not in appeal.routing_reason


def test_vacant_post_is_only_claimed_when_vacant(submit, staff, regions, resident):
    # No grid given: the grid post is not vacant, there is just no grid.
    no_grid, _ = services.appeal_submit(
        submitter=resident,
        intake=Intake(content="楼道里堆满杂物没人清理，影响通行", community=regions[JIEFANG]),
    )
    assert no_grid.grid is None
    assert "岗位无人" not in no_grid.routing_reason
    assert "未指定网格" in no_grid.routing_reason
    # A real vacancy says so and names the post.
    RoleAssignment.objects.filter(user=staff["grid1"]).delete()
    vacant = submit("楼道里堆满杂物没人清理，影响通行")
    assert (
        "第一网格网格员岗位无人" in vacant.routing_reason
        or "网格员岗位无人" in vacant.routing_reason
    )


def test_no_one_left_is_not_told_to_sign(submit, staff, regions):
    RoleAssignment.objects.filter(user__in=[staff["grid1"], staff["community"]]).delete()
    appeal = submit("楼道里堆满杂物没人清理，影响通行")
    assert appeal.assignee is None
    assert "由本单位任一人签收" not in appeal.routing_reason
    assert f"{regions[JIEFANG].name}社区工作人员岗位也无人" in appeal.routing_reason


def test_escalation_to_an_empty_post_says_so(submit, staff):
    RoleAssignment.objects.filter(user=staff["community"]).delete()
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    appeal = services.appeal_escalate(appeal=appeal, actor=staff["grid1"], reason="需社区协调")
    appeal.refresh_from_db()
    assert appeal.assignee is None
    assert "社区工作人员岗位无人，请上级派单" in appeal.routing_reason


@pytest.mark.parametrize("posted", ["abc", "²", "9" * 30, ""])
def test_acknowledging_an_alert_that_is_no_id_is_a_404_not_an_error(login_client, staff, posted):
    response = login_client(staff["street"]).post("/workbench/alerts/", {"alert_id": posted})
    assert response.status_code == 404
