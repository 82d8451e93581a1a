"""Risk detectors run after intake, and acknowledging their alerts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import risk, routing
from jiaoliuba.appeals.choices import Category
from jiaoliuba.appeals.models import (
    Appeal,
    RiskAlert,
)
from jiaoliuba.appeals.plain import risk_evidence_text
from jiaoliuba.appeals.services._common import _text
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict
from jiaoliuba.notifications.services import notify


def appeal_risk_check(*, appeal_id: int) -> list[Any]:
    """Run the detectors for a new appeal and tell the street's officers of new alerts."""
    appeal = (
        Appeal.objects.select_related("community", "community__parent").filter(pk=appeal_id).first()
    )
    if appeal is None:
        return []
    created = []
    labels = {
        "surge": _("Surge of %(category)s appeals in %(place)s"),
        "cluster": _("Several residents report the same matter in %(place)s"),
        "repeat": _("One resident has raised several appeals in 30 days"),
    }
    # Judge the appeal at the time it was received (desk entries may be back-dated, and
    # the task may run late), not when the worker gets to it.
    for kind, key, evidence in risk.scan(appeal, now=appeal.received_at):
        # A surge may fire under the resident's chosen type rather than the classifier's.
        category = evidence.get("category", appeal.category)
        summary = _text(
            labels[kind],
            category=Category(category).label if category in Category.values else category,
            place=appeal.community.name,
        )
        alert = risk.create_alert(
            appeal=appeal, kind=kind, key=key, evidence=evidence, summary=summary
        )
        if alert is None:
            continue
        created.append(alert)
        street = appeal.community.parent
        officers = routing.holders(Role.STREET_OFFICER, street) if street else []

        if officers:
            notify(
                recipients=officers,
                kind=f"risk.{kind}",
                title=summary,
                body=_text(
                    _("Evidence: %(evidence)s"),
                    evidence=_evidence_words(kind, evidence),
                ),
                link="/workbench/alerts/",
                channels=("sms",),
            )
    return created


def _evidence_words(kind: str, evidence: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return "；".join(risk_evidence_text(kind, evidence)) or "—"


def risk_alert_acknowledge(*, alert: Any, actor: User) -> Any:
    updated = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=clock.now()
    )
    if updated != 1:
        raise Conflict(_("This alert was already acknowledged."), code="already_acknowledged")
    alert.refresh_from_db()
    return alert
