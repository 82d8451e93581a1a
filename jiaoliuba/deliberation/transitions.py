"""The one table of what may be done to a topic: action → (from stages, to stage,
policy, guard). The services enforce it (`require`, `permits`); the topic page and the
API's `actions` derive their buttons from it (`offered`), so a button on the page is
an action the service takes. A stage or a rule changes here, nowhere else.

The votes call `topic_start_voting` and `topic_decide`; both are rows of this table."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.transitions import Table, transition
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.choices import OPEN_STAGES, TopicSource, TopicStage
from jiaoliuba.deliberation.models import Topic

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


_t = transition


TRANSITIONS: Table = Table(
    (
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
    ),
    state="stage",
    wrong_state=_("This cannot be done while the topic is “%(stage)s”."),
)


require = TRANSITIONS.require
check = TRANSITIONS.check
guard_allows = TRANSITIONS.guard_allows
permits = TRANSITIONS.permits
offered = TRANSITIONS.offered
