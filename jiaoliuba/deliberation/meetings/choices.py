from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Deliberation meeting (议事会)")
    JOINT = "joint", _("Joint meeting of the five parties (联席会议)")
    EMERGENCY = "emergency", _("Emergency meeting (紧急议事会)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting", "Scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("meeting", "In session")
    CONCLUDED = "concluded", pgettext_lazy("meeting", "Concluded")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class Side(models.TextChoices):
    """The seed's five sides, then the outside parties (recorded by organisation and person)."""

    RESIDENT_REP = "resident_rep", _("Residents' representative (居民代表)")
    CADRE = "cadre", _("Community cadre (社区干部)")
    GRID_WORKER = "grid_worker", _("Grid worker (网格员)")
    VOLUNTEER = "volunteer", _("Volunteer (志愿者)")
    PROFESSIONAL = "professional", _("Professional (专业人士)")
    PROPERTY = "property", _("Property company (物业公司)")
    STREET = "street", _("Street office (街道)")
    DEPARTMENT = "department", _("Government department (职能部门)")


FIVE_SIDES = (Side.RESIDENT_REP, Side.CADRE, Side.GRID_WORKER, Side.VOLUNTEER, Side.PROFESSIONAL)
OUTSIDE_SIDES = (Side.PROPERTY, Side.STREET, Side.DEPARTMENT)


class CheckIn(models.TextChoices):
    QR = "qr", _("QR check-in")
    STAFF = "staff", _("Staff attendance list")


class StatementKind(models.TextChoices):
    POSITION = "position", _("Position")
    PROPOSAL = "proposal", _("Proposal")


class ResolutionStatus(models.TextChoices):
    ADOPTED = "adopted", _("Adopted by the meeting")
    VOTING = "voting", _("Waiting for the vote")
    PUBLICITY = "publicity", _("On public notice (公示)")
    EFFECTIVE = "effective", _("In effect, being carried out")
    RETURNED = "returned", _("Returned to the meeting")
    CLOSED = "closed", _("Closed with result and rating")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Answered, not upheld")


class CheckVerdict(models.TextChoices):
    GOOD = "good", _("As promised")
    ISSUES = "issues", _("Problems found")


class OutcomeLevel(models.TextChoices):
    """The satisfaction levels of the KPIs (满意, 基本满意, 不满意)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class MeetingEventKind(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting", "Scheduled")
    INVITED = "invited", _("Party invited")
    STARTED = "started", _("Meeting opened")
    CHECKED_IN = "checked_in", _("Checked in")
    ROUND = "round", _("Negotiation round")
    STATEMENT = "statement", _("Position or proposal recorded")
    MINUTES = "minutes", _("Minutes recorded")
    CONCLUDED = "concluded", pgettext_lazy("meeting", "Concluded")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")
    RESOLVED = "resolved", _("Resolution adopted")
    VOTE_LINKED = "vote_linked", _("Vote required")
    VOTE_RESULT = "vote_result", _("Vote result taken")
    PUBLISHED = "published", _("Published for public notice")
    OBJECTION = "objection", _("Objection raised")
    OBJECTION_ANSWERED = "objection_answered", _("Objection answered")
    EFFECTIVE = "effective", _("Took effect")
    RETURNED = "returned", _("Returned to the meeting")
    MILESTONE = "milestone", _("Milestone set")
    PROGRESS = "progress", _("Progress reported")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    SUPERVISOR = "supervisor", _("Supervision group member added")
    CHECK = "check", _("Supervision check")
    RATED = "rated", _("Outcome rated")
    CLOSED = "closed", _("Closed")


class MeetingActKind(models.TextChoices):
    """Participation acts (参与率) of meetings and supervision."""

    ATTEND = "attend", _("Attended a meeting")
    SUPERVISE = "supervise", _("Recorded a supervision check")
