"""Residents report consensus statements (a reason, once each, rate-limited) into the
moderation queue staff already use for comments; a hidden statement leaves the map; the
admin is read-mostly and audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jiaoliuba.accounts.models import User
from jiaoliuba.core.models import AuditLog
from jiaoliuba.deliberation.consensus import services
from jiaoliuba.deliberation.models import (
    ConsensusEvent,
    ConsensusResult,
    Statement,
    StatementFlag,
)
from jiaoliuba.deliberation.tests.consensus_fixtures import seeds
from jiaoliuba.deliberation.tests.test_consensus_services import _vote_in_two_camps
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG_G1

pytestmark = pytest.mark.django_db

STAFF_BACKEND = "jiaoliuba.accounts.backends.StaffPasswordBackend"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=STAFF_BACKEND)
    return client


def _post(client, url, payload=None):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json")


def api_flags(client):
    answer = client.get("/api/v1/consensus/flags")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _statements_on_the_map(result: ConsensusResult) -> set[int]:
    data = result.data
    found = {row["statement"] for row in data["consensus"] + data.get("divisive", [])}
    for group in data["groups"]:
        found |= {row["statement"] for row in group["representative"]}
    return found


def test_a_report_reaches_the_queue_and_hiding_drops_it_from_the_map(
    question, staff, residents, make_resident, api_client
):
    people = [make_resident(JIEFANG_G1, name=f"食客{i}") for i in range(16)]
    statements = seeds(question)
    _vote_in_two_camps(question, people, statements)
    services.maps_refresh()
    everyone_agrees = statements[-1]
    before = ConsensusResult.objects.get(question=question)
    assert before.data["consensus"][0]["statement"] == everyone_agrees.pk

    # A resident reports it from the voting page, with a reason.
    resident = signed_in(residents[2])
    page = resident.get(f"/consensus/{question.pk}/")
    assert 'id="flag"' in page.content.decode()
    sent = resident.post(
        f"/consensus/statements/{everyone_agrees.pk}/flag/", {"reason": "含有<b>广告</b>"}
    )
    assert sent.status_code == 302
    everyone_agrees.refresh_from_db()
    assert everyone_agrees.open_flags == 1 and everyone_agrees.status == "visible"

    # Staff see it in the moderation queue beside the comments, with the reason escaped.
    desk = signed_in(staff)
    queue = desk.get("/workbench/deliberation/moderation/").content.decode()
    assert f'id="s{everyone_agrees.pk}"' in queue
    assert "含有&lt;b&gt;广告&lt;/b&gt;" in queue and "<b>广告" not in queue
    listed = api_flags(api_client(staff))
    assert [(row["statement"]["id"], row["reports"]) for row in listed] == [(everyone_agrees.pk, 1)]
    assert listed[0]["reasons"] == ["含有<b>广告</b>"]

    # Hidden from the queue: it leaves the queue, the voting and the map.
    hidden = desk.post(
        f"/workbench/consensus/statements/{everyone_agrees.pk}/hide/",
        {"reason": "广告", "next": "queue"},
    )
    assert hidden.status_code == 302 and hidden["Location"].endswith("/moderation/")
    everyone_agrees.refresh_from_db()
    assert (everyone_agrees.status, everyone_agrees.open_flags) == ("hidden", 0)
    assert not StatementFlag.objects.filter(resolved_at__isnull=True).exists()
    assert (
        f'id="s{everyone_agrees.pk}"'
        not in desk.get("/workbench/deliberation/moderation/").content.decode()
    )
    assert services.maps_refresh() == 1
    after = ConsensusResult.objects.get(question=question)
    assert everyone_agrees.pk in _statements_on_the_map(before)
    assert everyone_agrees.pk not in _statements_on_the_map(after)
    assert after.data["placed"] == 16  # the people stay; only the statement left


def test_report_rules_change_nothing_when_refused(
    question, staff, residents, make_resident, api_client, settings
):
    statements = seeds(question)
    own = services.statement_add(question=question, actor=residents[1], body="晚饭也要供应")
    api = api_client(residents[1])
    url = f"/api/v1/consensus/statements/{statements[0].pk}/flag"

    empty = _post(api, url, {"reason": "  "})
    assert empty.status_code == 400 and empty.json()["code"] == "reason_required"
    assert empty.json()["message_zh"] and empty.json()["message_en"]
    mine = _post(api, f"/api/v1/consensus/statements/{own.pk}/flag", {"reason": "写错了"})
    assert mine.status_code == 409 and mine.json()["code"] == "own_statement"
    assert not StatementFlag.objects.exists()

    assert _post(api, url, {"reason": "与议题无关"}).status_code == 200
    again = _post(api, url, {"reason": "与议题无关"})
    assert again.status_code == 409 and again.json()["code"] == "already_flagged"
    # Someone of another community does not see the statement at all.
    outsider = api_client(make_resident(JIANKANG_G1, name="外人"))
    assert _post(outsider, url, {"reason": "x"}).status_code == 404

    # The hourly allowance is shared with comment reports.
    settings.DELIBERATION_FLAGS_PER_HOUR = 3  # the refused duplicate above counted too
    second = _post(api, f"/api/v1/consensus/statements/{statements[1].pk}/flag", {"reason": "重复"})
    assert second.status_code == 200
    third = _post(api, f"/api/v1/consensus/statements/{statements[2].pk}/flag", {"reason": "重复"})
    assert third.status_code == 429
    assert StatementFlag.objects.count() == 2
    assert Statement.objects.get(pk=statements[2].pk).open_flags == 0


def test_dismissing_keeps_the_statement(question, staff, residents, api_client):
    statement = seeds(question)[0]
    services.statement_flag(statement=statement, actor=residents[1], reason="不文明")
    services.statement_flag(statement=statement, actor=residents[2], reason="不文明")
    url = f"/api/v1/consensus/statements/{statement.pk}/dismiss-flags"
    refused = _post(api_client(residents[3]), url)
    assert refused.status_code == 403
    assert Statement.objects.get(pk=statement.pk).open_flags == 2
    done = _post(api_client(staff), url)
    assert done.status_code == 200 and done.json()["status"] == "visible"
    assert Statement.objects.get(pk=statement.pk).open_flags == 0
    assert StatementFlag.objects.filter(resolved_at__isnull=False).count() == 2
    assert ConsensusEvent.objects.filter(question=question, kind="flags_dismissed").count() == 1
    assert _post(api_client(staff), url).json()["code"] == "no_flags"
    assert api_flags(api_client(staff)) == []


def test_admin_is_read_mostly_and_audited(question, staff, residents, meeting):
    admin = User.objects.create_superuser("root", "s3cret-pass-123")
    client = signed_in(admin)
    statement = seeds(question)[0]
    services.statement_flag(statement=statement, actor=residents[1], reason="不文明")
    for name in (
        "consensusquestion",
        "statement",
        "statementflag",
        "consensusresult",
        "meeting",
        "resolution",
    ):
        assert client.get(f"/admin/deliberation/{name}/").status_code == 200, name
        assert client.get(f"/admin/deliberation/{name}/add/").status_code == 403, name
    assert client.get(f"/admin/deliberation/meeting/{meeting.pk}/change/").status_code == 200
    # Statements are changed on the moderation queue only.
    url = f"/admin/deliberation/statement/{statement.pk}/change/"
    assert client.post(url, {"body": "改掉"}).status_code == 403
    assert Statement.objects.get(pk=statement.pk).body == statement.body
    # A question's description may be corrected; the audit log keeps before and after.
    url = f"/admin/deliberation/consensusquestion/{question.pk}/change/"
    assert client.get(url).status_code == 200
    form = {"description": "补充：食堂在社区服务中心一楼"}
    for prefix, rows in (
        ("statements", list(question.statements.order_by("created_at", "id"))),
        ("events", list(ConsensusEvent.objects.filter(question=question))),
    ):
        form |= {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(rows))}
        for i, row in enumerate(rows):
            form[f"{prefix}-{i}-id"] = str(row.pk)
            form[f"{prefix}-{i}-question"] = str(question.pk)
    changed = client.post(url, form)
    assert changed.status_code == 302, changed.content.decode()[:2000]
    question.refresh_from_db()
    assert question.description == "补充：食堂在社区服务中心一楼"
    assert question.prompt == "社区食堂应该怎样运营？"
    log = AuditLog.objects.filter(target_type__icontains="consensusquestion").latest("id")
    assert "食堂在社区服务中心一楼" in str(log.changes)
