"""Deliberation (议事). Each change of a topic is one function in this package: it
checks the transition table (`jiaoliuba.deliberation.transitions`) and the policy,
moves the stage by compare-and-set, appends a TopicEvent and tells people once the
transaction commits. Callers use the package's names:
`from jiaoliuba.deliberation import services; services.topic_support(...)`."""

from jiaoliuba.deliberation.services._common import check_words
from jiaoliuba.deliberation.services.discussion import (
    topic_comment,
    topic_follow,
    topic_unfollow,
)
from jiaoliuba.deliberation.services.moderation import (
    comment_dismiss_flags,
    comment_flag,
    comment_hide,
)
from jiaoliuba.deliberation.services.topics import (
    building_of,
    threshold_for,
    topic_create,
    topic_decide,
    topic_merge,
    topic_open_from_appeal,
    topic_open_support,
    topic_propose,
    topic_put_on_agenda,
    topic_start_discussion,
    topic_start_voting,
    topic_support,
    topic_withdraw,
)

__all__ = [
    "building_of",
    "check_words",
    "comment_dismiss_flags",
    "comment_flag",
    "comment_hide",
    "threshold_for",
    "topic_comment",
    "topic_create",
    "topic_decide",
    "topic_follow",
    "topic_merge",
    "topic_open_from_appeal",
    "topic_open_support",
    "topic_propose",
    "topic_put_on_agenda",
    "topic_start_discussion",
    "topic_start_voting",
    "topic_support",
    "topic_unfollow",
    "topic_withdraw",
]
