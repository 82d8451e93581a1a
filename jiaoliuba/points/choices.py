from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    SPEND = "spend", _("Spent")
    REFUND = "refund", _("Refunded")
    ADJUST = "adjust", _("Adjusted by staff")
    EXPIRE = "expire", _("Expired")


# Kinds that add points; the others take them away (an adjustment may go either way).
CREDIT_KINDS = frozenset({EntryKind.EARN, EntryKind.REFUND})


class Act(models.TextChoices):
    """Acts that earn points. The seed's amounts are the rules' defaults (DEFAULT_RULES)."""

    MEETING_ATTENDED = "meeting_attended", _("Took part in a deliberation meeting offline")
    SUGGESTION_ONLINE = "suggestion_online", _("Made a valid suggestion online")
    VOLUNTEER_SHIFT = "volunteer_shift", _("Served as a volunteer")
    MEDIATION_AGREED = "mediation_agreed", _("Mediated a dispute to agreement")
    VOTE_CAST = "vote_cast", _("Voted")
    BOOKING_ATTENDED = "booking_attended", _("Attended a booked service")
    SUGGESTION_ADOPTED = "suggestion_adopted", _("A suggestion was adopted")
    APPEAL_USEFUL = "appeal_useful", _("An appeal was confirmed useful")


# act: (points, daily cap, monthly cap, needs staff confirmation). The first four amounts
# are the seed's (参与线下议事 +10, 线上提出有效建议 +5, 担任志愿者 +20, 调解纠纷成功 +30), and
# 张阿姨's adopted suggestion earned 50; the rest are modest starting values for staff to edit.
DEFAULT_RULES: dict[str, tuple[int, int | None, int | None, bool]] = {
    Act.MEETING_ATTENDED: (10, 20, 100, False),
    Act.SUGGESTION_ONLINE: (5, 10, 50, False),
    Act.VOLUNTEER_SHIFT: (20, 40, 200, False),
    Act.MEDIATION_AGREED: (30, 60, 300, False),
    Act.VOTE_CAST: (2, 10, 40, False),
    Act.BOOKING_ATTENDED: (3, 6, 30, False),
    # Confirmed by staff, never by its author (services.points_award refuses self-confirmation).
    Act.SUGGESTION_ADOPTED: (50, None, 200, True),
    Act.APPEAL_USEFUL: (5, 5, 30, True),
}


# Acts whose callers always name the staff member who confirmed them (points_award's
# confirmed_by): only these may be made to need confirmation. The others are credited by
# the system as they happen (a vote, a check-in), so a rule demanding a confirmer would
# make every such act fail.
CONFIRMABLE_ACTS = frozenset({Act.SUGGESTION_ADOPTED, Act.APPEAL_USEFUL})


class RedemptionStatus(models.TextChoices):
    PLACED = "placed", _("Waiting for pickup")
    FULFILLED = "fulfilled", _("Picked up")
    CANCELLED = "cancelled", _("Cancelled, points refunded")


class RedemptionEventKind(models.TextChoices):
    PLACED = "placed", _("Placed")
    FULFILLED = "fulfilled", _("Picked up")
    CANCELLED = "cancelled", _("Cancelled")


class HonourKind(models.TextChoices):
    """The seed's quarterly honours, each earned by its own kind of taking part."""

    GOOD_VOICE = "good_voice", _("Good voice of the community")
    GOVERNANCE_STAR = "governance_star", _("Governance star")
    BEST_VOLUNTEER = "best_volunteer", _("Best volunteer")


HONOUR_ACTS: dict[str, tuple[str, ...]] = {
    HonourKind.GOOD_VOICE: (Act.SUGGESTION_ONLINE, Act.SUGGESTION_ADOPTED, Act.APPEAL_USEFUL),
    HonourKind.GOVERNANCE_STAR: (
        Act.MEETING_ATTENDED,
        Act.VOTE_CAST,
        Act.MEDIATION_AGREED,
        Act.BOOKING_ATTENDED,
    ),
    HonourKind.BEST_VOLUNTEER: (Act.VOLUNTEER_SHIFT,),
}


class HonourStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
