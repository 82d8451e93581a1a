"""The fields of a POST that an API client may send as a form or as JSON.

The intake endpoints read a form (multipart, for photos, voice and video). A client that
sent the same fields as JSON, the usual way of an API, found the form empty and was told
"please describe the matter" about a body that held it. A JSON object of text, numbers
and true/false now reads as the same fields (files need multipart); any other body type
is refused with 415 and says what to send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import UnsupportedMediaType, ValidationFailed, lazy_format

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _as_form_value(field: str, value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise ValidationFailed(
        lazy_format(_("“%(field)s” must be text, a number or true/false."), {"field": field[:40]}),
        code="invalid_field",
    )


def form_fields(request: HttpRequest) -> tuple[Mapping[str, Any], MultiValueDict]:
    """(fields, files) of the request's body: its form, or its JSON object."""
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        return request.POST, request.FILES
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            body = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationFailed(
                _("The request body is not valid JSON."), code="invalid_json"
            ) from exc
        if not isinstance(body, dict):
            raise ValidationFailed(
                _("The JSON body must be an object of named fields."), code="invalid_json"
            )
        fields = {str(key): _as_form_value(str(key), value) for key, value in body.items()}
        return fields, MultiValueDict()
    if not request.body:
        return request.POST, request.FILES  # no body at all: the service says what is missing
    raise UnsupportedMediaType(
        _(
            "Send the fields as multipart/form-data (needed for photos, voice and video), "
            "as a form, or as a JSON object."
        )
    )
