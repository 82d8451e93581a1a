"""django-csp's middleware with the policy built once: the library formats the
Content-Security-Policy header from settings on every response (a thirtieth of an
intake's CPU). When nothing varies it per response — no nonce was asked for, the view
set no policy of its own, nothing is exempt or excluded, the header is not there yet,
not DEBUG — the header is a function of the settings alone, so it is built once per
settings object (a test's override gives a new object) and reused. Anything else goes
through the library unchanged; a test holds the headers equal to the library's."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What csp.decorators set on a response to change or drop its policy.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)


class CachedPolicyCSPMiddleware(CSPMiddleware):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the settings objects' ids; the objects are kept in the value so an id
        # cannot be reused by another object while its entry exists.
        self._built: dict[tuple[int, int], tuple[Any, Any, str, str]] = {}

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, a) for a in _PER_RESPONSE)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or (policy or {}).get("EXCLUDE_URL_PREFIXES")
            or (report_only or {}).get("EXCLUDE_URL_PREFIXES")
        ):
            return super().process_response(request, response)
        key = (id(policy), id(report_only))
        built = self._built.get(key)
        if built is None or built[0] is not policy or built[1] is not report_only:
            parts = self.get_policy_parts(request=request, response=response)
            parts_ro = self.get_policy_parts(request=request, response=response, report_only=True)
            built = self._built[key] = (
                policy,
                report_only,
                build_policy(**asdict(parts)),
                build_policy(**asdict(parts_ro), report_only=True),
            )
        if built[2]:
            response[HEADER] = built[2]
        if built[3]:
            response[HEADER_REPORT_ONLY] = built[3]
        # As the library does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
