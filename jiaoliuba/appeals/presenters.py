"""What each viewer may see of an appeal: one function serves the API and the pages,
so an anonymous submitter is hidden the same way everywhere."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiaoliuba.appeals.choices import OPEN_STATUSES, EventKind
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core import clock
from jiaoliuba.core.masking import mask_name, mask_phone


def submitter_label(appeal: Appeal, *, staff_view: bool) -> str:
    if appeal.submitter is None:
        return "—"
    if appeal.is_anonymous and staff_view:
        return _("Anonymous resident")
    return appeal.submitter.display_name or mask_phone(appeal.submitter.phone)


def appeal_dict(appeal: Appeal, *, staff_view: bool) -> dict[str, Any]:
    # .all() so a queue page's prefetch serves every row (no query per appeal).
    latest = max(appeal.ratings.all(), key=lambda r: (r.created_at, r.pk), default=None)
    data: dict[str, Any] = {
        "id": appeal.pk,
        "number": appeal.number,
        "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "priority": appeal.priority,
        "priority_label": appeal.get_priority_display(),
        "category": appeal.category,
        "category_label": appeal.get_category_display(),
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
        "merged_into": appeal.merged_into.number if appeal.merged_into_id else None,
        "handled_by": appeal.handling_region.name if appeal.handling_region_id else None,
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
    return event.get_kind_display()


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
            actor = (
                str(event.actor)
                if staff_view
                else mask_name(event.actor.display_name) or _("Staff")
            )
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event_label(event),
        "at": event.created_at,
        "actor": actor,
        "message": event.message,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "data": event.data if staff_view else {},
    }


# --- plain words for staff (issue 9, item 19) --------------------------------------------------


def triage_explained(appeal: Appeal) -> list[str]:
    """The classifier's reasons (`rule:民生服务:路灯`, `model:yellow:0.96`, `ngram:…`,
    `hint_overridden:property`) as sentences a community worker reads at a glance."""
    from jiaoliuba.appeals.choices import Category, Priority

    def category(code: str) -> str:
        return str(Category(code).label) if code in Category.values else code

    lines: list[str] = []
    words: list[str] = []
    for reason in appeal.triage_reasons or []:
        kind, _sep, rest = str(reason).partition(":")
        if kind == "rule":
            name, _sep, hits = rest.rpartition(":")
            hits_text = "、".join(f"“{h}”" for h in hits.split("/") if h)
            lines.append(
                _("Rule “%(rule)s” matched %(words)s") % {"rule": name or hits, "words": hits_text}
            )
        elif kind == "model":
            level, _sep, share = rest.partition(":")
            try:
                percent = round(float(share) * 100)
            except ValueError:
                percent = None
            label = str(Priority(level).label) if level in Priority.values else level
            lines.append(
                _("The model judged it %(priority)s, %(percent)s%% sure")
                % {"priority": label, "percent": percent if percent is not None else "?"}
            )
        elif kind == "ngram":
            words.append(rest)
        elif kind == "hint":
            lines.append(
                _("Filed under the resident's choice “%(hint)s”") % {"hint": category(rest)}
            )
        elif kind == "hint_overridden":
            lines.append(
                _("The resident chose “%(hint)s”; classified as “%(category)s” instead")
                % {"hint": category(rest), "category": appeal.get_category_display()}
            )
        else:
            lines.append(str(reason))
    # Single characters and pieces of a longer word shown beside them say nothing.
    words = [w for w in words if len(w) > 1 and not any(w != o and w in o for o in words)]
    if words:
        lines.append(
            _("Telling words: %(words)s") % {"words": "、".join(f"“{w}”" for w in words[:5])}
        )
    return lines


def first_response_state(appeal: Appeal) -> str:
    """'on_time', 'late', 'waiting', or 'overdue' (no response and the deadline passed)."""
    if appeal.first_response_at is not None:
        return "late" if appeal.first_response_at > appeal.response_due_at else "on_time"
    if appeal.status in OPEN_STATUSES and appeal.response_due_at < clock.now():
        return "overdue"
    return "waiting"


def risk_evidence_text(kind: str, evidence: dict[str, Any]) -> list[str]:
    """A risk alert's evidence in plain Chinese ("30 天内同一居民第 3 件"), never ids."""
    lines: list[str] = []
    if kind == "repeat" and "count_30d" in evidence:
        lines.append(
            _("Appeal no. %(n)s from the same resident within 30 days")
            % {"n": evidence["count_30d"]}
        )
    elif kind == "cluster" and "residents" in evidence:
        lines.append(
            _("%(residents)s residents reported a similar matter within 48 hours")
            % {"residents": evidence["residents"]}
        )
        if evidence.get("appeals"):
            lines.append(_("%(n)s appeals in the group") % {"n": len(evidence["appeals"])})
    elif kind == "surge" and "count_24h" in evidence:
        lines.append(_("%(n)s appeals of this kind in 24 hours") % {"n": evidence["count_24h"]})
        if "baseline_per_day" in evidence:
            lines.append(
                _("usually %(n)s a day over the previous 28 days")
                % {"n": evidence["baseline_per_day"]}
            )
        if "p_value" in evidence:
            p = float(evidence["p_value"])
            lines.append(
                _("a chance below %(p)s that this is ordinary")
                % {"p": "0.1%" if p < 0.001 else f"{p:.1%}"}
            )
    return lines


def risk_alert_dict(alert: Any, numbers: dict[int, str]) -> dict[str, Any]:
    """What the alert page shows: the linked appeals by number (only those the viewer
    may open are in `numbers`) and the evidence in words."""
    ids = [i for i in (alert.evidence or {}).get("appeals", []) if isinstance(i, int)]
    return {
        "alert": alert,
        "evidence": risk_evidence_text(alert.kind, alert.evidence or {}),
        "appeals": [(pk, numbers[pk]) for pk in ids if pk in numbers],
    }
