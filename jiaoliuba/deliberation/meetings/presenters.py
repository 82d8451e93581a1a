"""Meetings and resolutions as plain dicts, the same for the pages and the API; the
`actions` come from the transition tables (`offered`), so a button is an action the
service takes."""

from __future__ import annotations

from typing import Any

from jiaoliuba.core import clock
from jiaoliuba.deliberation.meetings import selectors
from jiaoliuba.deliberation.meetings.choices import FIVE_SIDES, Side
from jiaoliuba.deliberation.meetings.resolutions import rating_summary
from jiaoliuba.deliberation.meetings.transitions import MEETING, RESOLUTION
from jiaoliuba.deliberation.models import Meeting, MeetingParty, Resolution


def _actions(table: Any, user: Any, obj: Any) -> list[str]:
    return [name for name, ok in table.offered(user, obj).items() if ok]


def _shown_name(party: MeetingParty, show_names: bool) -> str:
    """Residents at the table are named to the organisers; neighbours see their side."""
    if show_names or party.side != Side.RESIDENT_REP:
        return party.name
    return str(Side(party.side).label)


def party_dict(party: MeetingParty, show_names: bool = True) -> dict[str, Any]:
    return {
        "id": party.pk,
        "side": party.side,
        "side_label": str(Side(party.side).label),
        "five_sides": party.side in FIVE_SIDES,
        "organisation": party.organisation,
        "name": _shown_name(party, show_names),
        "role_note": party.role_note if show_names or party.side != Side.RESIDENT_REP else "",
        "has_account": party.user_id is not None,
        "attended": party.attended_at is not None,
        "attended_at": party.attended_at,
        "checkin": party.checkin,
    }


def resolution_brief(resolution: Resolution) -> dict[str, Any]:
    return {
        "id": resolution.pk,
        "title": resolution.title,
        "status": resolution.status,
        "status_label": resolution.get_status_display(),
    }


def meeting_dict(meeting: Meeting, *, user: Any, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "scope": {"code": meeting.scope.code, "name": meeting.scope.name},
        "place": meeting.place,
        "online": meeting.online,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "starts_local": meeting.starts_at.astimezone(clock.SHANGHAI),
        "topic": meeting.topic_id,
        "topic_title": meeting.topic.title if meeting.topic_id and meeting.topic else "",
        "appeal": meeting.appeal_id,
        "organiser": str(meeting.organiser) if meeting.organiser_id else "",
        "actions": _actions(MEETING, user, meeting),
    }
    if not full:
        return data
    parties = selectors.meeting_parties(meeting=meeting)
    names = "invite" in data["actions"] or "minutes" in data["actions"]
    data.update(
        {
            "minutes": meeting.minutes,
            "cancel_reason": meeting.cancel_reason,
            "parties": [party_dict(p, names) for p in parties],
            "attended": sum(1 for p in parties if p.attended_at),
            "sides_present": sorted(
                {str(Side(p.side).label) for p in parties if p.side in FIVE_SIDES}
            ),
            "agenda": [
                {"position": a.position, "title": a.title, "topic": a.topic_id}
                for a in meeting.agenda.all()
            ],
            "rounds": [
                {
                    "id": r.pk,
                    "number": r.number,
                    "summary": r.summary,
                    "statements": [
                        {
                            "party": s.party_id,
                            "party_name": " ".join(
                                x for x in (s.party.organisation, _shown_name(s.party, names)) if x
                            ),
                            "side_label": str(Side(s.party.side).label),
                            "kind": s.kind,
                            "kind_label": s.get_kind_display(),
                            "text": s.text,
                        }
                        for s in r.statements.all()
                    ],
                }
                for r in selectors.meeting_rounds(meeting=meeting)
            ],
            "resolutions": [resolution_brief(r) for r in meeting.resolutions.order_by("pk")],
        }
    )
    return data


def resolution_dict(resolution: Resolution, *, user: Any) -> dict[str, Any]:
    vote = resolution.vote
    return {
        **resolution_brief(resolution),
        "text": resolution.text,
        "meeting": resolution.meeting_id,
        "meeting_title": resolution.meeting.title,
        "topic": resolution.topic_id,
        "agreed": [
            " ".join(x for x in (p.organisation, _shown_name(p, False)) if x)
            for p in resolution.agreed.all()
        ],
        "requires_vote": resolution.requires_vote,
        "vote": vote.pk if vote else None,
        "vote_status": vote.get_status_display() if vote else "",
        "vote_passed": resolution.vote_passed,
        "publicity_days": resolution.publicity_days,
        "published_at": resolution.published_at,
        "publicity_ends_at": resolution.publicity_ends_at,
        "effective_at": resolution.effective_at,
        "closed_at": resolution.closed_at,
        "result": resolution.result,
        "next_check_on": resolution.next_check_on,
        "check_every_days": resolution.check_every_days,
        "objections": [
            {
                "id": o.pk,
                "text": o.text,
                "status": o.status,
                "status_label": o.get_status_display(),
                "answer": o.answer,
                "created_at": o.created_at,
                "mine": o.author_id == getattr(user, "pk", None),
            }
            for o in resolution.objections.all()
        ],
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "due_on": m.due_on,
                "done": m.done_at is not None,
                "overdue": m.done_at is None and m.due_on < clock.local_now().date(),
                "updates": [
                    {
                        "text": u.text,
                        "created_at": u.created_at,
                        "photos": [p.pk for p in u.photos.all()],
                    }
                    for u in m.updates.all()
                ],
            }
            for m in resolution.milestones.prefetch_related("updates__photos")
        ],
        "supervisors": [str(s.user) for s in resolution.supervisors.select_related("user")],
        "checks": [
            {
                "scheduled_for": c.scheduled_for,
                "verdict": c.verdict,
                "verdict_label": c.get_verdict_display(),
                "findings": c.findings,
                "checker": str(c.checker) if c.checker_id else "",
            }
            for c in selectors.resolution_checks(resolution=resolution)
        ],
        "rating": rating_summary(resolution),
        "rated": resolution.ratings.filter(user_id=getattr(user, "pk", 0) or 0).exists(),
        "actions": _actions(RESOLUTION, user, resolution),
    }
