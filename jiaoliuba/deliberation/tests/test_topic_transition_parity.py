"""The topic page offers a button iff the service accepts the action, and the API's
`actions` say the same.

For a topic in every stage and for everyone around it (proposer, a supporter, another
resident of the grid, the grid worker, community staff, the street), each action of
the transition table is tried on the real service inside a savepoint that is rolled
back, with valid input. The page's answer is read from its HTML (the form's address),
the API's from `GET /api/v1/deliberation/topics/{id}`: all three must agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.deliberation import services, transitions
from jiaoliuba.deliberation.choices import TopicStage
from jiaoliuba.deliberation.models import Comment, Topic
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _attempts(other: Topic) -> dict[str, Any]:
    """action → a call of its service with valid input (topic, comment, person)."""
    return {
        "support": lambda t, c, u: services.topic_support(topic=t, actor=u),
        "open_support": lambda t, c, u: services.topic_open_support(topic=t, actor=u),
        "agenda": lambda t, c, u: services.topic_put_on_agenda(topic=t, actor=u),
        "discuss": lambda t, c, u: services.topic_start_discussion(topic=t, actor=u),
        "start_voting": lambda t, c, u: services.topic_start_voting(topic=t, actor=u),
        "decide": lambda t, c, u: services.topic_decide(topic=t, actor=u, outcome="通过"),
        "withdraw": lambda t, c, u: services.topic_withdraw(topic=t, actor=u, reason="已解决"),
        "merge": lambda t, c, u: services.topic_merge(
            topic=t, actor=u, into=other, reason="同一事项"
        ),
        "comment": lambda t, c, u: services.topic_comment(topic=t, actor=u, body="同意"),
        "answer": lambda t, c, u: services.topic_comment(
            topic=t, actor=u, body="社区答复", official=True
        ),
        "flag": lambda t, c, u: services.comment_flag(comment=c, actor=u, reason="不文明"),
        "follow": lambda t, c, u: services.topic_follow(topic=t, actor=u),
        "hide": lambda t, c, u: services.comment_hide(comment=c, actor=u, reason="人身攻击"),
        "dismiss_flags": lambda t, c, u: services.comment_dismiss_flags(comment=c, actor=u),
    }


# action → what on the topic page shows that it is offered
PAGE_MARKS = {
    "support": "/do/support/",
    "open_support": "/do/open_support/",
    "agenda": "/do/agenda/",
    "discuss": "/do/discuss/",
    "start_voting": "/do/start_voting/",
    "decide": "/do/decide/",
    "withdraw": "/do/withdraw/",
    "merge": "/do/merge/",
    "answer": 'name="official"',
    "flag": "/do/flag/",
    "hide": "/do/hide/",
}


def _topic_at(stage: str, regions, proposer, supporter, writer, flagger, staff) -> tuple:
    topic = services.topic_propose(
        actor=proposer, title=f"议题 {stage}", body="正文", scope=regions[JIEFANG_G1]
    )
    comment = services.topic_comment(topic=topic, actor=writer, body="一条评论")
    services.comment_flag(comment=comment, actor=flagger, reason="看看")
    if stage != TopicStage.PROPOSED:
        services.topic_support(topic=topic, actor=supporter)
    path = {
        TopicStage.AGENDA: ["agenda"],
        TopicStage.DISCUSSING: ["agenda", "discuss"],
        TopicStage.VOTING: ["agenda", "start_voting"],
        TopicStage.DECIDED: ["agenda", "start_voting", "decide"],
        TopicStage.WITHDRAWN: ["withdraw"],
        TopicStage.MERGED: ["merge"],
    }.get(TopicStage(stage), [])
    return topic, comment, path


def _advance(topic: Topic, step: str, staff: Any, other: Topic) -> None:
    if step == "agenda":
        services.topic_put_on_agenda(topic=topic, actor=staff)
    elif step == "discuss":
        services.topic_start_discussion(topic=topic, actor=staff)
    elif step == "start_voting":
        services.topic_start_voting(topic=topic, actor=staff)
    elif step == "decide":
        services.topic_decide(topic=topic, actor=staff, outcome="通过")
    elif step == "withdraw":
        services.topic_withdraw(topic=topic, actor=staff, reason="撤回")
    else:
        services.topic_merge(topic=topic, actor=staff, into=other, reason="合并")


def test_page_api_and_services_agree(
    regions, make_resident, make_staff, api_client, login_client, settings
):
    # The rate limits have their own test; here one person proposes a topic per stage.
    settings.DELIBERATION_PROPOSALS_PER_DAY = 100
    proposer, supporter, member, writer, flagger = (
        make_resident(JIEFANG_G1, name=n) for n in ("提议人", "支持者", "邻居", "发言人", "举报人")
    )
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG)
    people = {
        "proposer": proposer,
        "supporter": supporter,
        "member": member,
        "grid_worker": make_staff(Role.GRID_WORKER, JIEFANG_G1),
        "community_staff": staff,
        "street": make_staff(Role.STREET_OFFICER, DONGFENG),
    }
    other = services.topic_create(
        actor=staff, title="另一个议题", body="正文", scope=regions[JIEFANG_G1]
    )
    attempts = _attempts(other)
    assert set(attempts) == set(transitions.TRANSITIONS), "every action of the table is tried"
    disagreements: list[str] = []
    tried = 0
    for stage in TopicStage.values:
        topic, comment, path = _topic_at(
            stage, regions, proposer, supporter, writer, flagger, staff
        )
        for step in path:
            _advance(topic, step, staff, other)
        topic.refresh_from_db()
        assert topic.stage == stage
        for who, person in people.items():
            api = set(
                api_client(person).get(f"/api/v1/deliberation/topics/{topic.pk}").json()["actions"]
            )
            html = login_client(person).get(f"/deliberation/{topic.pk}/").content.decode()
            for action, attempt in attempts.items():
                fresh_topic = Topic.objects.get(pk=topic.pk)
                fresh_comment = Comment.objects.get(pk=comment.pk)
                try:
                    with transaction.atomic():
                        attempt(fresh_topic, fresh_comment, person)
                        raise _Rollback
                except _Rollback:
                    accepted = True
                except ApplicationError:
                    accepted = False
                tried += 1
                offered = action in api
                if accepted != offered:
                    disagreements.append(
                        f"{stage}/{who}/{action}: service {accepted}, api {offered}"
                    )
                mark = PAGE_MARKS.get(action)
                if mark is not None and (mark in html) != offered:
                    disagreements.append(
                        f"{stage}/{who}/{action}: page {mark in html}, api {offered}"
                    )
    assert tried == len(TopicStage.values) * len(people) * len(attempts)
    assert not disagreements, "\n".join(disagreements)
