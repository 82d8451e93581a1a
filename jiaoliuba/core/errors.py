"""One error family for everything a user can get wrong. Views, the API and commands
turn an ApplicationError into a clear message; nothing else should leak as a 500."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise, lazy


def _format(message: str | Promise, params: dict[str, Any]) -> str:
    return str(message) % params


# `_("… %(n)s …") % {…}` is a plain string in the language of the moment it ran: an error
# made that way answered message_en in Chinese (or message_zh in English). This keeps the
# message lazy, so each language interpolates its own translation.
lazy_format = lazy(_format, str)


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}

    def message_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.message)

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "code": self.code,
            "message": str(self.message),
            "message_zh": self.message_in("zh-hans"),
            "message_en": self.message_in("en"),
        }
        if self.extra:
            payload["detail"] = self.extra
        return payload


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"


class NotAuthenticated(ApplicationError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(ApplicationError):
    """For actions on objects the user can see but may not change. Objects outside the
    user's scope raise NotFound instead, so their existence does not leak."""

    status = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"


class UnsupportedMediaType(ApplicationError):
    status = 415
    code = "unsupported_media_type"


class Busy(ApplicationError):
    """The database could not take the write in time (SQLite under a rush): nothing was
    written; trying again shortly works."""

    status = 503
    code = "busy"
