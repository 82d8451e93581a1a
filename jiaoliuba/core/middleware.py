from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiaoliuba.core.errors import ApplicationError


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
