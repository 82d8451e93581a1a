"""One registry of the same-shaped actions on an appeal: (the appeal, the person, a few
text fields) → a service → the appeal. The staff page's action forms
(`/appeals/<id>/do/<name>/`) and the API's routes (`POST /api/v1/appeals/{id}/<path>`)
are both built from it, so a field, a service or a path is named once. Each name is
also the action's name in the transition table (`transitions.TRANSITIONS`), which
decides whether it is offered and whether the service takes it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal


@dataclass(frozen=True)
class Action:
    name: str
    # The service, looked up by name when called (so the registry follows the package).
    service: str
    # form or JSON field → the service's keyword
    fields: dict[str, str] = field(default_factory=dict)
    # The API path after /appeals/{id}/
    path: str = ""
    doc: str = ""

    @property
    def api_path(self) -> str:
        return self.path or self.name

    def run(self, *, appeal: Appeal, actor: User, data: Mapping[str, Any]) -> Appeal:
        call: Callable[..., Appeal] = getattr(services, self.service)
        kwargs = {kwarg: data.get(name, "") for name, kwarg in self.fields.items()}
        return call(appeal=appeal, actor=actor, **kwargs)


REGISTRY: dict[str, Action] = {
    a.name: a
    for a in (
        Action("accept", "appeal_accept"),
        Action("confirm_triage", "appeal_confirm_triage", path="triage/confirm"),
        Action("reply", "appeal_reply", {"message": "message"}),
        Action("note", "appeal_note", {"message": "message"}),
        Action(
            "urge",
            "appeal_urge",
            {"note": "note"},
            doc="催办: staff above the handler ask them to hurry (403 for anyone else).",
        ),
        Action(
            "supervise",
            "appeal_supervise",
            {"note": "note"},
            doc="督办 by hand: staff above the handler put the appeal under supervision.",
        ),
        Action("resolve", "appeal_resolve", {"reply": "reply"}),
        Action("return", "appeal_return", {"reason": "reason"}),
        Action("escalate", "appeal_escalate", {"reason": "reason"}),
        Action("reject", "appeal_reject", {"reason": "reason"}),
        Action("reopen", "appeal_reopen", {"reason": "reason"}),
        Action("close", "appeal_close_after_review", {"reason": "note"}),
        Action("unmark_repeat", "appeal_unmark_repeat", {"reason": "reason"}, "repeat/remove"),
        Action(
            "triage",
            "appeal_correct_triage",
            {"priority": "priority", "category": "category", "reason": "reason"},
        ),
    )
}
