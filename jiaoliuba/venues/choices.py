"""The vocabulary of venues: zones, monthly themes, the rota and the visit log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The model's standard size of a venue (the seed: 面积不小于30平方米). Smaller venues
# are registered with a warning, not refused: 解放路社区's converted kiosk has 25 m².
STANDARD_AREA_M2 = 30


class Zone(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion zone")
    MEDIATION = "mediation", _("Mediation zone")
    SERVICE = "service", _("Service zone")
    DISPLAY = "display", _("Display zone")


class ThemeKind(models.TextChoices):
    NEIGHBOUR_FESTIVAL = "neighbour_festival", _("Neighbourhood festival")
    PROPERTY_FACE_TO_FACE = "property_face_to_face", _("Face to face with the property company")
    LEGAL_DAY = "legal_day", _("Legal advice day")
    OTHER = "other", _("Other theme")


class DutyRole(models.TextChoices):
    STAFF = "staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    VOLUNTEER = "volunteer", _("Volunteer")


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VisitOutcome(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion collected")
    SOLVED = "solved", _("Problem solved on the spot")
    MEDIATION = "mediation", _("Mediation held")
    REFERRED = "referred", _("Problem referred for handling")


# Outcomes that leave work to do: they may become an appeal in one step.
APPEALABLE_OUTCOMES = (VisitOutcome.SUGGESTION, VisitOutcome.REFERRED)


class VisitStatus(models.TextChoices):
    LOGGED = "logged", _("Logged")
    APPEALED = "appealed", _("Turned into an appeal")


class ActKind(models.TextChoices):
    VISIT = "visit", _("Visited the venue")
    VOLUNTEER_SHIFT = "volunteer_shift", _("Served a volunteer shift")


class EventKind(models.TextChoices):
    VENUE_CREATED = "venue_created", _("Venue registered")
    VENUE_UPDATED = "venue_updated", _("Venue updated")
    PHOTO_ADDED = "photo_added", _("Photo added")
    HOURS_SET = "hours_set", _("Opening hours set")
    CLOSURE_ADDED = "closure_added", _("Closure added")
    CLOSURE_REMOVED = "closure_removed", _("Closure removed")
    THEME_SET = "theme_set", _("Monthly theme set")
    SHIFT_CREATED = "shift_created", _("Shift planned")
    SHIFT_COMPLETED = "shift_completed", _("Shift completed")
    SHIFT_MISSED = "shift_missed", _("Shift missed")
    SHIFT_CANCELLED = "shift_cancelled", _("Shift cancelled")
    SWAP_REQUESTED = "swap_requested", _("Swap requested")
    SWAP_APPROVED = "swap_approved", _("Swap approved")
    SWAP_REJECTED = "swap_rejected", _("Swap rejected")
    SWAP_WITHDRAWN = "swap_withdrawn", _("Swap withdrawn")
    VISIT_LOGGED = "visit_logged", _("Visit logged")
    VISIT_APPEALED = "visit_appealed", _("Visit turned into an appeal")
