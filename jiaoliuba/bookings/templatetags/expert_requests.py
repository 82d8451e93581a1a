"""`{% load expert_requests %}{% expert_requests "appeal" appeal.pk %}`: the requests an
appeal or a meeting made to the expert pool, shown on that page for staff of its scope.
The appeal and meeting apps may not import bookings (layers); their templates load this
tag, which calls the bookings selector."""

from __future__ import annotations

from typing import Any

from django import template

from jiaoliuba.bookings import policies, presenters, selectors, subjects
from jiaoliuba.core.errors import NotFound

register = template.Library()


@register.inclusion_tag("bookings/_expert_requests.html", takes_context=True)
def expert_requests(context: Any, kind: str, pk: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"show": False}
    try:
        found = subjects.resolve(user=user, ref=subjects.reference(kind, pk))
    except (NotFound, ValueError, TypeError):
        return {"show": False}
    if not policies.manages(user, found.path):
        return {"show": False}
    rows = selectors.expert_requests_for(user=user, subject=found.ref)
    return {
        "show": True,
        "subject": found.ref,
        "requests": [presenters.expert_request_dict(r) for r in rows[:20]],
    }
