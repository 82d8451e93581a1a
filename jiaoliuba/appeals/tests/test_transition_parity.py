"""The appeal page offers a button iff the service accepts the action.

For an appeal in every status and for people in every post around it, the page is
rendered and each action is tried on the real service (inside a savepoint that is
rolled back), with valid input. A button on the page that the service then refuses
(a closed appeal offered "分类正确") or an action the service takes that the page
hides is a failure. The page's answer is read from the HTML (the form's address), the
API's from the `actions` of `GET /api/v1/appeals/{id}`: all three must agree."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import transaction

from jiaoliuba.accounts.choices import Role
from jiaoliuba.api.api import api
from jiaoliuba.appeals import actions, services, transitions, views
from jiaoliuba.appeals.choices import Priority, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db

CONTENT = "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效"


class _Rollback(Exception):
    pass


def _attempts(regions, earlier: Appeal) -> dict[str, Any]:
    """action → a call of its service with valid input; only who and when may differ."""
    community = regions[JIEFANG]
    return {
        "accept": lambda a, u: services.appeal_accept(appeal=a, actor=u),
        "reply": lambda a, u: services.appeal_reply(appeal=a, actor=u, message="已联系楼上住户"),
        "resolve": lambda a, u: services.appeal_resolve(appeal=a, actor=u, reply="已上门协调"),
        "return": lambda a, u: services.appeal_return(appeal=a, actor=u, reason="不属于本网格"),
        "escalate": lambda a, u: services.appeal_escalate(appeal=a, actor=u, reason="需上级协调"),
        "extension": lambda a, u: services.appeal_extension_request(
            appeal=a, actor=u, working_days=3, reason="需要等物业回复"
        ),
        "triage": lambda a, u: services.appeal_correct_triage(
            appeal=a,
            actor=u,
            priority=Priority.BLUE if a.priority != Priority.BLUE else Priority.YELLOW,
            category=a.category,
            reason="不紧急",
        ),
        "confirm_triage": lambda a, u: services.appeal_confirm_triage(appeal=a, actor=u),
        "dispatch": lambda a, u: services.appeal_dispatch(
            appeal=a, actor=u, region=community, role=Role.COMMUNITY_STAFF
        ),
        "reject": lambda a, u: services.appeal_reject(appeal=a, actor=u, reason="重复提交"),
        "merge": lambda a, u: services.appeal_merge(
            appeal=a,
            master=services.appeal_submit(
                submitter=None,
                intake=services.Intake(
                    content="小区门口路灯坏了一个多月", community=None, grid=a.grid
                ),
            )[0],
            actor=u,
        ),
        "reopen": lambda a, u: services.appeal_reopen(appeal=a, actor=u, reason="居民仍不满意"),
        "close": lambda a, u: services.appeal_close_after_review(
            appeal=a, actor=u, note="复核后办结"
        ),
        "note": lambda a, u: services.appeal_note(appeal=a, actor=u, message="内部备注"),
        "follow_up": lambda a, u: services.appeal_follow_up(
            appeal=a, actor=u, note="电话回访，居民满意", reached=True
        ),
        "mediation_start": lambda a, u: services.mediation_start(
            appeal=a,
            actor=u,
            mediator=u,
            parties=[("王先生", "楼上", "13800000011"), ("张女士", "楼下", "13800000012")],
        ),
        "urge": lambda a, u: services.appeal_urge(appeal=a, actor=u, note="请今天内处理"),
        "supervise": lambda a, u: services.appeal_supervise(appeal=a, actor=u, note="列入督办"),
        "mark_repeat": lambda a, u: services.appeal_mark_repeat(
            appeal=a, earlier=earlier, actor=u, note="同一件事"
        ),
        "unmark_repeat": lambda a, u: services.appeal_unmark_repeat(
            appeal=a, actor=u, reason="不是同一件事"
        ),
        "rate": lambda a, u: services.appeal_rate(
            appeal=a, actor=u, level=RatingLevel.SATISFIED, solved=True
        ),
        "withdraw": lambda a, u: services.appeal_withdraw(appeal=a, actor=u, reason=""),
        "add_material": lambda a, u: services.appeal_add_material(
            appeal=a, actor=u, text="补充一张照片的说明", files=[]
        ),
    }


# Where the page points each action's form.
FORM_PATHS = {
    "withdraw": "/appeals/{id}/withdraw/",
    "add_material": "/appeals/{id}/material/",
}


def _form_path(action: str, appeal_id: int) -> str:
    path = FORM_PATHS.get(action, "/appeals/{id}/do/" + action + "/").format(id=appeal_id)
    return f'action="{path}"'


def _accepted(attempt, appeal_id: int, user) -> bool:
    try:
        with transaction.atomic():
            attempt(Appeal.objects.get(pk=appeal_id), user)
            raise _Rollback
    except _Rollback:
        return True
    except ApplicationError:
        return False


@pytest.fixture
def appeals_by_status(submit, staff, resident):
    """One appeal in each status of the loop, all of the same resident; some left for
    review of their triage so that "分类正确" is at stake everywhere."""
    made: dict[str, Appeal] = {}
    # The earlier appeal the repeat marks point to; it precedes all the others.
    submit("去年冬天暖气不热，今年又开始了")
    made[Status.DISPATCHED] = submit()
    a = submit("小区垃圾桶满了没人清理，天热有异味")
    made[Status.SUBMITTED] = services.appeal_return(
        appeal=a, actor=staff["grid1"], reason="不属于本网格"
    )
    a = submit("楼道灯坏了，晚上很黑")
    made[Status.ACCEPTED] = services.appeal_accept(appeal=a, actor=staff["grid1"])
    # Yellow texts throughout, so that the grid worker holds them (the model decides).
    a = services.appeal_accept(
        appeal=submit("楼下商铺的空调外机晚上噪音很大"), actor=staff["grid1"]
    )
    made[Status.IN_PROGRESS] = services.appeal_reply(
        appeal=a, actor=staff["grid1"], message="已联系商铺"
    )
    for status, level in (
        (Status.RESOLVED, None),
        (Status.RATED, RatingLevel.UNSATISFIED),
        (Status.CLOSED, RatingLevel.SATISFIED),
    ):
        a = services.appeal_accept(appeal=submit(f"小区停车乱收费 {status}"), actor=staff["grid1"])
        a = services.appeal_resolve(appeal=a, actor=staff["grid1"], reply="已协调")
        if level:
            services.appeal_rate(appeal=a, actor=resident, level=level, solved=False)
        made[status] = a
    made[Status.REJECTED] = services.appeal_reject(
        appeal=submit("测试一下"), actor=staff["community"], reason="无效"
    )
    master = submit("电梯经常停运，老人上下楼困难")
    made[Status.MERGED] = services.appeal_merge(
        appeal=submit("电梯又坏了，老人下不了楼"), master=master, actor=staff["community"]
    )
    made[Status.WITHDRAWN] = services.appeal_withdraw(
        appeal=submit("家门口井盖松动"), actor=resident
    )
    for status, appeal in made.items():
        appeal.refresh_from_db()
        assert appeal.status == status, (status, appeal.status)
    Appeal.objects.filter(pk__in=[a.pk for a in made.values()]).update(triage_needs_review=True)
    return made


def test_every_button_on_the_page_is_an_action_the_service_takes(
    client, api_client, regions, staff, resident, submit, appeals_by_status
):
    earlier = Appeal.objects.order_by("received_at", "pk").first()
    attempts = _attempts(regions, earlier)
    people = {**staff, "resident": resident}
    api = {who: api_client(user) for who, user in people.items()}
    mismatches = []
    offered = Counter()
    for status, appeal in appeals_by_status.items():
        for who, user in people.items():
            client.force_login(user)
            response = client.get(f"/appeals/{appeal.pk}/")
            html = response.content.decode() if response.status_code == 200 else ""
            assert response.status_code in (200, 404), (status, who, response.status_code)
            answer = api[who].get(f"/api/v1/appeals/{appeal.pk}")
            in_api = set(answer.json()["actions"]) if answer.status_code == 200 else set()
            for action, attempt in attempts.items():
                on_page = _form_path(action, appeal.pk) in html
                by_service = _accepted(attempt, appeal.pk, user)
                offered[on_page] += 1
                if not on_page == by_service == (action in in_api):
                    mismatches.append((status, who, action, on_page, by_service, action in in_api))
    assert mismatches == [], "\n".join(map(str, mismatches))
    # The product of statuses × people × actions was tried, and both answers occurred.
    assert sum(offered.values()) == 10 * len(people) * len(attempts)
    assert offered[True] >= 40 and offered[False] >= 1000, offered


def test_a_closed_appeal_no_longer_offers_confirm_triage(client, staff, appeals_by_status):
    """The drift the table removed: the button showed, the service refused."""
    closed = appeals_by_status[Status.CLOSED]
    client.force_login(staff["secretary"])
    html = client.get(f"/appeals/{closed.pk}/").content.decode()
    assert f"/appeals/{closed.pk}/do/confirm_triage/" not in html
    open_one = appeals_by_status[Status.DISPATCHED]
    html = client.get(f"/appeals/{open_one.pk}/").content.decode()
    assert f"/appeals/{open_one.pk}/do/confirm_triage/" in html


def test_page_forms_and_api_routes_come_from_one_registry():
    paths = api.get_openapi_schema()["paths"]
    assert len(actions.REGISTRY) >= 14
    for name, action in actions.REGISTRY.items():
        assert name in transitions.TRANSITIONS, name
        assert name in views.ACTIONS, name
        assert "post" in paths[f"/api/v1/appeals/{{appeal_id}}/{action.api_path}"], name
        # Every field the service is given is one the page's form and the API's body send.
        schema = paths[f"/api/v1/appeals/{{appeal_id}}/{action.api_path}"]["post"]
        body = schema.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        props = (
            api.get_openapi_schema()["components"]["schemas"][ref.split("/")[-1]]["properties"]
            if ref
            else {}
        )
        assert set(props) == set(action.fields), (name, set(props), action.fields)
