"""Mounts every app's router at /api/v1/ and turns errors into one JSON shape:
{"code", "message", "message_zh", "message_en", "detail"?}. Holds no business logic."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth
from ninja.types import DictStrAny

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.api.routes import auth_router
from jiaoliuba.accounts.api.routes import router as people_router
from jiaoliuba.appeals.api.routes import router as appeals_router
from jiaoliuba.bookings.api.routes import router as bookings_router
from jiaoliuba.community.api.routes import router as community_router
from jiaoliuba.core.errors import ApplicationError, NotAuthenticated, NotFound, ValidationFailed
from jiaoliuba.core.middleware import contains_nul, nul_error
from jiaoliuba.dashboards.api.routes import router as dashboards_router
from jiaoliuba.deliberation.api.meetings import router as meetings_router
from jiaoliuba.deliberation.api.routes import router as deliberation_router
from jiaoliuba.deliberation.api.votes import router as votes_router
from jiaoliuba.deliberation.consensus.api import router as consensus_router
from jiaoliuba.notifications.api.routes import router as notifications_router
from jiaoliuba.points.api.routes import router as points_router
from jiaoliuba.privacy.api.routes import router as privacy_router
from jiaoliuba.regions.api.routes import router as regions_router
from jiaoliuba.venues.api.routes import router as venues_router


class NulCheckingParser(Parser):
    """Multipart fields reach the API only through this parser (the NUL middleware leaves
    multipart bodies to the view); JSON and query strings are checked here again. (Half a
    surrogate pair comes only in a JSON escape, which the middleware answers on every
    stack, so it is not looked for here.)"""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if contains_nul(data):
            raise nul_error()
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        result = super().parse_querydict(data, list_fields, request)
        if contains_nul(list(result.keys())) or contains_nul(
            [v for v in result.values() if isinstance(v, str | list)]
        ):
            raise nul_error()
        return result


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = account_services.api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


class ErrorOut(Schema):
    """Every 4xx answer of the API (jiaoliuba.core.errors.ApplicationError.as_payload)."""

    code: str = Field(description="Stable machine-readable code, e.g. appeal_not_found")
    message: str = Field(description="In the request's language")
    message_zh: str
    message_en: str
    detail: dict[str, Any] | None = Field(
        None, description="Extra facts; for 422, `errors` lists the fields that failed"
    )


ERROR_ANSWERS = {
    400: "The request is wrong (a rule of the service, a NUL character, a bad value)",
    401: "Not signed in, or the token is not valid",
    403: "Signed in, but this role may not do that to an object it can see",
    404: "No such object, or it is outside the caller's scope",
    409: "The object changed meanwhile (its status no longer allows this), or a duplicate",
    422: "A field is missing or of the wrong type",
    429: "Too many attempts; try again later",
}


class JiaoliubaAPI(NinjaAPI):
    """Adds the error answers to every operation of the OpenAPI document. They come from
    exception handlers, not from the handlers' return values, so Ninja cannot see them;
    without them a generated client treats each 4xx as an unknown failure."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorOut"] = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        ref = {"$ref": REF_TEMPLATE.format(model="ErrorOut")}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in self._error_statuses(path, method, operation):
                    if status in responses:  # an operation that declares its own wins
                        continue
                    responses[status] = {
                        "description": ERROR_ANSWERS[status],
                        "content": {"application/json": {"schema": ref}},
                    }
        return schema

    @staticmethod
    def _error_statuses(path: str, method: str, operation: dict) -> list[int]:
        """Ninja keys responses by int status; so do we, or a status would appear twice."""
        statuses = {400, 422}
        if operation.get("security"):
            statuses |= {401, 403, 404}
        elif "{" in path:
            statuses.add(404)
        if method in ("post", "put", "patch", "delete"):
            statuses.add(409)
        if method == "post" and path.rstrip("/").endswith(
            ("/auth/token", "/auth/sms/request", "/auth/sms/verify")
        ):
            statuses |= {401, 429}
        return sorted(statuses)


api = JiaoliubaAPI(
    title="交流吧 Jiaoliuba API",
    version="1",
    description="Grassroots community governance. 中文优先; errors carry message_zh and message_en.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    parser=NulCheckingParser(),
)
api.add_router("/auth/", auth_router)
# people before regions: its /regions/mine must match before /regions/{code}.
api.add_router("/", people_router)
api.add_router("/", regions_router)
api.add_router("/", appeals_router)
api.add_router("/", notifications_router)
api.add_router("/", dashboards_router)
api.add_router("/deliberation/", deliberation_router)
api.add_router("/", votes_router)
api.add_router("/", points_router)
api.add_router("/", consensus_router)
api.add_router("/bookings/", bookings_router)
api.add_router("/community/", community_router)
api.add_router("/", meetings_router)
api.add_router("/", privacy_router)
api.add_router("/venues/", venues_router)


def _error(request: HttpRequest, error: ApplicationError):
    return api.create_response(request, error.as_payload(), status=error.status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError):
    return _error(request, exc)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError):
    error = ValidationFailed(
        _("Some fields are missing or not valid."),
        code="invalid_request",
        extra={"errors": exc.errors},
    )
    response = _error(request, error)
    response.status_code = 422
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    return _error(request, NotAuthenticated(_("Please sign in first.")))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return _error(request, NotFound(_("Not found.")))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    error = ApplicationError(str(exc), code="http_error")
    error.status = exc.status_code
    return _error(request, error)
