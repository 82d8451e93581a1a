from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VoteKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (at most k)")
    APPROVAL = "approval", _("Approve / oppose / abstain")


class Eligibility(models.TextChoices):
    PERSON = "person", _("Verified residents, one vote per person")
    HOUSEHOLD = "household", _("Verified residents, one vote per household")
    OWNERS = "owners", _("Owners (业主共同决定, by the unit register)")


class VoteStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("vote", "Draft")
    OPEN = "open", pgettext_lazy("vote", "Open")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("vote", "Cancelled")


class Channel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("vote", "Online")
    PAPER = "paper", pgettext_lazy("vote", "Paper ballot")


class OwnerMatter(models.TextChoices):
    """民法典 第二百七十八条 第一款, items 1–9. Items 6–8 need the special majority."""

    RULES = "1", _("(1) Rules of procedure of the owners' assembly")
    STATUTE = "2", _("(2) The management statute")
    COMMITTEE = "3", _("(3) Electing or replacing the owners' committee")
    MANAGER = "4", _("(4) Hiring or dismissing the property manager")
    USE_FUND = "5", _("(5) Using the maintenance fund")
    RAISE_FUND = "6", _("(6) Raising the maintenance fund")
    REBUILD = "7", _("(7) Rebuilding or reconstructing buildings and facilities")
    COMMON_USE = "8", _("(8) Changing the use of common parts or running a business on them")
    OTHER = "9", _("(9) Other major matters of common ownership and management")


# 第二百七十八条 第二款: items 6–8 pass with ≥ 3/4 of the participating area and persons.
SPECIAL_MATTERS = frozenset({OwnerMatter.RAISE_FUND, OwnerMatter.REBUILD, OwnerMatter.COMMON_USE})


class ApprovalChoice(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("vote", "Approve")
    OPPOSE = "oppose", pgettext_lazy("vote", "Oppose")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class VoteEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("vote", "Created")
    OPENED = "opened", pgettext_lazy("vote", "Opened")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("vote", "Cancelled")
    PAPER_ENTERED = "paper_entered", pgettext_lazy("vote", "Paper ballot entered")
    PAPER_VOTER = "paper_voter", pgettext_lazy("vote", "Paper voter recorded")
    CORRECTED = "corrected", pgettext_lazy("vote", "Paper ballot corrected")


# The register's key for the developer's unsold or undelivered units: one person (解释 第九条).
DEVELOPER_KEY = "developer"
