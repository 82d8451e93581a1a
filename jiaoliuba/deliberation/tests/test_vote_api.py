"""The votes API end to end, and its place in the OpenAPI document."""

import json

from jiaoliuba.testing.fixtures import JIEFANG


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_vote_through_the_api(api_client, organiser, verified, regions):
    staff = api_client(organiser)
    created = post(
        staff,
        "/api/v1/votes",
        {
            "title": "停车难：夜间错峰停车方案",
            "scope": JIEFANG,
            "kind": "approval",
            "eligibility": "person",
            "hide_results_until_close": True,
        },
    )
    assert created.status_code == 201, created.content
    vote = created.json()
    assert [o["code"] for o in vote["options"]] == ["approve", "oppose", "abstain"]
    assert vote["actions"]["open"] is True
    vid = vote["id"]
    assert post(staff, f"/api/v1/votes/{vid}/open", {}).status_code == 200
    resident = api_client(verified(phone="13855550001"))
    seen = resident.get(f"/api/v1/votes/{vid}").json()
    assert seen["can_vote"] is True and seen["result"] is None
    assert post(resident, f"/api/v1/votes/{vid}/ballots", {"choices": [1]}).status_code == 201
    again = post(resident, f"/api/v1/votes/{vid}/ballots", {"choices": [2]})
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted" and again.json()["message_zh"]
    verified(phone="13855550002")
    paper = post(
        staff,
        f"/api/v1/votes/{vid}/paper",
        {"sheet_number": "7", "choices": [2], "phone": "13855550002"},
    )
    assert paper.status_code == 201, paper.content
    # A resident may not manage; the vote is out of their reach as a manager: 404.
    assert post(resident, f"/api/v1/votes/{vid}/close", {}).status_code == 404
    closed = post(staff, f"/api/v1/votes/{vid}/close", {}).json()
    assert closed["status"] == "closed"
    assert [o["count"] for o in closed["result"]["options"]] == [1, 1, 0]
    assert closed["result"]["by_channel"] == {"online": 1, "paper": 1}
    kinds = [e["kind"] for e in staff.get(f"/api/v1/votes/{vid}/events").json()]
    assert kinds == ["created", "opened", "paper_entered", "closed"]


def test_unit_register_import_reports_lines(api_client, organiser):
    staff = api_client(organiser)
    reg = post(staff, "/api/v1/unit-registers", {"name": "5号楼", "scope": JIEFANG}).json()
    bad = post(
        staff,
        f"/api/v1/unit-registers/{reg['id']}/import",
        {"csv": "楼栋,房号,专有面积,业主,手机号\n5,101,88,张三,13900000001\n5,102,x,李四,1\n"},
    )
    assert bad.status_code == 400
    assert bad.json()["detail"]["errors"][0]["line"] == 3
    good = post(
        staff,
        f"/api/v1/unit-registers/{reg['id']}/import",
        {"csv": "楼栋,房号,专有面积,业主,手机号\n5,101,88,张三,13900000001\n"},
    )
    assert good.json() == {"imported": 1}
    units = staff.get(f"/api/v1/unit-registers/{reg['id']}/units").json()
    assert units[0]["area"] == "88.00"


def test_every_vote_action_is_in_the_openapi(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/votes",
        "/api/v1/votes/{vote_id}/open",
        "/api/v1/votes/{vote_id}/close",
        "/api/v1/votes/{vote_id}/cancel",
        "/api/v1/votes/{vote_id}/ballots",
        "/api/v1/votes/{vote_id}/paper",
        "/api/v1/votes/{vote_id}/paper-voters",
        "/api/v1/votes/{vote_id}/paper/correct",
        "/api/v1/unit-registers/{register_id}/import",
    ):
        assert path in paths, path
