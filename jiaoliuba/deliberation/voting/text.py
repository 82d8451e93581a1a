"""Messages with parameters that stay translatable."""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy


def _fmt(message: Any, **params: Any) -> Any:
    """A translatable message with parameters that stays lazy, so the error's message_zh
    and message_en are both in their own language (a plain % would fix one language)."""
    return lazy(lambda: str(message) % params, str)()
