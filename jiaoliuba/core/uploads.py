"""Request bodies are measured while they arrive, not after. Every uploaded file streams
to a temporary file on disk (never into memory), and a file or a body that grows past its
limit stops the upload at that chunk: a 400 MB body costs at most one chunk of work
before the client gets a 413 in the project's error shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import ApplicationError, ValidationFailed


class PayloadTooLarge(ApplicationError):
    status = 413
    code = "request_too_large"


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def request_too_large(limit: int | None = None) -> PayloadTooLarge:
    limit = limit or settings.UPLOAD_MAX_REQUEST_BYTES
    return PayloadTooLarge(
        _("What was sent is larger than %(mb)s MB.") % {"mb": _mb(limit)},
        code="request_too_large",
    )


def file_too_large(name: str, limit: int) -> PayloadTooLarge:
    # Same words as the check after upload (appeals.uploads), so one translation serves both.
    return PayloadTooLarge(
        _("“%(name)s” is larger than %(mb)s MB.") % {"name": name[:60], "mb": _mb(limit)},
        code="file_too_large",
    )


def field_limit(field_name: str) -> int:
    setting = settings.UPLOAD_FIELD_LIMITS.get(field_name)
    return int(getattr(settings, setting)) if setting else settings.UPLOAD_MAX_FILE_BYTES


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to disk and counts its bytes as they arrive."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,  # type: ignore[override]  # Django passes bytes; stubs say str
        encoding: str | None = None,
    ) -> None:
        if content_length > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise request_too_large()
        self.request_bytes = 0
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        self.limit = field_limit(field_name)
        self.received = 0
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.request_bytes += len(raw_data)
        if self.received > self.limit:
            self.file.close()  # deletes the partial temporary file
            raise file_too_large(self.file_name or self.field_name or "", self.limit)
        if self.request_bytes > settings.UPLOAD_MAX_REQUEST_BYTES:
            self.file.close()
            raise request_too_large()
        return super().receive_data_chunk(raw_data, start)


def error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error.as_payload(), status=error.status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "core/error.html", {"error": error}, status=error.status)


class UploadLimitMiddleware:
    """Runs before CSRF (which is the first to read a form body): refuses a declared
    oversize body without reading it, and turns every failure while parsing a multipart
    body into a clear 4xx instead of Django's bare 400 page or a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.UPLOAD_MAX_REQUEST_BYTES:
            return error_response(request, request_too_large())
        if request.content_type != "multipart/form-data":
            # Form and JSON bodies are read whole into memory: Django refuses them past
            # DATA_UPLOAD_MAX_MEMORY_SIZE, here with the project's answer, not a bare 400.
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and declared > limit:
                return error_response(request, request_too_large(limit))
            return None
        if request.method != "POST":
            return None
        try:
            request.FILES  # noqa: B018 - parse now, with the limits above
        except ApplicationError as exc:
            return error_response(request, exc)
        except RequestDataTooBig:  # the text fields of the form
            return error_response(request, request_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        except (TooManyFilesSent, TooManyFieldsSent):
            return error_response(
                request,
                ValidationFailed(_("Too many files or fields in one form."), code="too_many_files"),
            )
        except MultiPartParserError:
            return error_response(
                request,
                ValidationFailed(_("The form data could not be read."), code="invalid_form_data"),
            )
        return None
