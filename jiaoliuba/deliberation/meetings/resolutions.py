"""Resolutions (决议): adopted at a meeting with who agreed, the vote they may need, 公示
for N calendar days with objections answered, then in effect (or back to the meeting),
milestones and progress, the supervision group's checks, the residents' rating, closing.
Every change checks RESOLUTION in meetings/transitions.py and appends a MeetingEvent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals.choices import AttachmentKind
from jiaoliuba.appeals.uploads import clean_upload
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, ValidationFailed, lazy_format
from jiaoliuba.deliberation.meetings import policies
from jiaoliuba.deliberation.meetings._common import act, event, locked, move, require, tell, text
from jiaoliuba.deliberation.meetings.choices import (
    CheckVerdict,
    MeetingActKind,
    MeetingEventKind,
    ObjectionStatus,
    OutcomeLevel,
    ResolutionStatus,
)
from jiaoliuba.deliberation.meetings.transitions import MEETING, RESOLUTION
from jiaoliuba.deliberation.models import (
    Meeting,
    MeetingParty,
    Milestone,
    Objection,
    OutcomeRating,
    ProgressPhoto,
    ProgressUpdate,
    Resolution,
    SupervisionCheck,
    Supervisor,
    Topic,
    UnitRegister,
    Vote,
)
from jiaoliuba.deliberation.selectors import followers
from jiaoliuba.deliberation.services._common import limit
from jiaoliuba.deliberation.voting import services as vote_services
from jiaoliuba.deliberation.voting.choices import Eligibility, VoteStatus
from jiaoliuba.deliberation.voting.services import VoteSpec

R = ResolutionStatus
NOT_YOURS = _("You may not do this to this resolution.")
MAX_PHOTOS = 9


def link(resolution: Resolution) -> str:
    return f"/resolutions/{resolution.pk}/"


def publicity_days_default() -> int:
    return int(getattr(settings, "MEETING_PUBLICITY_DAYS", 7))


def publicity_end(published_at: dt.datetime, days: int) -> dt.datetime:
    """Calendar days, not working days: the day of publication does not count, and the
    period ends at 23:59:59 Asia/Shanghai on the Nth day after it."""
    day = published_at.astimezone(clock.SHANGHAI).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=clock.SHANGHAI)


def _people(resolution: Resolution) -> list[Any]:
    """Who hears of a resolution's turns: the organiser, the parties with an account, the
    topic's followers and the supervision group."""
    meeting = resolution.meeting
    people: list[Any] = [meeting.organiser]
    people += [p.user for p in meeting.parties.select_related("user") if p.user is not None]
    if resolution.topic is not None:
        people += followers(topic=resolution.topic)
    people += [s.user for s in resolution.supervisors.select_related("user")]
    return people


def _locked(resolution: Resolution) -> Resolution:
    return (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting", "vote", "topic")
        .get(pk=resolution.pk)
    )


def _check(resolution: Resolution, action: str, actor: Any, guard_message: Any = None) -> None:
    require(RESOLUTION, resolution, action, actor, NOT_YOURS)
    if guard_message is not None and not RESOLUTION.guard_allows(action, resolution):
        raise Conflict(guard_message, code=f"{action}_not_yet")


def _turn(
    resolution: Resolution,
    actor: Any,
    old: str,
    kind: str,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict | None = None,
) -> None:
    move(resolution, old, fields)
    event(
        resolution.meeting,
        kind,
        actor=actor,
        resolution=resolution,
        from_status=old,
        to_status=resolution.status,
        message=message,
        data=data,
    )


# --- adopting, the vote, 公示 ----------------------------------------------------------------


def resolution_adopt(
    *,
    meeting: Meeting,
    actor: Any,
    title: str,
    text_: str,
    agreed: Sequence[MeetingParty] = (),
    requires_vote: bool = False,
    topic: Topic | None = None,
    publicity_days: int | None = None,
) -> Resolution:
    """The meeting's resolution, with the parties that agreed to it."""
    title = text(
        title, _("Please give the resolution a title."), code="title_required", max_length=120
    )
    body = text(text_, _("Please write the resolution."), code="text_required")
    days = publicity_days_default() if publicity_days is None else int(publicity_days)
    if not 1 <= days <= 60:
        raise ValidationFailed(_("Public notice lasts 1 to 60 days."), code="publicity_days")
    if any(p.meeting_id != meeting.pk for p in agreed):
        raise NotFound(_("No such party at this meeting."), code="party_not_found")
    topic = topic or meeting.topic
    now = clock.now()
    with transaction.atomic():
        fresh = locked(Meeting, meeting.pk)
        require(MEETING, fresh, "resolve", actor, _("You may not do this to this meeting."))
        resolution = Resolution.objects.create(
            meeting=fresh,
            topic=topic,
            scope_path=fresh.scope_path,
            title=title,
            text=body,
            requires_vote=requires_vote,
            publicity_days=days,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        resolution.agreed.set(list(agreed))
        event(
            fresh,
            MeetingEventKind.RESOLVED,
            actor=actor,
            resolution=resolution,
            to_status=R.ADOPTED,
            message=body,
            data={"agreed": [p.pk for p in agreed], "requires_vote": requires_vote},
        )
    return resolution


def resolution_open_vote(
    *,
    resolution: Resolution,
    actor: Any,
    eligibility: str = Eligibility.PERSON,
    unit_register: UnitRegister | None = None,
    owner_matter: str = "9",
) -> Vote:
    """The resolution goes to the residents (or the owners) as an approve/oppose/abstain
    vote on its text, opened at once so paper ballots of a meeting can be entered; the
    vote's topic moves to voting. Its result is read when it closes (sweep or button)."""
    with transaction.atomic():
        fresh = _locked(resolution)
        _check(fresh, "open_vote", actor, _("This resolution does not need a vote, or has one."))
        vote = vote_services.vote_create(
            actor=actor,
            spec=VoteSpec(
                title=fresh.title,
                description=fresh.text,
                scope=fresh.meeting.scope,
                kind="approval",
                eligibility=eligibility,
                options=[],
                owner_matter=owner_matter if eligibility == Eligibility.OWNERS else "",
                unit_register=unit_register if eligibility == Eligibility.OWNERS else None,
                hide_results_until_close=False,
                topic=fresh.topic,
            ),
        )
        vote = vote_services.vote_open(vote=vote, actor=actor)
        fresh.vote, fresh.status = vote, R.VOTING
        fresh.next_sweep_at = vote.closes_at or clock.now()
        _turn(
            fresh,
            actor,
            R.ADOPTED,
            MeetingEventKind.VOTE_LINKED,
            ("vote", "next_sweep_at"),
            data={"vote": vote.pk},
        )
    return vote


def vote_passed(vote: Vote) -> bool:
    """Owner votes by the legal majorities; others when approvals outnumber oppositions."""
    if vote.status != VoteStatus.CLOSED:
        return False
    result = vote.result or {}
    if "owner" in result:
        return bool(result["owner"].get("passed"))
    counts = {o.get("code"): o.get("count", 0) for o in result.get("options", [])}
    return counts.get("approve", 0) > counts.get("oppose", 0)


def resolution_take_vote_result(*, resolution: Resolution, actor: Any = None) -> Resolution:
    """A passed vote sends the resolution to 公示 at once; a failed or cancelled one sends
    it back to the meeting."""
    with transaction.atomic():
        fresh = _locked(resolution)
        _check(fresh, "vote_result", actor, _("The vote is still open."))
        assert fresh.vote is not None
        passed = vote_passed(fresh.vote)
        fresh.vote_passed = passed
        event(
            fresh.meeting,
            MeetingEventKind.VOTE_RESULT,
            actor=actor,
            resolution=fresh,
            data={"vote": fresh.vote_id, "passed": passed},
        )
        if passed:
            _publish(fresh, actor, R.VOTING)
        else:
            _return(fresh, actor, R.VOTING, str(_("The vote did not pass.")))
    return fresh


def _publish(fresh: Resolution, actor: Any, old: str) -> None:
    now = clock.now()
    fresh.status, fresh.published_at = R.PUBLICITY, now
    fresh.publicity_ends_at = publicity_end(now, fresh.publicity_days)
    fresh.next_sweep_at = fresh.publicity_ends_at
    _turn(
        fresh,
        actor,
        old,
        MeetingEventKind.PUBLISHED,
        ("published_at", "publicity_ends_at", "next_sweep_at", "vote_passed"),
        data={"days": fresh.publicity_days, "ends_at": fresh.publicity_ends_at.isoformat()},
    )
    tell(
        _people(fresh),
        "published",
        _("On public notice: %(title)s"),
        _("Objections can be raised until %(ends)s."),
        link(fresh),
        skip=actor,
        title=fresh.title,
        ends=fresh.publicity_ends_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d"),
    )


def _return(fresh: Resolution, actor: Any, old: str, why: str) -> None:
    fresh.status, fresh.returned_at, fresh.next_sweep_at = R.RETURNED, clock.now(), None
    _turn(
        fresh,
        actor,
        old,
        MeetingEventKind.RETURNED,
        ("returned_at", "next_sweep_at", "vote_passed"),
        message=why,
    )
    tell(
        _people(fresh),
        "returned",
        _("Back to the meeting: %(title)s"),
        why,
        link(fresh),
        skip=actor,
        title=fresh.title,
    )


def resolution_publish(*, resolution: Resolution, actor: Any) -> Resolution:
    """公示 on the community's public page for the resolution's number of calendar days."""
    with transaction.atomic():
        fresh = _locked(resolution)
        _check(fresh, "publish", actor, _("The resolution needs a vote that passes first."))
        _publish(fresh, actor, R.ADOPTED)
    return fresh


def objection_raise(*, resolution: Resolution, actor: Any, text_: str) -> Objection:
    body = text(text_, _("Please write your objection."), code="text_required", max_length=2000)
    limit("objection", actor, per=settings.MEETING_OBJECTIONS_PER_HOUR, window_seconds=3600)
    with transaction.atomic():
        fresh = _locked(resolution)
        require(RESOLUTION, fresh, "object", actor, _("Only residents of the area can object."))
        objection = Objection.objects.create(
            resolution=fresh, author=actor, text=body, created_at=clock.now()
        )
        event(
            fresh.meeting,
            MeetingEventKind.OBJECTION,
            actor=actor,
            resolution=fresh,
            data={"objection": objection.pk},
        )
        tell(
            [fresh.meeting.organiser],
            "objection",
            _("Objection to “%(title)s”"),
            _("A resident objected during public notice; please answer."),
            link(fresh),
            title=fresh.title,
        )
    return objection


def objection_answer(*, objection: Objection, actor: Any, answer: str, uphold: bool) -> Objection:
    """Staff answer every objection; an upheld one sends the resolution back to the
    meeting when 公示 ends."""
    answer = text(answer, _("Please write the answer."), code="answer_required", max_length=2000)
    with transaction.atomic():
        fresh = _locked(objection.resolution)
        require(RESOLUTION, fresh, "answer", actor, NOT_YOURS)
        status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
        updated = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=status, answer=answer, answered_by=actor, answered_at=clock.now()
        )
        if updated != 1:
            raise Conflict(_("This objection has already been answered."), code="already_answered")
        event(
            fresh.meeting,
            MeetingEventKind.OBJECTION_ANSWERED,
            actor=actor,
            resolution=fresh,
            message=answer,
            data={"objection": objection.pk, "upheld": uphold},
        )
        tell(
            [objection.author],
            "answered",
            _("Your objection to “%(title)s” was answered"),
            answer,
            link(fresh),
            title=fresh.title,
        )
    objection.refresh_from_db()
    return objection


def resolution_end_publicity(*, resolution: Resolution, actor: Any = None) -> Resolution:
    """公示 is over: in effect without an upheld objection, otherwise back to the meeting.
    Open objections do not hold it up; they are still answered afterwards."""
    with transaction.atomic():
        fresh = _locked(resolution)
        _check(fresh, "end_publicity", actor, _("Public notice has not ended yet."))
        upheld = fresh.objections.filter(status=ObjectionStatus.UPHELD).count()
        if upheld:
            _return(
                fresh, actor, R.PUBLICITY, str(_("An objection was upheld during public notice."))
            )
            return fresh
        now = clock.now()
        fresh.status, fresh.effective_at, fresh.next_sweep_at = R.EFFECTIVE, now, None
        fresh.next_check_on = now.astimezone(clock.SHANGHAI).date() + dt.timedelta(
            days=fresh.check_every_days
        )
        _turn(
            fresh,
            actor,
            R.PUBLICITY,
            MeetingEventKind.EFFECTIVE,
            ("effective_at", "next_sweep_at", "next_check_on"),
        )
        tell(
            _people(fresh),
            "effective",
            _("In effect: %(title)s"),
            _("Public notice ended without an upheld objection."),
            link(fresh),
            title=fresh.title,
        )
    return fresh


# --- execution and supervision ----------------------------------------------------------------


def milestone_add(
    *, resolution: Resolution, actor: Any, title: str, due_on: dt.date | None
) -> Milestone:
    title = text(title, _("Please name the milestone."), code="title_required", max_length=120)
    if due_on is None:
        raise ValidationFailed(_("Please give the due date."), code="due_required")
    with transaction.atomic():
        fresh = _locked(resolution)
        require(RESOLUTION, fresh, "milestone", actor, NOT_YOURS)
        check_at = dt.datetime.combine(due_on, dt.time(23, 59, 59), tzinfo=clock.SHANGHAI)
        milestone = Milestone.objects.create(
            resolution=fresh, title=title, due_on=due_on, check_at=check_at, created_at=clock.now()
        )
        event(
            fresh.meeting,
            MeetingEventKind.MILESTONE,
            actor=actor,
            resolution=fresh,
            message=title,
            data={"milestone": milestone.pk, "due_on": due_on.isoformat()},
        )
    return milestone


def progress_report(
    *,
    milestone: Milestone,
    actor: Any,
    text_: str,
    photos: Sequence[tuple[str, IO[bytes]]] = (),
    completes: bool = False,
) -> ProgressUpdate:
    """A progress update, with photos checked and cleaned like an appeal's (content type
    by content, EXIF and GPS stripped). Completing a milestone stops its overdue clock."""
    body = text(text_, _("Please describe the progress."), code="text_required", max_length=2000)
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(
            lazy_format(_("At most %(n)s photos."), {"n": MAX_PHOTOS}), code="too_many_files"
        )
    cleaned = [
        clean_upload(name=name, file=f, declared_kind=AttachmentKind.IMAGE) for name, f in photos
    ]
    with transaction.atomic():
        fresh = _locked(milestone.resolution)
        require(RESOLUTION, fresh, "progress", actor, NOT_YOURS)
        now = clock.now()
        update = ProgressUpdate.objects.create(
            milestone=milestone, author=actor, text=body, completes=completes, created_at=now
        )
        for clean in cleaned:
            ProgressPhoto.objects.create(
                update=update,
                kind=clean.kind,
                file=clean.content,
                content_type=clean.content_type,
                size=clean.size,
            )
        if completes:
            Milestone.objects.filter(pk=milestone.pk, done_at__isnull=True).update(
                done_at=now, check_at=None
            )
        event(
            fresh.meeting,
            MeetingEventKind.PROGRESS,
            actor=actor,
            resolution=fresh,
            message=body,
            data={"milestone": milestone.pk, "photos": len(cleaned), "completes": completes},
        )
        tell(
            _people(fresh),
            "progress",
            _("Progress on “%(title)s”"),
            body,
            link(fresh),
            skip=actor,
            title=fresh.title,
        )
    return update


def supervisor_add(*, resolution: Resolution, actor: Any, user: Any) -> Supervisor:
    """A resident or volunteer of the area joins the supervision group (监督小组)."""
    if user is None or not policies.may_join_supervision(user, resolution.scope_path):
        raise ValidationFailed(
            _("The supervision group is of residents and volunteers of the area."),
            code="not_eligible",
        )
    with transaction.atomic():
        fresh = _locked(resolution)
        require(RESOLUTION, fresh, "supervisor", actor, NOT_YOURS)
        try:
            with transaction.atomic():
                member = Supervisor.objects.create(
                    resolution=fresh, user=user, created_at=clock.now()
                )
        except IntegrityError:
            raise Conflict(_("Already in the supervision group."), code="already_member") from None
        event(
            fresh.meeting,
            MeetingEventKind.SUPERVISOR,
            actor=actor,
            resolution=fresh,
            data={"user": user.pk},
        )
        tell(
            [user],
            "supervisor",
            _("You supervise “%(title)s”"),
            _("Please record a check every %(days)s days."),
            link(fresh),
            title=fresh.title,
            days=fresh.check_every_days,
        )
    return member


def supervision_check_record(
    *, resolution: Resolution, actor: Any, verdict: str, findings: str
) -> SupervisionCheck:
    """A member's scheduled check (the seed: monthly service-quality checks). It answers
    the check that is due and schedules the next one."""
    if verdict not in CheckVerdict.values:
        raise ValidationFailed(_("Choose what the check found."), code="verdict_invalid")
    findings = text(
        findings, _("Please write what you found."), code="findings_required", max_length=2000
    )
    with transaction.atomic():
        fresh = _locked(resolution)
        require(
            RESOLUTION,
            fresh,
            "check",
            actor,
            _("Only members of the supervision group record checks."),
        )
        today = clock.local_now().date()
        scheduled = fresh.next_check_on or today
        check = SupervisionCheck.objects.create(
            resolution=fresh,
            checker=actor,
            scheduled_for=scheduled,
            verdict=verdict,
            findings=findings,
            created_at=clock.now(),
        )
        following = max(scheduled, today) + dt.timedelta(days=fresh.check_every_days)
        Resolution.objects.filter(pk=fresh.pk).update(next_check_on=following)
        fresh.next_check_on = following
        event(
            fresh.meeting,
            MeetingEventKind.CHECK,
            actor=actor,
            resolution=fresh,
            message=findings,
            data={"check": check.pk, "verdict": verdict, "scheduled_for": scheduled.isoformat()},
        )
        act(actor, MeetingActKind.SUPERVISE, fresh.meeting)
        if verdict == CheckVerdict.ISSUES:
            tell(
                [fresh.meeting.organiser],
                "check_issues",
                _("Supervision found problems: %(title)s"),
                findings,
                link(fresh),
                title=fresh.title,
            )
    return check


def outcome_rate(
    *, resolution: Resolution, actor: Any, level: str, solved: bool, comment: str = ""
) -> OutcomeRating:
    if level not in OutcomeLevel.values:
        raise ValidationFailed(_("Choose how satisfied you are."), code="level_invalid")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        fresh = _locked(resolution)
        require(RESOLUTION, fresh, "rate", actor, _("Only residents of the area rate the outcome."))
        try:
            with transaction.atomic():
                rating = OutcomeRating.objects.create(
                    resolution=fresh,
                    user=actor,
                    level=level,
                    solved=solved,
                    comment=comment,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(
                _("You have already rated this outcome."), code="already_rated"
            ) from None
        event(
            fresh.meeting,
            MeetingEventKind.RATED,
            actor=actor,
            resolution=fresh,
            data={"level": level, "solved": solved},
        )
    return rating


def rating_summary(resolution: Resolution) -> dict[str, Any]:
    """满意率 and 解决率 as the KPIs define them; "—" for an empty denominator."""
    rows = list(resolution.ratings.values_list("level", "solved"))
    total = len(rows)
    satisfied = sum(
        1 for level, _s in rows if level in (OutcomeLevel.SATISFIED, OutcomeLevel.BASICALLY)
    )
    solved = sum(1 for _l, s in rows if s)
    return {
        "ratings": total,
        "satisfied": satisfied,
        "solved": solved,
        "satisfaction": f"{100 * satisfied / total:.0f}%" if total else "—",
        "solved_rate": f"{100 * solved / total:.0f}%" if total else "—",
    }


def resolution_close(*, resolution: Resolution, actor: Any, result: str) -> Resolution:
    """The matter closes with its result and the residents' rating, kept in the event."""
    result = text(result, _("Please write the result."), code="result_required", max_length=2000)
    with transaction.atomic():
        fresh = _locked(resolution)
        require(RESOLUTION, fresh, "close", actor, NOT_YOURS)
        fresh.status, fresh.closed_at, fresh.result = R.CLOSED, clock.now(), result
        Milestone.objects.filter(resolution=fresh).update(check_at=None)
        summary = rating_summary(fresh)
        _turn(
            fresh,
            actor,
            R.EFFECTIVE,
            MeetingEventKind.CLOSED,
            ("closed_at", "result"),
            message=result,
            data=summary,
        )
        tell(
            _people(fresh),
            "closed",
            _("Closed: %(title)s"),
            result,
            link(fresh),
            skip=actor,
            title=fresh.title,
        )
    return fresh
