"""The consensus map through the API and the pages: scoping (404 outside), one error
shape, the voting page one statement at a time, the map page's privacy, staff pages."""

from __future__ import annotations

import json

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation.consensus import services
from jiaoliuba.deliberation.models import ConsensusQuestion, Statement, StatementVote
from jiaoliuba.deliberation.tests.consensus_fixtures import seeds
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG_G1

pytestmark = pytest.mark.django_db


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_api_open_vote_next_and_map(staff, propose, residents, api_client, make_resident):
    topic = propose(residents[0], title="社区食堂如何运营")
    staff_api = api_client(staff)
    response = _post(
        staff_api,
        "/api/v1/consensus/questions",
        {"topic": topic.pk, "prompt": "食堂怎么办？", "statements": ["自营", "外包", "补贴老人"]},
    )
    assert response.status_code == 201, response.content
    question = response.json()
    assert question["statements"] == 3 and question["actions"]["close"] is True
    resident_api = api_client(residents[1])
    detail = resident_api.get(f"/api/v1/consensus/questions/{question['id']}").json()
    assert detail["actions"]["vote"] is True and detail["actions"]["close"] is False
    seen = []
    while (
        nxt := resident_api.get(f"/api/v1/consensus/questions/{question['id']}/next")
    ).status_code == 200:
        statement = nxt.json()
        seen.append(statement["id"])
        done = _post(
            resident_api,
            f"/api/v1/consensus/statements/{statement['id']}/vote",
            {"opinion": "agree"},
        )
        assert done.status_code == 200
    assert nxt.status_code == 204 and len(seen) == 3
    bad = _post(resident_api, f"/api/v1/consensus/statements/{seen[0]}/vote", {"opinion": "meh"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_opinion"
    assert bad.json()["message_zh"] and bad.json()["message_en"]
    added = _post(
        resident_api,
        f"/api/v1/consensus/questions/{question['id']}/statements",
        {"body": "菜价公示"},
    )
    assert added.status_code == 201 and added.json()["votes"] == 1
    the_map = resident_api.get(f"/api/v1/consensus/questions/{question['id']}/map").json()
    assert the_map["computed_at"] is None and the_map["stale"] is True and the_map["groups"] == []
    # Outside the topic's area the question does not exist.
    outsider = api_client(make_resident(JIANKANG_G1))
    assert outsider.get(f"/api/v1/consensus/questions/{question['id']}").status_code == 404
    assert (
        _post(
            outsider, f"/api/v1/consensus/statements/{seen[0]}/vote", {"opinion": "agree"}
        ).status_code
        == 404
    )
    # Residents cannot close; staff can, and then votes are refused with 409.
    assert (
        _post(resident_api, f"/api/v1/consensus/questions/{question['id']}/close", {}).status_code
        == 403
    )
    closed = _post(staff_api, f"/api/v1/consensus/questions/{question['id']}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    refused = _post(
        resident_api, f"/api/v1/consensus/statements/{seen[1]}/vote", {"opinion": "pass"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_status"


def test_api_hide_and_moderation_listing(question, staff, residents, api_client):
    statement = seeds(question)[0]
    resident_api = api_client(residents[1])
    assert (
        _post(
            resident_api, f"/api/v1/consensus/statements/{statement.pk}/hide", {"reason": "x"}
        ).status_code
        == 403
    )
    staff_api = api_client(staff)
    empty = _post(staff_api, f"/api/v1/consensus/statements/{statement.pk}/hide", {"reason": ""})
    assert empty.status_code == 400 and empty.json()["code"] == "reason_required"
    hidden = _post(
        staff_api, f"/api/v1/consensus/statements/{statement.pk}/hide", {"reason": "重复"}
    )
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"
    staff_list = staff_api.get(f"/api/v1/consensus/questions/{question.pk}/statements").json()
    resident_list = resident_api.get(f"/api/v1/consensus/questions/{question.pk}/statements").json()
    assert statement.pk in {s["id"] for s in staff_list}
    assert statement.pk not in {s["id"] for s in resident_list}


def test_openapi_lists_the_consensus_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/consensus/questions/{question_id}/map" in paths
    assert "/api/v1/consensus/statements/{statement_id}/vote" in paths


def test_voting_page_one_statement_at_a_time(question, residents, login_client):
    client = login_client(residents[1])
    page = client.get(f"/consensus/{question.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    first = seeds(question)[0]
    assert first.body in html and "0 / 6" not in html
    assert 'id="vote-agree"' in html and "<script" not in html.split("</head>")[1]
    response = client.post(f"/consensus/statements/{first.pk}/vote/", {"opinion": "disagree"})
    assert response.status_code == 302
    assert StatementVote.objects.get(statement=first, voter=residents[1]).value == -1
    following = client.get(f"/consensus/{question.pk}/").content.decode()
    assert seeds(question)[1].body in following
    # A refused statement re-renders with what was typed.
    too_long = "长" * 150
    refused = client.post(f"/consensus/{question.pk}/statements/", {"body": too_long})
    assert refused.status_code == 400 and too_long in refused.content.decode()
    assert not Statement.objects.filter(body=too_long).exists()
    added = client.post(f"/consensus/{question.pk}/statements/", {"body": "价格要公开"})
    assert added.status_code == 302 and Statement.objects.filter(body="价格要公开").exists()


def test_map_page_draws_groups_and_only_my_marker(question, make_resident, login_client):
    people = [make_resident(JIEFANG_G1, name=f"食客{i}") for i in range(16)]
    statements = seeds(question)
    for i, person in enumerate(people):
        for j, statement in enumerate(statements):
            opinion = "agree" if j == 5 or j % 2 == i % 2 else "disagree"
            services.statement_vote(statement=statement, actor=person, opinion=opinion)
    services.maps_refresh()
    html = login_client(people[0]).get(f"/consensus/{question.pk}/map/").content.decode()
    assert html.count("<ellipse") == 2
    assert html.count('id="my-marker"') == 1
    for person in people[1:]:  # nobody else's name is on the map
        assert person.display_name not in html
    assert statements[5].body in html.split('id="consensus"')[1]
    common = html.split('id="consensus"')[1].split("</section>")[0]
    assert "A " in common and "B " in common and "C " not in common  # two groups, named once
    assert "style=" not in html.split("<svg")[1].split("</svg>")[0]


def test_staff_pages_open_close_and_hide(staff, propose, residents, login_client, make_staff):
    topic = propose(residents[0])
    client = login_client(staff)
    assert 'id="open-question"' in client.get(f"/deliberation/{topic.pk}/").content.decode()
    form = client.get(f"/workbench/consensus/new/?topic={topic.pk}")
    assert form.status_code == 200
    refused = client.post(
        "/workbench/consensus/new/", {"topic": topic.pk, "prompt": "", "statements": "甲\n乙"}
    )
    assert refused.status_code == 400 and "甲\n乙" in refused.content.decode()
    assert not ConsensusQuestion.objects.exists()
    created = client.post(
        "/workbench/consensus/new/",
        {"topic": topic.pk, "prompt": "停车怎么办？", "statements": "错时停车\n划线收费"},
    )
    question = ConsensusQuestion.objects.get()
    assert created.status_code == 302 and question.statements.count() == 2
    statement = question.statements.first()
    client.post(f"/workbench/consensus/statements/{statement.pk}/hide/", {"reason": "无关"})
    statement.refresh_from_db()
    assert statement.status == "hidden" and statement.hidden_reason == "无关"
    client.post(f"/workbench/consensus/{question.pk}/do/close/")
    question.refresh_from_db()
    assert question.status == "closed"
    manage = client.get(f"/workbench/consensus/{question.pk}/").content.decode()
    assert 'id="do-reopen"' in manage and "无关" in manage
    # Staff of another community do not find it.
    other = login_client(make_staff(Role.COMMUNITY_STAFF, JIANKANG_G1[:12]))
    assert other.get(f"/workbench/consensus/{question.pk}/").status_code == 404
    # Residents do not reach the staff pages.
    assert login_client(residents[1]).get(f"/workbench/consensus/{question.pk}/").status_code in (
        302,
        404,
    )
