"""What each viewer may see of an appeal: one function serves the API and the pages,
so an anonymous submitter is hidden the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from jiaoliuba.appeals.choices import OPEN_STATUSES, EventKind
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.appeals.plain import first_response_state, triage_explained
from jiaoliuba.appeals.progress import staff_post_label
from jiaoliuba.appeals.public import public_description, scrub
from jiaoliuba.core import clock
from jiaoliuba.core.choice_labels import choice_label
from jiaoliuba.core.masking import mask_phone


def submitter_label(appeal: Appeal, *, staff_view: bool) -> str:
    if appeal.submitter is None:
        # Filed on the public form without an account (a desk entry without a number
        # stays "—": staff know who came to the window).
        return _("Visitor without an account") if appeal.created_by_id is None else "—"
    if appeal.is_anonymous and staff_view:
        return _("Anonymous resident")
    return appeal.submitter.display_name or mask_phone(appeal.submitter.phone)


def _repeat_of(appeal: Appeal) -> str | None:
    """The earlier appeal's number; never across an anonymous appeal, even for a link
    made before rule 1 (issue 9) kept them out."""
    earlier = appeal.repeat_of if appeal.repeat_of_id else None
    if earlier is None or appeal.is_anonymous or earlier.is_anonymous:
        return None
    return earlier.number


def appeal_dict(appeal: Appeal, *, staff_view: bool) -> dict[str, Any]:
    # .all() so a queue page's prefetch serves every row (no query per appeal).
    latest = max(appeal.ratings.all(), key=lambda r: (r.created_at, r.pk), default=None)
    data: dict[str, Any] = {
        "id": appeal.pk,
        "number": appeal.number,
        "status": appeal.status,
        "status_label": choice_label(appeal, "status"),
        "priority": appeal.priority,
        "priority_label": choice_label(appeal, "priority"),
        "category": appeal.category,
        "category_label": choice_label(appeal, "category"),
        "type_hint": appeal.type_hint,
        "channel": appeal.channel,
        "content": appeal.content,
        "address": appeal.address,
        "community": {"code": appeal.community.code, "name": appeal.community.name},
        "grid": {"code": appeal.grid.code, "name": appeal.grid.name} if appeal.grid else None,
        "is_anonymous": appeal.is_anonymous,
        "consent_public": appeal.consent_public,
        "received_at": appeal.received_at,
        "response_due_at": appeal.response_due_at,
        "resolution_due_at": appeal.resolution_due_at,
        "resolution_due_original_at": appeal.resolution_due_original_at,
        "first_response_at": appeal.first_response_at,
        "resolved_at": appeal.resolved_at,
        "closed_at": appeal.closed_at,
        "overdue": bool(
            appeal.status in OPEN_STATUSES
            and appeal.current_due_at
            and appeal.current_due_at < clock.now()
        ),
        "reply": appeal.reply,
        "rejection_reason": appeal.rejection_reason,
        "is_repeat": appeal.is_repeat,
        "merged_into": appeal.merged_into.number if appeal.merged_into else None,
        "handled_by": appeal.handling_region.name if appeal.handling_region else None,
        "rating": {"level": latest.level, "solved": latest.solved, "comment": latest.comment}
        if latest
        else None,
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/appeals/{appeal.pk}/attachments/{a.pk}",
            }
            for a in appeal.attachments.all()
        ],
    }
    if staff_view:
        data |= {
            "submitter": submitter_label(appeal, staff_view=True),
            "contact_phone_masked": ""
            if appeal.is_anonymous
            else mask_phone(
                appeal.contact_phone or (appeal.submitter.phone if appeal.submitter else "")
            ),
            "repeat_of": _repeat_of(appeal),
            "handling_role": appeal.handling_role,
            "assignee": str(appeal.assignee) if appeal.assignee_id else None,
            "assignee_id": appeal.assignee_id,
            "triage_confidence": appeal.triage_confidence,
            "triage_reasons": appeal.triage_reasons,
            "triage_explained": triage_explained(appeal),
            "first_response_state": first_response_state(appeal),
            "triage_needs_review": appeal.triage_needs_review,
            "routing_reason": appeal.routing_reason,
            "return_count": appeal.return_count,
            "reopen_count": appeal.reopen_count,
            "extension_count": appeal.extension_count,
        }
    return data


def event_label(event: AppealEvent) -> str:
    """The sweep's reminders are named after the deadline; one pressed by a person is 催办
    or 督办 plain and simple."""
    if (event.data or {}).get("manual"):
        if event.kind == EventKind.URGED:
            return _("Urged by a superior")
        if event.kind == EventKind.SUPERVISED:
            return _("Supervised by a superior")
    return choice_label(event, "kind")


def _event_data(event: AppealEvent, appeal: Appeal | None) -> dict[str, Any]:
    # Repeat links recorded before anonymous appeals were kept out of them (issue 9)
    # must not show either, from the anonymous appeal's side or the named one's.
    linked = event.data.get("repeat_of") if isinstance(event.data, dict) else None
    if linked and (
        (appeal is not None and appeal.is_anonymous)
        or Appeal.objects.filter(number=linked, is_anonymous=True).exists()
    ):
        return {k: v for k, v in event.data.items() if k != "repeat_of"}
    return event.data


def event_dict(
    event: AppealEvent, *, staff_view: bool, appeal: Appeal | None = None
) -> dict[str, Any]:
    actor = ""
    if event.actor_id:
        if appeal is not None and event.actor_id == appeal.submitter_id:
            # The resident's own acts (filing, rating) never name them to handlers of an
            # anonymous appeal.
            actor = (
                _("Anonymous resident") if (appeal.is_anonymous and staff_view) else _("Resident")
            )
        else:
            actor = str(event.actor) if staff_view else staff_post_label(event.actor, appeal)
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event_label(event),
        "at": event.created_at,
        "actor": actor,
        "message": event.message,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "data": _event_data(event, appeal) if staff_view else {},
    }


def similar_dict(appeal: Appeal, score: float) -> dict[str, Any]:
    """What another resident may see of an appeal in the similar-appeal list: only what
    the public board shows (category, status, a scrubbed summary), never names."""
    return {
        "id": appeal.pk,
        "number": appeal.number or "",
        "category": appeal.category,
        "category_label": choice_label(appeal, "category"),
        "status": appeal.status,
        "status_label": choice_label(appeal, "status"),
        "received_at": appeal.received_at,
        "summary": public_description(appeal.content, limit=60, hide_digit_runs=True),
        "score": round(score, 3),
    }


def public_board_rows(appeals: Iterable[Appeal]) -> list[dict[str, Any]]:
    """Handled appeals as the public board shows them (selectors.public_handled_appeals):
    category, dates, status, the description and the reply, with numbers and the filer's
    name scrubbed; no addresses, no people. The community page shows the same rows."""
    return [
        {
            "category": choice_label(a, "category"),
            "community": a.community.name,
            "received": a.received_at,
            "resolved": a.resolved_at,
            "status": choice_label(a, "status"),
            "description": public_description(
                a.content, names=[a.submitter.display_name] if a.submitter else []
            ),
            "reply": scrub(a.reply),
        }
        for a in appeals
    ]
