"""Idempotency-Key for the API's writes: one piece for every app.

A client that may retry (a phone on a bad network) sends `Idempotency-Key: <unique>`
with a write. The appeals API passes the key to its service, which links it to the
appeal it creates (appeals.services.intake); every other write wraps its handler in
`idempotent(Schema)`: the first request with a key runs and its answer is stored in the
same transaction as its writes; a retry with the same key gets that answer again (same
status and body) and changes nothing. The stored row is claimed before the handler runs,
so two copies sent at the same moment run once: the second waits for the first (the
unique key's lock on PostgreSQL, the single writer on SQLite) and is answered from it. A
refused request (any 4xx) is not remembered, because it wrote nothing; the key can be
used again. The same key for a different request is a 409."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Header, Status

from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, ValidationFailed, lazy_format
from jiaoliuba.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY_MAX = 100
# Documented so generated clients send it; handlers read it with request_key().
IDEMPOTENCY_KEY = Header(
    "", alias=HEADER, description="Makes retries safe: a replay gets the first answer again"
)


def clean_key(raw: str | None) -> str:
    return (raw or "").strip()[:KEY_MAX]


def request_key(request: HttpRequest) -> str:
    """The request's key. One longer than the column is refused, not cut: two keys that
    share their first hundred characters would otherwise be one, and the second request
    would get the first one's answer."""
    raw = (request.headers.get(HEADER, "") or "").strip()
    if len(raw) > KEY_MAX:
        raise ValidationFailed(
            lazy_format(_("The Idempotency-Key is longer than %(n)s characters."), {"n": KEY_MAX}),
            code="idempotency_key_too_long",
        )
    return raw


def _request_line(request: HttpRequest) -> str:
    return f"{request.method} {request.path}"[:300]


def _replay(owner: str, key: str, line: str) -> Status | None:
    row = IdempotentRequest.objects.filter(owner=owner, key=key).first()
    if row is None:
        return None
    if row.request != line:
        raise Conflict(
            _("This Idempotency-Key was already used for another request."),
            code="idempotency_key_reused",
        )
    return Status(row.status, row.body)


def idempotent(schema: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a Ninja write handler whose answer is `schema` (for every success status)."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(request: Any, *args: Any, idempotency_key: str = "", **kwargs: Any) -> Any:
            key = request_key(request)
            if not key:
                return view(request, *args, **kwargs)
            owner, line = f"u:{request.auth.pk}", _request_line(request)
            try:
                with transaction.atomic():
                    row = IdempotentRequest.objects.create(
                        owner=owner, key=key, request=line, created_at=clock.now()
                    )
                    result = view(request, *args, **kwargs)
                    status, value = (
                        (result.status_code, result.value)
                        if isinstance(result, Status)
                        else (200, result)
                    )
                    row.status = status
                    row.body = schema.model_validate(value).model_dump(mode="json")
                    row.save(update_fields=["status", "body"])
            except IntegrityError:
                replay = _replay(owner, key, line)
                if replay is None:
                    raise
                return replay
            return Status(status, row.body)

        # Ninja reads the parameters from the signature: document the header, and give
        # the annotations resolved, since they are looked up in this module otherwise.
        hints = typing.get_type_hints(view)
        params = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(view).parameters.values()
        ]
        params.append(
            inspect.Parameter(
                "idempotency_key",
                inspect.Parameter.KEYWORD_ONLY,
                default=IDEMPOTENCY_KEY,
                annotation=str,
            )
        )
        handler.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        handler.__annotations__ = {}
        return handler

    return wrap
