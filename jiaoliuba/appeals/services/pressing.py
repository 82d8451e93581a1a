"""Urge (催办) and supervise (督办)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import transitions
from jiaoliuba.appeals.choices import (
    EventKind,
)
from jiaoliuba.appeals.models import (
    Appeal,
)
from jiaoliuba.appeals.services._common import (
    _event,
    _handlers,
    _locked,
    _notify,
    _require_text,
    _supervisors,
)


def _press(*, appeal: Appeal, actor: User, note: str, kind: str) -> Appeal:
    """催办/督办 by hand: an event with the note, counted with the sweep's automatic ones
    (same kinds; `manual` tells them apart), and the handler is told."""
    note = _require_text(
        note,
        _("Please write what you expect of the handler."),
        code="note_required",
        max_length=500,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        action = "urge" if kind == EventKind.URGED else "supervise"
        transitions.check(
            fresh,
            action,
            actor,
            _("Only staff above the handler may urge or supervise this appeal."),
            code="urge_denied",
        )
        due_at = fresh.current_due_at or fresh.resolution_due_at
        _event(
            fresh,
            kind,
            actor=actor,
            message=note,
            data={
                "manual": True,
                "clock": "response" if fresh.first_response_at is None else "resolution",
                "due_at": due_at.isoformat() if due_at else None,
            },
        )
        by = getattr(actor, "display_name", "") or str(actor)
        if kind == EventKind.URGED:
            _notify(
                _handlers(fresh),
                "urged",
                _("Urged: appeal %(number)s"),
                _("%(by)s asks you to speed up: %(note)s"),
                fresh,
                by=by,
                note=note,
            )
        else:
            people = [p for p in _handlers(fresh) + _supervisors(fresh) if p.pk != actor.pk]
            _notify(
                people,
                "supervised",
                _("Under supervision: appeal %(number)s"),
                _("%(by)s is supervising its handling: %(note)s"),
                fresh,
                sms=True,
                by=by,
                note=note,
            )
    return fresh


def appeal_urge(*, appeal: Appeal, actor: User, note: str) -> Appeal:
    """催办: someone above the handler asks them to hurry, with a note."""
    return _press(appeal=appeal, actor=actor, note=note, kind=EventKind.URGED)


def appeal_supervise(*, appeal: Appeal, actor: User, note: str) -> Appeal:
    """督办 by hand: someone above the handler puts the appeal under supervision before
    (or without) the sweep's breach; it is listed under 督办 until it is handled."""
    return _press(appeal=appeal, actor=actor, note=note, kind=EventKind.SUPERVISED)
