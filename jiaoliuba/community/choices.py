from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeKind(models.TextChoices):
    POLICY = "policy", _("Policy notice")
    WEATHER = "weather", _("Flood or weather warning")
    MEETING = "meeting", _("Meeting invitation")
    OTHER = "other", pgettext_lazy("notice kind", "Other")


class NoticeScope(models.TextChoices):
    COMMUNITY = "community", _("The whole community")
    GRID = "grid", _("One grid")
    BUILDING = "building", _("One building")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReplyStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class WishStatus(models.TextChoices):
    POSTED = "posted", _("Waiting for a volunteer")
    CLAIMED = "claimed", _("Claimed by a volunteer")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", pgettext_lazy("wish status", "Withdrawn")


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Not adopted")


class StoryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    PUBLISHED = "published", pgettext_lazy("story status", "Published")
    REJECTED = "rejected", _("Not published")


class Subject(models.TextChoices):
    """What an event row is about."""

    NOTICE = "notice", _("Notice")
    REPLY = "reply", _("Reply")
    CHANNEL = "channel", _("Notice channel")
    WISH = "wish", _("Wish")
    IDEA = "idea", _("Idea")
    STORY = "story", _("Story")


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    VIDEO = "video", _("Video")


# The longest text a resident may write in one post.
TEXT_MAX = 2000
TITLE_MAX = 100
BUILDING_MAX = 40
STORY_FILES_MAX = 6
