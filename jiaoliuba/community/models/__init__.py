from .culture import Idea, Story, StoryMedia, Wish
from .event import CommunityEvent
from .notice import Notice, NoticeChannel, NoticeReceipt, NoticeReply, ReplyFlag

__all__ = [
    "CommunityEvent",
    "Idea",
    "Notice",
    "NoticeChannel",
    "NoticeReceipt",
    "NoticeReply",
    "ReplyFlag",
    "Story",
    "StoryMedia",
    "Wish",
]
