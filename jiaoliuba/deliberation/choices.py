from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicSource(models.TextChoices):
    """The seed's three ways a topic arrives."""

    RESIDENT = "resident", _("Proposed by residents (居民点单)")
    COMMUNITY = "community", _("Set by the community (社区派单)")
    ASSIGNED = "assigned", _("Assigned from above (上级交办)")


class TopicStage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COLLECTING = "collecting", _("Collecting support")
    AGENDA = "agenda", _("On the agenda")
    DISCUSSING = "discussing", _("Under discussion")
    VOTING = "voting", _("Voting")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


OPEN_STAGES = (
    TopicStage.PROPOSED,
    TopicStage.COLLECTING,
    TopicStage.AGENDA,
    TopicStage.DISCUSSING,
    TopicStage.VOTING,
)

# Stages in which people may still talk, support or follow a topic up to a decision.
DISCUSSION_STAGES = OPEN_STAGES


class TopicEventKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CREATED = "created", _("Created by staff")
    ASSIGNED = "assigned", _("Assigned from above")
    SUPPORTED = "supported", _("Supported")
    COLLECTING = "collecting", _("Collecting support")
    AGENDA = "agenda", _("Put on the agenda")
    THRESHOLD = "threshold", _("Reached the support threshold")
    DISCUSSING = "discussing", _("Discussion opened")
    VOTING = "voting", _("Voting opened")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another topic")
    ANSWERED = "answered", _("Official answer")
    COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")
    FLAG_DISMISSED = "flag_dismissed", _("Flags dismissed")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class ActKind(models.TextChoices):
    """What counts as taking part (参与率)."""

    PROPOSE = "propose", _("Proposed a topic")
    SUPPORT = "support", _("Supported a topic")
    COMMENT = "comment", _("Commented")
    CONSENSUS = "consensus", _("Took part in a consensus map")
