from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import ApplicationError, ValidationFailed
from jiaoliuba.core.uploads import error_response


class ApplicationErrorMiddleware:
    """A page view that lets an ApplicationError escape gets a friendly page with the right
    status (404 for out-of-scope objects), never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        return None


def _any_string(value: Any, test: Callable[[str], bool]) -> bool:
    """True if `test` holds for a string, or for any string (key or value) of a decoded JSON
    document or form."""
    if isinstance(value, str):
        return test(value)
    if isinstance(value, dict):
        return any(_any_string(k, test) or _any_string(v, test) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_any_string(v, test) for v in value)
    return False


def contains_nul(value: Any) -> bool:
    """True if a NUL character hides anywhere in a string, or in the strings of a decoded
    JSON document or form (PostgreSQL cannot store it, and no person types one)."""
    return _any_string(value, lambda text: "\x00" in text)


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def contains_lone_surrogate(value: Any) -> bool:
    """True if a string holds half of a UTF-16 surrogate pair. JSON's escape "\\ud800" decodes
    to one; it is not text, no database can store it and no keyboard types it. (Forms and query
    strings cannot carry one: their bytes are decoded as UTF-8.)"""
    return _any_string(value, _not_utf8)


def _without_nul(query: QueryDict) -> QueryDict:
    if not any(contains_nul(k) or contains_nul(query.getlist(k)) for k in query):
        return query
    clean = QueryDict(mutable=True)
    for key in query:
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in query.getlist(key)])
    clean._mutable = False
    return clean


def nul_error() -> ValidationFailed:
    return ValidationFailed(
        _("The request contains a NUL character (\\x00), which is not allowed."),
        code="nul_character",
    )


def surrogate_error() -> ValidationFailed:
    return ValidationFailed(
        _(
            "The request contains half of a UTF-16 surrogate pair (\\ud800–\\udfff), "
            "which is not text and cannot be stored."
        ),
        code="invalid_unicode",
    )


class RejectNulMiddleware:
    """One guard for every page and API operation: a NUL character in the path, the query,
    a header or a form/JSON body answers 400 before any view runs, instead of a 500 from
    PostgreSQL ("text fields cannot contain NUL"). Only a page's query string is cleaned
    instead of refused. A lone surrogate in a JSON body (which no database can store, and
    which made intake answer 500) answers 400 the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # Multipart bodies were parsed by UploadLimitMiddleware (with the upload limits)
        # before this runs; should a view ever be left unparsed, the API's parser still
        # checks the fields of its operations.
        read_multipart = not getattr(view_func, "csrf_exempt", False)
        if not request.path.startswith("/api/") and request.method in ("GET", "HEAD"):
            # A page's search box: a pasted NUL means nothing, so it is dropped and the
            # search goes on (an API client gets the 400 and can fix its request).
            # Still immutable (see _without_nul); the stubs want their own QueryDict type.
            request.GET = _without_nul(request.GET)  # type: ignore[assignment]
        if self._has_nul(request, read_multipart=read_multipart):
            return error_response(request, nul_error())
        if self._has_lone_surrogate(request):
            return error_response(request, surrogate_error())
        return None

    @staticmethod
    def _has_lone_surrogate(request: HttpRequest) -> bool:
        content_type = request.content_type or ""
        if request.method in ("GET", "HEAD", "OPTIONS") or not (
            content_type == "application/json" or content_type.endswith("+json")
        ):
            return False
        # JSON spells the escape \u with a lower-case u and either case of hex digit.
        body = request.body
        if b"\\ud" not in body and b"\\uD" not in body:
            return False
        try:
            return contains_lone_surrogate(json.loads(body))
        except ValueError:
            return False

    @staticmethod
    def _has_nul(request: HttpRequest, *, read_multipart: bool) -> bool:
        if "\x00" in request.path:
            return True
        if any(contains_nul(k) or contains_nul(request.GET.getlist(k)) for k in request.GET):
            return True
        if any("\x00" in str(v) for k, v in request.META.items() if k.startswith("HTTP_")):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if (
            hasattr(request, "_post")
            or content_type == "application/x-www-form-urlencoded"
            or (content_type == "multipart/form-data" and read_multipart)
        ):
            post = request.POST
            return any(contains_nul(k) or contains_nul(post.getlist(k)) for k in post)
        if content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body.lower():
                try:
                    return contains_nul(json.loads(body)) or b"\x00" in body
                except ValueError:
                    return b"\x00" in body
        return False


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` from settings.PERMISSIONS_POLICY ({feature: [origins]}; an
    empty list turns the feature off for every origin, "self" allows this site only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(_origin(o) for o in origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def _origin(origin: str) -> str:
    return origin if origin in {"self", "*"} else f'"{origin}"'


def is_bearer_api_call(request: HttpRequest) -> bool:
    """A call of the API (/api/…) that signs in with `Authorization: Bearer <token>`
    (the scheme's name in any case, as Ninja's HttpBearer reads it)."""
    if not request.path_info.startswith("/api/"):
        return False
    scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0]
    return scheme.lower() == "bearer"


class _Stack(BaseHandler):
    """A second, synchronous middleware stack over Django's own view handling
    (`BaseHandler._get_response`: URL resolution, process_view, the view, exception and
    template-response middleware), built from `paths` as `BaseHandler.load_middleware`
    builds settings.MIDDLEWARE's."""

    def __init__(self, paths: list[str]) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self.classes: list[type] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            self.classes.insert(0, type(middleware))
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._middleware_chain(request)  # type: ignore[misc,return-value]


class BearerApiMiddleware:
    """An API call signed in with a bearer token skips the middleware only pages need:
    it goes through settings.API_BEARER_MIDDLEWARE instead of the rest of MIDDLEWARE.

    Left out, and why that keeps the same security: CSRF (every API operation is
    csrf-exempt for the page middleware anyway — Ninja checks CSRF itself when it falls
    back to the session cookie, with its own instance of Django's check), messages, htmx,
    static files and the HTML error page (the API answers its errors as JSON). Kept:
    sessions and authentication (both lazy: a valid token never touches the session, and
    an invalid one still falls back to the session with Ninja's CSRF check, as before),
    the request's language, the upload limits, the NUL guard, the common and frame
    headers; SecurityMiddleware runs before this one for every request. Anything else,
    and every page, takes the whole stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.api = _Stack(settings.API_BEARER_MIDDLEWARE)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_bearer_api_call(request):
            return self.api(request)
        return self.get_response(request)
