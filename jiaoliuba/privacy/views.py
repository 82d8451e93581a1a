"""The resident's 个人信息 page: a readable copy of everything held about them, the same as
JSON, and deletion. Staff accounts see their copy too; deleting one is an administrator's job."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiaoliuba.accounts.decorators import signed_in
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.core.request import client_ip
from jiaoliuba.privacy import registry, services


def _retention() -> list[dict[str, object]]:
    return [
        {"description": rule.description, "days": days} for rule, days in registry.retention_rules()
    ]


def _shown(value: object, names: dict[str, str]) -> object:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return names.get(str(value), value)


def _readable(part: dict[str, Any]) -> dict[str, Any]:
    """A section as (label, value) pairs per row, coded values by their names."""
    labels, choices = part["labels"], part["choices"]
    return {
        "title": part["title"],
        "rows": [
            [(labels[key], _shown(value, choices.get(key, {}))) for key, value in row.items()]
            for row in part["rows"]
        ],
    }


@signed_in
@require_GET
def my_data(request: SignedInRequest) -> HttpResponse:
    copy = services.privacy_export(user=request.user, ip=client_ip(request))
    parts = [part for sections in copy["data"].values() for part in sections.values()]
    return render(
        request,
        "privacy/my_data.html",
        {
            "parts": [_readable(p) for p in parts if p["rows"]],
            "empty": [p["title"] for p in parts if not p["rows"]],
            "retention": _retention(),
        },
    )


@signed_in
@require_GET
def my_data_json(request: SignedInRequest) -> HttpResponse:
    copy = services.privacy_export(user=request.user, ip=client_ip(request))
    response = HttpResponse(
        json.dumps(copy, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="jiaoliuba-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def erase(request: SignedInRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.privacy_erase(
                user=request.user,
                confirmation=request.POST.get("confirmation", ""),
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            logout(request)
            return render(request, "privacy/erased.html")
    return render(request, "privacy/erase.html", {"error": error}, status=400 if error else 200)
