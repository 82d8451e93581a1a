"""Plain words for staff (issue 9, item 19): the classifier's reasons, risk evidence and
the first-response clock as sentences, never codes or database ids. Kept apart from
presenters so services may use them too."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiaoliuba.appeals.choices import OPEN_STATUSES, Category, Priority
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock


def triage_explained(appeal: Appeal) -> list[str]:
    """The classifier's reasons (`rule:民生服务:路灯`, `model:yellow:0.96`, `ngram:…`,
    `hint_overridden:property`, `category_red:safety:yellow`, `not_red:规则:词`, `p_red:0.12`,
    `passage:0.38`) as sentences a community worker reads at a glance."""

    def category(code: str) -> str:
        return str(Category(code).label) if code in Category.values else code

    def priority(code: str) -> str:
        return str(Priority(code).label) if code in Priority.values else code

    def percent_of(share: str) -> str:
        try:
            return str(round(float(share) * 100))
        except ValueError:
            return "?"

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
            lines.append(
                _("The model judged it %(priority)s, %(percent)s%% sure")
                % {"priority": priority(level), "percent": percent_of(share)}
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
        elif kind == "category_red":
            code, _sep, before = rest.partition(":")
            colour = {"yellow": _("Yellow"), "blue": _("Blue")}.get(before, before)
            lines.append(
                _("“%(category)s” is red by the definition (it would have been %(priority)s)")
                % {"category": category(code), "priority": colour}
            )
        elif kind == "not_red":
            name, _sep, hits = rest.rpartition(":")
            hits_text = "、".join(f"“{h}”" for h in hits.split("/") if h)
            lines.append(
                _("Not red by the rule “%(rule)s” (matched %(words)s)")
                % {"rule": name or hits, "words": hits_text}
            )
        elif kind in ("p_red", "passage"):
            message = (
                _("Not certainly free of danger (%(percent)s%% red): a person should look")
                if kind == "p_red"
                else _(
                    "One passage reads like a danger (%(percent)s%% red), short of red: a person should look"
                )
            )
            lines.append(message % {"percent": percent_of(rest)})
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
        if evidence.get("anonymous"):
            # Each anonymous report counts as one resident; who filed it is never compared.
            lines.append(_("%(n)s of them anonymous") % {"n": evidence["anonymous"]})
        if evidence.get("appeals"):
            lines.append(_("%(n)s appeals in the group") % {"n": len(evidence["appeals"])})
    elif kind == "surge" and "count_24h" in evidence:
        lines.append(_("%(n)s appeals of this kind in 24 hours") % {"n": evidence["count_24h"]})
        hours = evidence.get("window_hours")
        if evidence.get("count_window") and hours and float(hours) < 24:
            # How fast they came is what made the test fire; staff read it, not a p-value.
            lines.append(
                _("%(n)s of them within %(h)s hours")
                % {"n": evidence["count_window"], "h": f"{float(hours):.1f}".removesuffix(".0")}
            )
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
