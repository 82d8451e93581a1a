"""The one table of what may be done to a topic: action → (from stages, to stage,
policy, guard). The services enforce it (`require`, `permits`); the topic page and the
API's `actions` derive their buttons from it (`offered`), so a button on the page is
an action the service takes. A stage or a rule changes here, nowhere else.

The votes call `topic_start_voting` and `topic_decide`; both are rows of this table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import Conflict
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.choices import OPEN_STAGES, TopicSource, TopicStage
from jiaoliuba.deliberation.models import Topic

Policy = Callable[[Any, Topic], bool]

ANY_STAGE: tuple[str, ...] = tuple(TopicStage.values)
BEFORE_AGENDA = (TopicStage.PROPOSED, TopicStage.COLLECTING)


def _member(user: Any, topic: Topic) -> bool:
    return policies.is_member(user, topic)


def _new_supporter(user: Any, topic: Topic) -> bool:
    return policies.is_member(user, topic) and not policies.has_supported(user, topic)


def _manage(user: Any, topic: Topic) -> bool:
    return policies.may_manage(user, topic)


def _view(user: Any, topic: Topic) -> bool:
    return policies.may_view(user, topic)


def _talk(user: Any, topic: Topic) -> bool:
    return policies.is_member(user, topic) or policies.staff_sees(user, topic)


def _staff_sees(user: Any, topic: Topic) -> bool:
    return policies.staff_sees(user, topic)


def _proposer_or_manager(user: Any, topic: Topic) -> bool:
    is_proposer = topic.proposer_id is not None and topic.proposer_id == getattr(user, "pk", None)
    return is_proposer or policies.may_manage(user, topic)


def _from_residents(topic: Topic) -> bool:
    return topic.source == TopicSource.RESIDENT


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    # The stage afterwards; None when it stays (a support may also move the topic on:
    # see topic_support).
    target: str | None
    policy: Policy
    guard: Callable[[Topic], bool] | None = None

    def stage_allows(self, stage: str) -> bool:
        return stage in self.sources

    def offered(self, user: Any, topic: Topic) -> bool:
        return (
            self.stage_allows(topic.stage)
            and (self.guard is None or self.guard(topic))
            and self.policy(user, topic)
        )


def _t(
    action: str,
    sources: Iterable[str],
    target: str | None,
    policy: Policy,
    guard: Callable[[Topic], bool] | None = None,
) -> Transition:
    return Transition(action, tuple(sources), target, policy, guard)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        # 居民点单: residents of the scope back a proposal until it reaches the threshold.
        _t("support", BEFORE_AGENDA, None, _new_supporter, _from_residents),
        _t("open_support", (TopicStage.PROPOSED,), TopicStage.COLLECTING, _manage),
        _t("agenda", BEFORE_AGENDA, TopicStage.AGENDA, _manage),
        _t("discuss", (TopicStage.AGENDA,), TopicStage.DISCUSSING, _manage),
        _t("start_voting", (TopicStage.AGENDA, TopicStage.DISCUSSING), TopicStage.VOTING, _manage),
        _t("decide", (TopicStage.VOTING,), TopicStage.DECIDED, _manage),
        _t("withdraw", OPEN_STAGES, TopicStage.WITHDRAWN, _proposer_or_manager),
        _t("merge", OPEN_STAGES, TopicStage.MERGED, _manage),
        # discussion
        _t("comment", OPEN_STAGES, None, _talk),
        _t("answer", OPEN_STAGES, None, _staff_sees),
        _t("flag", ANY_STAGE, None, _view),
        _t("follow", ANY_STAGE, None, _view),
        # moderation: a hidden comment stays hidden after the topic is closed, too
        _t("hide", ANY_STAGE, None, _manage),
        _t("dismiss_flags", ANY_STAGE, None, _manage),
    )
}


def require(topic: Topic, action: str) -> None:
    """The one stage check of the services: a wrong stage is a 409 with its name."""
    if not TRANSITIONS[action].stage_allows(topic.stage):
        raise Conflict(
            _("This cannot be done while the topic is “%(stage)s”.")
            % {"stage": topic.get_stage_display()},
            code="wrong_stage",
        )


def guard_allows(action: str, topic: Topic) -> bool:
    guard = TRANSITIONS[action].guard
    return guard is None or guard(topic)


def permits(action: str, user: Any, topic: Topic) -> bool:
    return TRANSITIONS[action].policy(user, topic)


def offered(user: Any, topic: Topic, actions: Iterable[str] | None = None) -> dict[str, bool]:
    names = TRANSITIONS if actions is None else actions
    return {name: TRANSITIONS[name].offered(user, topic) for name in names}
