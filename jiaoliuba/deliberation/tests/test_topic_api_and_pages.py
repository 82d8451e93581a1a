"""The API and the pages over the real services: every action reachable, scope (another
community's topic by id is 404, on pages and in the API), errors in ErrorOut shape with
both languages, the OpenAPI document, typed text kept after a refusal, and every text
escaped."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.models import Comment, SensitiveWord, SupportThreshold, Topic
from jiaoliuba.testing.fixtures import JIANKANG, JIANKANG_G1, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_resident_api_journey_to_the_agenda(api_client, regions, residents, staff):
    SupportThreshold.objects.create(community=regions[JIEFANG], supporters=3)
    client = api_client(residents[0])
    response = client.post(
        "/api/v1/deliberation/topics",
        {"title": "停车难", "body": "晚上车位不够", "scope": JIEFANG_G1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    topic = response.json()
    assert (topic["stage"], topic["support_count"], topic["support_threshold"]) == (
        "proposed",
        1,
        3,
    )
    assert "support" not in topic["actions"]  # the proposer already supports it
    tid = topic["id"]
    for resident in residents[1:3]:
        r = api_client(resident).post(f"/api/v1/deliberation/topics/{tid}/support")
        assert r.status_code == 200, r.content
    assert r.json()["stage"] == "agenda"
    again = api_client(residents[1]).post(f"/api/v1/deliberation/topics/{tid}/support")
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "wrong_stage" and body["message_zh"] and body["message_en"]
    events = client.get(f"/api/v1/deliberation/topics/{tid}/events").json()
    assert [e["kind"] for e in events][-1] == "threshold"

    staff_client = api_client(staff)
    detail = staff_client.get(f"/api/v1/deliberation/topics/{tid}").json()
    assert {"discuss", "start_voting", "withdraw", "merge", "answer"} <= set(detail["actions"])
    assert staff_client.post(f"/api/v1/deliberation/topics/{tid}/discuss").json()["stage"] == (
        "discussing"
    )
    answer = staff_client.post(
        f"/api/v1/deliberation/topics/{tid}/comments",
        {"body": "社区已联系物业，拟实行错时停车。", "official": True},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["official"] is True
    # A resident cannot give an official answer.
    refused = client.post(
        f"/api/v1/deliberation/topics/{tid}/comments",
        {"body": "我说了算", "official": True},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert staff_client.post(f"/api/v1/deliberation/topics/{tid}/start-voting").status_code == 200
    decided = staff_client.post(
        f"/api/v1/deliberation/topics/{tid}/decide",
        {"outcome": "错时停车"},
        content_type="application/json",
    )
    assert decided.json()["stage"] == "decided" and decided.json()["outcome"] == "错时停车"


def test_staff_create_building_topics_through_the_api_and_the_page(
    api_client, login_client, regions, staff
):
    """Scope is a grid, a building, a community or a street: staff reach all four."""
    made = api_client(staff).post(
        "/api/v1/deliberation/topics",
        {
            "title": "3号楼电梯加装",
            "body": "征求3号楼住户意见",
            "scope": JIEFANG_G1,
            "source": "community",
            "building": "3号楼",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["building"], made.json()["scope"]["code"]) == ("3号楼", JIEFANG_G1)
    refused = api_client(staff).post(
        "/api/v1/deliberation/topics",
        {"title": "楼道", "body": "正文", "scope": JIEFANG, "source": "community", "building": "3"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "building_needs_grid"
    page = login_client(staff)
    form = page.get("/deliberation/new/").content.decode()
    assert 'name="building"' in form
    typed = {
        "title": "5栋外墙渗水",
        "body": "雨天外墙渗水",
        "scope": JIEFANG,
        "source": "community",
    }
    kept = page.post("/deliberation/new/", {**typed, "building": "5栋"})
    assert kept.status_code == 400 and "雨天外墙渗水" in kept.content.decode()
    done = page.post("/deliberation/new/", {**typed, "scope": JIEFANG_G1, "building": "5栋"})
    assert done.status_code == 302
    topic = Topic.objects.get(title="5栋外墙渗水")
    assert (topic.scope.code, topic.building, topic.created_by) == (JIEFANG_G1, "5栋", staff)
    assert "5栋" in page.get(f"/deliberation/{topic.pk}/").content.decode()


def test_out_of_scope_topic_is_404_everywhere(
    api_client, login_client, regions, residents, make_resident, make_staff
):
    topic = services.topic_propose(
        actor=residents[0], title="停车难", body="车位不够", scope=regions[JIEFANG_G1]
    )
    comment = services.topic_comment(topic=topic, actor=residents[1], body="同意")
    outsider = make_resident(JIANKANG_G1)
    other_staff = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    for person in (outsider, other_staff):
        api = api_client(person)
        assert api.get(f"/api/v1/deliberation/topics/{topic.pk}").status_code == 404
        assert api.post(f"/api/v1/deliberation/topics/{topic.pk}/support").status_code == 404
        assert (
            api.post(
                f"/api/v1/deliberation/comments/{comment.pk}/flag",
                {"reason": "x"},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert api.get("/api/v1/deliberation/topics").json() == []
        page = login_client(person)
        assert page.get(f"/deliberation/{topic.pk}/").status_code == 404
        assert page.post(f"/deliberation/{topic.pk}/do/support/").status_code == 404
    # The street above sees it (上级 visibility), the community's grid worker too.
    street = make_staff(Role.STREET_OFFICER, "411702001000")
    assert api_client(street).get(f"/api/v1/deliberation/topics/{topic.pk}").status_code == 200


def test_list_shows_what_the_resident_may_join(api_client, regions, residents, make_resident):
    services.topic_propose(
        actor=residents[0], title="网格的", body="正文", scope=regions[JIEFANG_G1]
    )
    services.topic_propose(actor=residents[0], title="社区的", body="正文", scope=regions[JIEFANG])
    other_grid = make_resident("411702001001002")
    titles = {t["title"] for t in api_client(other_grid).get("/api/v1/deliberation/topics").json()}
    assert titles == {"社区的"}


def test_every_text_is_escaped_on_pages(login_client, regions, residents, staff):
    topic = services.topic_propose(
        actor=residents[0], title=XSS[:100], body=XSS, scope=regions[JIEFANG_G1]
    )
    services.topic_comment(topic=topic, actor=residents[1], body=XSS)
    services.topic_comment(topic=topic, actor=staff, body=XSS, official=True)
    for user, url in (
        (residents[1], f"/deliberation/{topic.pk}/"),
        (residents[1], "/deliberation/"),
        (staff, f"/deliberation/{topic.pk}/"),
        (staff, "/workbench/deliberation/"),
    ):
        html = login_client(user).get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_refused_comment_keeps_the_text(login_client, regions, residents):
    SensitiveWord.objects.create(word="傻瓜")
    topic = services.topic_propose(
        actor=residents[0], title="停车难", body="正文", scope=regions[JIEFANG_G1]
    )
    typed = "物业就是傻 瓜，车位都不管"
    response = login_client(residents[1]).post(
        f"/deliberation/{topic.pk}/do/comment/", {"body": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html and "傻瓜" in html
    assert Topic.objects.get(pk=topic.pk).comment_count == 0


def test_pages_render_for_residents_and_staff(login_client, regions, residents, staff):
    topic = services.topic_propose(
        actor=residents[0], title="停车难", body="正文", scope=regions[JIEFANG_G1]
    )
    resident = login_client(residents[0])
    for url in ("/deliberation/", "/deliberation/new/", f"/deliberation/{topic.pk}/"):
        assert resident.get(url).status_code == 200, url
    assert resident.get("/workbench/deliberation/").status_code == 404
    desk = login_client(staff)
    for url in (
        "/workbench/deliberation/",
        "/workbench/deliberation/moderation/",
        "/deliberation/new/",
        f"/deliberation/{topic.pk}/",
    ):
        assert desk.get(url).status_code == 200, url
    response = resident.post(
        "/deliberation/new/", {"title": "", "body": "写了很多字", "scope": JIEFANG_G1}
    )
    assert response.status_code == 400 and "写了很多字" in response.content.decode()
    response = resident.post(
        "/deliberation/new/", {"title": "宠物扰民", "body": "夜里狗叫", "scope": JIEFANG}
    )
    assert response.status_code == 302
    created = Topic.objects.get(title="宠物扰民")
    assert created.scope.code == JIEFANG and created.proposer == residents[0]


def test_openapi_documents_the_routes_with_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/deliberation/topics",
        "/api/v1/deliberation/topics/{topic_id}/support",
        "/api/v1/deliberation/topics/{topic_id}/comments",
        "/api/v1/deliberation/comments/{comment_id}/hide",
        "/api/v1/deliberation/moderation/flags",
    ):
        assert path in paths, path
    support = paths["/api/v1/deliberation/topics/{topic_id}/support"]["post"]["responses"]
    assert support["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
    assert "404" in support


def test_topic_opened_from_the_appeal_page_links_back(login_client, regions, residents, staff):
    appeal, _ = appeal_services.appeal_submit(
        submitter=residents[0],
        intake=appeal_services.Intake(
            content="小区停车位太少，每天晚上都停不下，消防通道也被占了",
            community=regions[JIEFANG],
            grid=regions[JIEFANG_G1],
            type_hint="property",
        ),
    )
    desk = login_client(staff)
    appeal_page = desk.get(f"/appeals/{appeal.pk}/").content.decode()
    assert f'href="/deliberation/new/?appeal={appeal.pk}"' in appeal_page
    form = desk.get(f"/deliberation/new/?appeal={appeal.pk}").content.decode()
    assert "小区停车位太少" in form and 'id="from-appeal"' in form
    response = desk.post(
        "/deliberation/new/",
        {"appeal_id": appeal.pk, "title": "停车难", "body": "一户解决不了", "scope": JIEFANG},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="停车难")
    assert topic.appeal_id == appeal.pk and topic.source == "community"
    # Both ways: the appeal page names the topic, the topic page links the appeal.
    assert (
        f'href="/deliberation/{topic.pk}/"' in desk.get(f"/appeals/{appeal.pk}/").content.decode()
    )
    assert (
        f'href="/appeals/{appeal.pk}/"' in desk.get(f"/deliberation/{topic.pk}/").content.decode()
    )
    resident_view = login_client(residents[0]).get(f"/appeals/{appeal.pk}/").content.decode()
    assert f'href="/deliberation/{topic.pk}/"' in resident_view
    assert "/deliberation/new/?appeal=" not in resident_view


def test_refused_report_and_reply_keep_what_was_typed(login_client, regions, residents, settings):
    topic = services.topic_propose(
        actor=residents[0], title="停车难", body="正文", scope=regions[JIEFANG_G1]
    )
    comment = services.topic_comment(topic=topic, actor=residents[1], body="第一条")
    client = login_client(residents[2])
    settings.DELIBERATION_FLAGS_PER_HOUR = 0
    refused = client.post(
        f"/deliberation/comments/{comment.pk}/do/flag/", {"reason": "这条在骂人，请处理"}
    )
    assert refused.status_code == 429
    assert 'value="这条在骂人，请处理"' in refused.content.decode()
    SensitiveWord.objects.create(word="滚蛋")
    refused = client.post(
        f"/deliberation/{topic.pk}/do/comment/",
        {"body": "你滚蛋吧，我写了好长一段话", "parent_id": comment.pk},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert ">你滚蛋吧，我写了好长一段话</textarea>" in html
    assert Comment.objects.filter(parent=comment).count() == 0
