from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.triage.choices import Category, Priority

__all__ = [
    "AttachmentKind",
    "Category",
    "Channel",
    "ClosureReason",
    "EventKind",
    "ExtensionStatus",
    "MediationOutcome",
    "Priority",
    "RatingLevel",
    "Status",
]


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated, under review")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected as invalid")
    MERGED = "merged", _("Merged into another appeal")
    # The resident took it back before anyone accepted it. Final; counts in 受理量 only.
    WITHDRAWN = "withdrawn", _("Withdrawn by the resident")


# Waiting for or under handling: the clocks run and the sweep watches them.
OPEN_STATUSES = (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS)
HANDLING_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN)


class ClosureReason(models.TextChoices):
    RATED = "rated", _("Rated by the resident")
    NOT_RATED = "not_rated", _("Not rated within 7 days")
    REVIEWED = "reviewed", _("Closed after review")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("Service window")
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("Home visit")
    VENUE = "venue", _("At the Jiaoliuba venue")
    PATROL = "patrol", _("Grid patrol report")


STAFF_CHANNELS = (Channel.WINDOW, Channel.PHONE, Channel.VISIT, Channel.VENUE, Channel.PATROL)


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    AUDIO = "audio", _("Voice")
    VIDEO = "video", _("Video")


class RatingLevel(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    REFERRED = "referred", _("Referred elsewhere")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    TRIAGED = "triaged", _("Classified")
    TRIAGE_CORRECTED = "triage_corrected", _("Classification corrected")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    REPLIED = "replied", _("Reply to the resident")
    NOTE = "note", _("Internal note")
    PROGRESS = "progress", _("Progress")
    RETURNED = "returned", _("Returned to the dispatcher")
    ESCALATED = "escalated", _("Escalated")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected as invalid")
    MERGED = "merged", _("Merged")
    URGED = "urged", _("Reminder before the deadline")
    SUPERVISED = "supervised", _("Overdue: supervision")
    REPEAT_MARKED = "repeat_marked", _("Marked as repeat")
    SUBMITTER_REVEALED = "submitter_revealed", _("Anonymous submitter revealed")
    MEDIATION = "mediation", _("Mediation")
    WITHDRAWN = "withdrawn", _("Withdrawn by the resident")
    MATERIAL_ADDED = "material_added", _("Material added by the resident")


# What the resident sees on their timeline; everything else is internal.
RESIDENT_VISIBLE_EVENTS = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.DISPATCHED,
        EventKind.ACCEPTED,
        EventKind.REPLIED,
        EventKind.ESCALATED,
        EventKind.EXTENSION_APPROVED,
        EventKind.RESOLVED,
        EventKind.RATED,
        EventKind.REOPENED,
        EventKind.CLOSED,
        EventKind.REJECTED,
        EventKind.MERGED,
        EventKind.WITHDRAWN,
        EventKind.MATERIAL_ADDED,
    }
)
