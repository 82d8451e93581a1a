"""The words of 服务预约 and the expert pool (专家库)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceKind(models.TextChoices):
    LEGAL = "legal", _("Legal consultation")
    HEALTH = "health", _("Health")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    EDUCATION = "education", _("Education")
    ELDERLY = "elderly", _("Elderly care")
    CHILDCARE = "childcare", _("Childcare")
    ACTIVITY = "activity", _("Activity")


class ProviderKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional from the expert pool")
    VOLUNTEER = "volunteer", _("Volunteer")
    STAFF = "staff", _("Community staff")
    PARTNER = "partner", _("Partner organisation")


class Eligibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    VERIFIED = "verified", _("Verified residents")
    AGE_60 = "age60", _("Aged 60 and over")
    CHILD_WITH_GUARDIAN = "child", _("Children with a guardian")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class BookingStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


# A person holds at most one of these per session.
LIVE_STATUSES = (BookingStatus.RESERVED, BookingStatus.WAITLISTED)


class BookingEventKind(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    WAITLISTED = "waitlisted", _("Put on the waiting list")
    PROMOTED = "promoted", _("Promoted from the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REMINDED = "reminded", _("Reminded")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Marked as not come")
    RATED = "rated", _("Rated")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code at the venue")
    LIST = "list", _("Staff attendance list")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


SATISFIED_LEVELS = (Satisfaction.SATISFIED, Satisfaction.BASIC)


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class ActKind(models.TextChoices):
    BOOKED = "booked", _("Booked a service")
    ATTENDED = "attended", _("Attended a service")
    VOLUNTEERED = "volunteered", _("Provided a service as a volunteer")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ExpertRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the professional")
    ACCEPTED = "accepted", pgettext_lazy("expert request", "Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LIVE_REQUEST_STATUSES = (ExpertRequestStatus.REQUESTED, ExpertRequestStatus.ACCEPTED)


class ExpertRequestEventKind(models.TextChoices):
    REQUESTED = "requested", _("Asked the professional")
    ACCEPTED = "accepted", pgettext_lazy("expert request", "Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
