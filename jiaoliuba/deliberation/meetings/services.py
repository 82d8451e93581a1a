"""Meetings: scheduling (or opening an emergency meeting from a red appeal in one step),
the parties and their invitations, the agenda, attendance (QR or the staff list), the
negotiation rounds, the minutes, and the meeting's own states. Every change checks the
table in meetings/transitions.py and appends a MeetingEvent; people hear of it on
commit. The resolutions are in meetings/resolutions.py."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import Priority
from jiaoliuba.appeals.routing import holders
from jiaoliuba.core import clock
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    lazy_format,
)
from jiaoliuba.deliberation import transitions as topic_transitions
from jiaoliuba.deliberation.choices import TopicStage
from jiaoliuba.deliberation.meetings import policies
from jiaoliuba.deliberation.meetings._common import (
    act,
    event,
    local,
    locked,
    move,
    require,
    tell,
    text,
)
from jiaoliuba.deliberation.meetings.choices import (
    CheckIn,
    MeetingActKind,
    MeetingEventKind,
    MeetingKind,
    MeetingStatus,
    Side,
    StatementKind,
)
from jiaoliuba.deliberation.meetings.transitions import MEETING
from jiaoliuba.deliberation.models import (
    AgendaItem,
    Meeting,
    MeetingParty,
    NegotiationRound,
    RoundStatement,
    Topic,
)
from jiaoliuba.deliberation.services.topics import topic_open_from_appeal, topic_start_discussion
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region

TITLE_MAX = 120
CHECKIN_SALT = "jiaoliuba.meetings.checkin"
MEETING_LEVELS = (RegionLevel.GRID, RegionLevel.COMMUNITY, RegionLevel.STREET)
NOT_YOURS = _("You may not do this to this meeting.")


def link(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/"


# --- scheduling ---------------------------------------------------------------------------


def meeting_schedule(
    *,
    actor: Any,
    title: str,
    kind: str,
    scope: Region | None,
    starts_at: dt.datetime | None,
    place: str = "",
    online: bool = False,
    ends_at: dt.datetime | None = None,
    topic: Topic | None = None,
    appeal: Any = None,
    agenda: Iterable[str] = (),
) -> Meeting:
    """A meeting at a place (free text until venues arrive) or online. The organiser sits
    at the table as a community cadre; the topic, if any, is the first agenda item."""
    title = text(
        title, _("Please give the meeting a title."), code="title_required", max_length=TITLE_MAX
    )
    if kind not in MeetingKind.values:
        raise ValidationFailed(_("Choose the kind of meeting."), code="kind_invalid")
    if scope is None or scope.level not in MEETING_LEVELS:
        raise ValidationFailed(
            _("Please choose where the meeting belongs: a grid, a community or a street."),
            code="scope_required",
        )
    if not policies.may_organise_at(actor, scope.path):
        raise PermissionDenied(
            _("You can organise meetings only inside your own scope."), code="scope_not_yours"
        )
    if starts_at is None:
        raise ValidationFailed(_("Please give the date and time."), code="time_required")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed(_("The meeting must end after it starts."), code="ends_before")
    place = str(place or "").strip()[:200]
    if not online and not place:
        raise ValidationFailed(
            _("Please give the place, or mark the meeting as online."), code="place_required"
        )
    items = [str(t).strip() for t in agenda if str(t).strip()]
    for item in items:
        if len(item) > TITLE_MAX:
            raise ValidationFailed(
                lazy_format(_("An agenda item is longer than %(n)s characters."), {"n": TITLE_MAX}),
                code="agenda_long",
            )
    now = clock.now()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=title,
            kind=kind,
            scope=scope,
            scope_path=scope.path,
            place=place,
            online=online,
            starts_at=starts_at,
            ends_at=ends_at,
            topic=topic,
            appeal=appeal,
            organiser=actor,
            checkin_secret=secrets.token_hex(16),
            created_at=now,
            updated_at=now,
        )
        position = 0
        if topic is not None:
            position += 1
            AgendaItem.objects.create(
                meeting=meeting, position=position, title=topic.title[:TITLE_MAX], topic=topic
            )
        for item in items:
            position += 1
            AgendaItem.objects.create(meeting=meeting, position=position, title=item)
        MeetingParty.objects.create(
            meeting=meeting,
            side=Side.CADRE,
            name=str(actor)[:60],
            role_note=str(_("Organiser")),
            user=actor,
            invited_at=now,
        )
        event(
            meeting,
            MeetingEventKind.SCHEDULED,
            actor=actor,
            to_status=MeetingStatus.SCHEDULED,
            data={"starts_at": starts_at.isoformat(), "place": place, "online": online},
        )
    return meeting


def meeting_open_emergency(
    *,
    actor: Any,
    appeal: Any,
    starts_at: dt.datetime | None = None,
    place: str = "",
    title: str = "",
) -> Meeting:
    """One step from a red appeal: a topic for the appeal's community (unless it has one),
    an emergency meeting on it this evening (or at `starts_at`), the organiser and the
    grid's workers invited. The caller fetched the appeal through access_appeal."""
    if appeal.priority != Priority.RED:
        raise ValidationFailed(
            _("An emergency meeting is opened from a red appeal."), code="not_red"
        )
    if not policies.may_organise_at(actor, appeal.community.path):
        raise PermissionDenied(
            _("You can organise meetings only inside your own scope."), code="scope_not_yours"
        )
    now = clock.now()
    if starts_at is None:
        # "当晚": 19:30 today, local time; if that has passed, in an hour.
        evening = clock.local_now().replace(hour=19, minute=30, second=0, microsecond=0)
        starts_at = evening if evening > clock.local_now() else now + dt.timedelta(hours=1)
    title = (title or "").strip() or str(
        _("Emergency meeting on appeal %(number)s") % {"number": appeal.number}
    )
    with transaction.atomic():
        topic = appeal.topics.exclude(stage__in=(TopicStage.WITHDRAWN, TopicStage.MERGED)).first()
        if topic is None:
            topic = topic_open_from_appeal(
                appeal=appeal,
                actor=actor,
                title=title[:TITLE_MAX],
                # Not the appeal's own words: a topic is read by the neighbours.
                body=str(
                    _("Opened from red appeal %(number)s for an emergency meeting.")
                    % {"number": appeal.number}
                ),
            )
        meeting = meeting_schedule(
            actor=actor,
            title=title[:TITLE_MAX],
            kind=MeetingKind.EMERGENCY,
            scope=appeal.community,
            starts_at=starts_at,
            place=place or str(_("Community Jiaoliuba")),
            topic=topic,
            appeal=appeal,
        )
        grid = getattr(appeal, "grid", None)
        for worker in holders(Role.GRID_WORKER, grid) if grid is not None else []:
            meeting_add_party(meeting=meeting, actor=actor, side=Side.GRID_WORKER, user=worker)
    return meeting


# --- parties and agenda ---------------------------------------------------------------------


def meeting_add_party(
    *,
    meeting: Meeting,
    actor: Any,
    side: str,
    name: str = "",
    organisation: str = "",
    role_note: str = "",
    user: Any = None,
) -> MeetingParty:
    """Invite someone: a person with an account hears of it in their inbox; a person of an
    outside organisation (物业公司, 街道, 住建局 …) is recorded by organisation and name."""
    if side not in Side.values:
        raise ValidationFailed(_("Choose the party's side."), code="side_invalid")
    name = (name or (str(user) if user is not None else "")).strip()[:60]
    if not name:
        raise ValidationFailed(_("Please give the person's name."), code="name_required")
    organisation = (organisation or "").strip()[:120]
    if side in (Side.PROPERTY, Side.STREET, Side.DEPARTMENT) and not organisation:
        raise ValidationFailed(
            _("An outside party needs its organisation (e.g. the property company)."),
            code="organisation_required",
        )
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "invite", actor, NOT_YOURS)
        try:
            with transaction.atomic():
                party = MeetingParty.objects.create(
                    meeting=fresh,
                    side=side,
                    organisation=organisation,
                    name=name,
                    role_note=(role_note or "").strip()[:60],
                    user=user,
                    invited_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(_("This person is already invited."), code="already_invited") from None
        event(
            fresh,
            MeetingEventKind.INVITED,
            actor=actor,
            data={"party": party.pk, "side": side, "name": name, "organisation": organisation},
        )
        tell(
            [user],
            "invited",
            _("You are invited: %(title)s"),
            _("%(when)s at %(place)s."),
            link(fresh),
            title=fresh.title,
            when=local(fresh.starts_at),
            place=fresh.place or str(_("online")),
        )
    return party


def meeting_add_agenda_item(
    *, meeting: Meeting, actor: Any, title: str, topic: Topic | None = None
) -> AgendaItem:
    title = text(
        title or (topic.title if topic else ""),
        _("Please name the agenda item."),
        code="title_required",
        max_length=TITLE_MAX,
    )
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "agenda", actor, NOT_YOURS)
        last = AgendaItem.objects.filter(meeting=fresh).aggregate(n=Max("position"))["n"] or 0
        return AgendaItem.objects.create(meeting=fresh, position=last + 1, title=title, topic=topic)


# --- states --------------------------------------------------------------------------------


def _parties_users(meeting: Meeting) -> list[Any]:
    return [p.user for p in meeting.parties.select_related("user") if p.user is not None]


def meeting_start(*, meeting: Meeting, actor: Any) -> Meeting:
    """In session. A topic of the agenda that was waiting moves to discussion."""
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "start", actor, NOT_YOURS)
        fresh.status, fresh.started_at = MeetingStatus.IN_PROGRESS, clock.now()
        move(fresh, MeetingStatus.SCHEDULED, ("started_at",))
        event(
            fresh,
            MeetingEventKind.STARTED,
            actor=actor,
            from_status=MeetingStatus.SCHEDULED,
            to_status=MeetingStatus.IN_PROGRESS,
        )
        for item in fresh.agenda.select_related("topic").filter(topic__stage=TopicStage.AGENDA):
            topic = item.topic
            if topic is not None and topic_transitions.permits("discuss", actor, topic):
                topic_start_discussion(topic=topic, actor=actor)
    return fresh


def meeting_conclude(*, meeting: Meeting, actor: Any) -> Meeting:
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "conclude", actor, NOT_YOURS)
        fresh.status, fresh.concluded_at = MeetingStatus.CONCLUDED, clock.now()
        move(fresh, MeetingStatus.IN_PROGRESS, ("concluded_at",))
        event(
            fresh,
            MeetingEventKind.CONCLUDED,
            actor=actor,
            from_status=MeetingStatus.IN_PROGRESS,
            to_status=MeetingStatus.CONCLUDED,
        )
    return fresh


def meeting_cancel(*, meeting: Meeting, actor: Any, reason: str) -> Meeting:
    reason = text(reason, _("Please give a reason."), code="reason_required", max_length=300)
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "cancel", actor, NOT_YOURS)
        fresh.status, fresh.cancel_reason = MeetingStatus.CANCELLED, reason
        move(fresh, MeetingStatus.SCHEDULED, ("cancel_reason",))
        event(
            fresh,
            MeetingEventKind.CANCELLED,
            actor=actor,
            from_status=MeetingStatus.SCHEDULED,
            to_status=MeetingStatus.CANCELLED,
            message=reason,
        )
        tell(
            _parties_users(fresh),
            "cancelled",
            _("Meeting cancelled: %(title)s"),
            _("The organiser gave this reason: %(reason)s"),
            link(fresh),
            skip=actor,
            title=fresh.title,
            reason=reason,
        )
    return fresh


# --- attendance -----------------------------------------------------------------------------


def checkin_token(meeting: Meeting) -> str:
    return signing.Signer(salt=CHECKIN_SALT).sign(f"{meeting.pk}.{meeting.checkin_secret}")


def checkin_path(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/checkin/{checkin_token(meeting)}/"


def _token_valid(meeting: Meeting, token: str) -> bool:
    try:
        value = signing.Signer(salt=CHECKIN_SALT).unsign(token or "")
    except signing.BadSignature:
        return False
    return value == f"{meeting.pk}.{meeting.checkin_secret}"


def _attend(meeting: Meeting, party: MeetingParty, how: str, actor: Any) -> bool:
    """Mark a party present once; False when it already was."""
    now = clock.now()
    updated = MeetingParty.objects.filter(pk=party.pk, attended_at__isnull=True).update(
        attended_at=now, checkin=how
    )
    if not updated:
        return False
    party.attended_at, party.checkin = now, how
    event(meeting, MeetingEventKind.CHECKED_IN, actor=actor, data={"party": party.pk, "how": how})
    if party.user is not None:
        act(party.user, MeetingActKind.ATTEND, meeting)
        # 参与线下议事 +10 for a resident (staff attending as staff earn nothing).
        points_award(
            user=party.user, act=Act.MEETING_ATTENDED, source=f"deliberation.meeting:{meeting.pk}"
        )
    return True


def meeting_check_in(*, meeting: Meeting, actor: Any, token: str) -> MeetingParty:
    """The QR at the venue leads here with a signed token. An invited party is marked
    present; a resident of the area who came to listen is added as a residents' side."""
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        if not _token_valid(fresh, token):
            raise NotFound(
                _("This check-in code is not valid for this meeting."), code="bad_checkin"
            )
        MEETING.require(fresh, "check_in")
        if not MEETING.permits("check_in", actor, fresh):
            raise PermissionDenied(
                _("Only invited parties and residents of the area can check in."),
                code="not_invited",
            )
        if not MEETING.guard_allows("check_in", fresh):
            raise Conflict(
                _("Check-in opens two hours before the meeting."), code="checkin_not_open"
            )
        party = MeetingParty.objects.filter(meeting=fresh, user=actor).first()
        if party is None:
            party = MeetingParty.objects.create(
                meeting=fresh,
                side=Side.RESIDENT_REP,
                name=str(actor)[:60],
                role_note=str(_("Resident attending")),
                user=actor,
            )
        if not _attend(fresh, party, CheckIn.QR, actor):
            raise Conflict(_("You have already checked in."), code="already_checked_in")
    return party


def meeting_mark_attendance(*, meeting: Meeting, actor: Any, party: MeetingParty) -> bool:
    """The staff attendance list: for those without a phone, and outside parties."""
    if party.meeting_id != meeting.pk:
        raise NotFound(_("No such party at this meeting."), code="party_not_found")
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "attendance", actor, NOT_YOURS)
        return _attend(fresh, party, CheckIn.STAFF, actor)


# --- rounds and minutes ---------------------------------------------------------------------


def meeting_add_round(*, meeting: Meeting, actor: Any, summary: str = "") -> NegotiationRound:
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "round", actor, NOT_YOURS)
        number = (fresh.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        summary = (summary or "").strip()[:2000]
        rnd = NegotiationRound.objects.create(
            meeting=fresh, number=number, summary=summary, created_at=clock.now()
        )
        event(fresh, MeetingEventKind.ROUND, actor=actor, message=summary, data={"round": number})
    return rnd


def meeting_round_summary(*, round: NegotiationRound, actor: Any, summary: str) -> NegotiationRound:
    summary = text(
        summary, _("Please write the round's summary."), code="summary_required", max_length=2000
    )
    with transaction.atomic():
        fresh = locked(Meeting, round.meeting_id)
        require(MEETING, fresh, "round", actor, NOT_YOURS)
        NegotiationRound.objects.filter(pk=round.pk).update(summary=summary)
        round.summary = summary
        event(
            fresh,
            MeetingEventKind.ROUND,
            actor=actor,
            message=summary,
            data={"round": round.number, "summary": True},
        )
    return round


def meeting_add_statement(
    *, round: NegotiationRound, actor: Any, party: MeetingParty, kind: str, text_: str
) -> RoundStatement:
    """A party's position or proposal in a round, written down by the minute-taker."""
    if kind not in StatementKind.values:
        raise ValidationFailed(_("Choose position or proposal."), code="kind_invalid")
    if party.meeting_id != round.meeting_id:
        raise NotFound(_("No such party at this meeting."), code="party_not_found")
    body = text(
        text_, _("Please write what the party said."), code="text_required", max_length=2000
    )
    with transaction.atomic():
        fresh = locked(Meeting, round.meeting_id)
        require(MEETING, fresh, "statement", actor, NOT_YOURS)
        statement = RoundStatement.objects.create(
            round=round, party=party, kind=kind, text=body, created_by=actor, created_at=clock.now()
        )
        event(
            fresh,
            MeetingEventKind.STATEMENT,
            actor=actor,
            data={"round": round.number, "party": party.pk, "kind": kind},
        )
    return statement


def meeting_record_minutes(*, meeting: Meeting, actor: Any, minutes: str) -> Meeting:
    minutes = text(
        minutes, _("Please write the minutes."), code="minutes_required", max_length=20000
    )
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "minutes", actor, NOT_YOURS)
        Meeting.objects.filter(pk=fresh.pk).update(minutes=minutes, updated_at=clock.now())
        fresh.minutes = minutes
        event(fresh, MeetingEventKind.MINUTES, actor=actor, data={"length": len(minutes)})
    return fresh
