"""Writes of the community app: notice channels, notices, replies and read receipts
(notices.py); the wish wall, the 金点子 board and stories (culture.py)."""

from jiaoliuba.community.services.culture import (
    idea_adopt,
    idea_consent,
    idea_decline,
    idea_submit,
    story_publish,
    story_reject,
    story_submit,
    wish_claim,
    wish_fulfil,
    wish_post,
    wish_withdraw,
)
from jiaoliuba.community.services.notices import (
    channel_ensure,
    channel_webhook_set,
    notice_create,
    notice_publish,
    notice_read,
    notice_withdraw,
    reply_flag,
    reply_hide,
    reply_post,
)

__all__ = [
    "channel_ensure",
    "channel_webhook_set",
    "idea_adopt",
    "idea_consent",
    "idea_decline",
    "idea_submit",
    "notice_create",
    "notice_publish",
    "notice_read",
    "notice_withdraw",
    "reply_flag",
    "reply_hide",
    "reply_post",
    "story_publish",
    "story_reject",
    "story_submit",
    "wish_claim",
    "wish_fulfil",
    "wish_post",
    "wish_withdraw",
]
