"""The resident's 个人信息 page: a readable copy of everything held about them, the same as
JSON, and deletion. Staff accounts see their copy too; deleting one is an administrator's job."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jiaoliuba.accounts.decorators import signed_in, staff_signed_in
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.core.request import client_ip
from jiaoliuba.core.services import audit_record
from jiaoliuba.privacy import access_log, registry, services


def _retention() -> list[dict[str, object]]:
    return [
        {"description": rule.description, "days": days} for rule, days in registry.retention_rules()
    ]


def _shown(value: object, names: dict[str, str]) -> object:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
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
        json.dumps(copy, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
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


class AccessLogFilters(forms.Form):
    viewer = forms.CharField(label=gettext_lazy("Viewer"), required=False, max_length=64)
    field = forms.CharField(label=gettext_lazy("Field"), required=False, max_length=32)
    subject_type = forms.CharField(label=gettext_lazy("Subject"), required=False, max_length=64)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _filtered(request: SignedInRequest) -> tuple[AccessLogFilters, Any]:
    form = AccessLogFilters(request.GET or None)
    filters = access_log.Filters()
    if form.is_valid():
        filters = access_log.Filters(**form.cleaned_data)
    return form, access_log.access_log(user=request.user, filters=filters)


@staff_signed_in
@require_GET
def access_log_review(request: SignedInRequest) -> HttpResponse:
    form, rows = _filtered(request)
    fields, kinds = access_log.known_values(user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/access_log.html",
        {"form": form, "page": page, "fields": fields, "kinds": kinds, "query": query.urlencode()},
    )


@staff_signed_in
@require_GET
def access_log_csv(request: SignedInRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sensitive-access-log.csv"'
    response.write("\ufeff")  # so Excel opens the Chinese text as UTF-8
    out = csv.writer(response)
    out.writerow([_("Time"), _("Viewer"), _("Subject"), _("Field"), _("Reason"), _("IP address")])
    count = 0
    for row in rows.iterator(chunk_size=1000):
        out.writerow(
            [
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                _safe(str(row.actor) if row.actor else ""),
                f"{row.subject_type}:{row.subject_id}",
                row.field,
                _safe(row.reason),
                row.ip or "",
            ]
        )
        count += 1
    audit_record(
        actor=request.user,
        action="access_log.export",
        target=request.user,
        after={"filters": request.GET.dict(), "rows": count},
        ip=client_ip(request),
    )
    return response


def _safe(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + - or @ as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
