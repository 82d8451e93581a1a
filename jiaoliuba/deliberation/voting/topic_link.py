"""What a vote tells the rest of deliberation: its topic moves to voting when it opens and
is decided when the last vote on it closes (through the topics' own services, in the
vote's transaction), and the organiser hears of the result."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.choices import TopicStage
from jiaoliuba.deliberation.models import Vote
from jiaoliuba.deliberation.services.topics import topic_decide, topic_start_voting
from jiaoliuba.deliberation.voting.choices import VoteStatus
from jiaoliuba.deliberation.voting.text import _fmt
from jiaoliuba.notifications.services import notify


def notify_organiser(vote: Vote, kind: str, title: Any) -> None:

    if vote.created_by is None:
        return
    notify(
        recipients=[vote.created_by],
        kind=f"vote.{kind}",
        title=str(title),
        body=vote.title,
        link=f"/workbench/votes/{vote.pk}/",
        # Staff learn of a count by e-mail too, where their account has an address.
        channels=("email",),
        payload={"vote": vote.pk, "status": vote.status},
    )


def topic_to_voting(vote: Vote, actor: Any) -> None:
    """A vote on a topic on the agenda or under discussion moves the topic to voting, in
    the same transaction (the topic's own service and event)."""

    topic = vote.topic
    if topic is not None and topic.stage in (TopicStage.AGENDA, TopicStage.DISCUSSING):
        topic_start_voting(topic=topic, actor=actor)


def topic_decided(vote: Vote, actor: Any) -> None:
    """The last vote on a topic to close decides it, with the result as the outcome."""

    topic = vote.topic
    if topic is None or topic.stage != TopicStage.VOTING:
        return
    if Vote.objects.filter(topic=topic, status=VoteStatus.OPEN).exclude(pk=vote.pk).exists():
        return
    topic_decide(topic=topic, actor=actor, outcome=outcome_text(vote))


def outcome_text(vote: Vote) -> str:
    """The result in one line, in the site's language (residents read Chinese)."""

    result = vote.result
    with translation.override(settings.LANGUAGE_CODE):
        counts = "，".join(f"{o['label']} {o['count']}" for o in result.get("options", []))
        line = str(_fmt(_("Vote “%(title)s”: %(counts)s."), title=vote.title, counts=counts))
        owner = result.get("owner")
        if owner is not None:
            verdict = (
                _("Passed by the legal majorities.")
                if owner["passed"]
                else _("Not passed under the legal rules.")
            )
            line = f"{line} {verdict}"
    return line
