"""What an expert request is for: an appeal or a meeting, named by a generic reference
("appeal:42", "meeting:7").

Bookings sits beside appeals and below deliberation (core/tests/test_layers.py), so it
may not import them. As with the dashboard sources, the apps that own the subjects
register a resolver in settings.EXPERT_REQUEST_SUBJECTS:

    {"appeal": "jiaoliuba.appeals.selectors.expert_request_subject",
     "meeting": "jiaoliuba.deliberation.meetings.selectors.expert_request_subject"}

A resolver is called as `resolver(user=…, pk=…)` and returns
{"title": str, "path": region path, "url": the page} when `user` is staff whose scope
covers the subject, else raises NotFound. Bookings stores the reference with a copy of
title, path and link; the subject's page shows its requests through the bookings
template tag `{% expert_requests "appeal" id %}`, which calls a bookings selector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number


@dataclass(frozen=True)
class Subject:
    ref: str
    kind: str
    title: str
    path: str
    url: str


def parse(ref: str) -> tuple[str, int]:
    kind, _sep, raw = (ref or "").partition(":")
    if kind not in getattr(settings, "EXPERT_REQUEST_SUBJECTS", {}) or whole_number(raw) is None:
        raise NotFound(_("Not found."), code="subject_not_found")
    return kind, int(raw)


def reference(kind: str, pk: Any) -> str:
    return f"{kind}:{int(pk)}"


def resolve(*, user: Any, ref: str) -> Subject:
    """The subject if `user` is staff who may ask the pool for it; otherwise 404."""
    kind, pk = parse(ref)
    found = import_string(settings.EXPERT_REQUEST_SUBJECTS[kind])(user=user, pk=pk)
    return Subject(
        ref=reference(kind, pk),
        kind=kind,
        title=str(found["title"])[:200],
        path=str(found["path"]),
        url=str(found["url"])[:200],
    )
