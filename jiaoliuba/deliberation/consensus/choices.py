from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open for statements and votes")
    CLOSED = "closed", _("Closed: no more votes")


class StatementStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Opinion(models.IntegerChoices):
    """The values of the vote matrix (compute.AGREE, PASS, DISAGREE)."""

    AGREE = 1, _("Agree")
    PASS = 0, _("Pass")
    DISAGREE = -1, _("Disagree")


OPINION_CODES = {"agree": Opinion.AGREE, "disagree": Opinion.DISAGREE, "pass": Opinion.PASS}


class ConsensusEventKind(models.TextChoices):
    OPENED = "opened", _("Question opened")
    STATEMENT_ADDED = "statement_added", _("Statement added")
    STATEMENT_HIDDEN = "statement_hidden", _("Statement hidden")
    FLAGS_DISMISSED = "flags_dismissed", _("Reports on a statement dismissed")
    CLOSED = "closed", _("Question closed")
    REOPENED = "reopened", _("Question reopened")
    COMPUTED = "computed", _("Map computed")
