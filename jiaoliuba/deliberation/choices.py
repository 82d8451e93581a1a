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
