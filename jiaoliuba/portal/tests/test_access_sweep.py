"""The access-control sweep: every route of the site and of the API, from Django's URL
resolver and the OpenAPI schema, declared in jiaoliuba/testing/access_registry.py. Signed-out
visitors are refused everything that is not public; every role asks for objects outside its
scope by id and gets 403/404 without any of their data. A new route that is not declared
fails here, with what to add."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jiaoliuba.accounts.choices import Role
from jiaoliuba.api.api import api
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services import Intake
from jiaoliuba.testing import access_registry as registry
from jiaoliuba.testing.access_objects import (
    BUILDERS,
    MARKER,
    PRIVATE_MARKER,
    XIPING_COMMUNITY,
    XIPING_GRID,
    World,
)
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, YICHENG

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ("/login/", "/staff/login/")
REFUSED = {401, 403, 404, 405}
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAM = re.compile(r"{(?P<name>[^}]+)}")


def page_routes() -> Iterator[tuple[str, str]]:
    """(URL name, route pattern) of every page; the admin is one entry."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = ":".join(filter(None, [namespace, item.namespace or ""]))
                if ns == "admin":
                    yield registry.ADMIN, prefix + str(item.pattern)
                    continue
                yield from walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                name = ":".join(filter(None, [namespace, item.name or ""]))
                yield name, prefix + str(item.pattern)

    seen = set()
    for name, route in walk(get_resolver(), "", ""):
        if route.startswith("api/v1/") or (name, route) in seen:
            continue
        seen.add((name, route))
        yield name, route


def api_operations() -> Iterator[tuple[str, str, str]]:
    """("METHOD /path", method, path) of every API operation in the OpenAPI schema."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            yield f"{method.upper()} {path}", method.upper(), path


def test_every_route_is_declared():
    pages = {name for name, _route in page_routes()}
    operations = {key for key, _m, _p in api_operations()}
    undeclared = sorted(pages - set(registry.PAGES)) + sorted(operations - set(registry.API))
    gone = sorted(set(registry.PAGES) - pages) + sorted(set(registry.API) - operations)
    assert not undeclared, (
        "Routes missing from jiaoliuba/testing/access_registry.py (declare each as PUBLIC or "
        "PRIVATE; add any new id parameter to OBJECTS):\n" + "\n".join(undeclared)
    )
    assert not gone, "Declared in access_registry.py but no longer routed:\n" + "\n".join(gone)
    params = {m.group("name") for _n, r in page_routes() for m in PARAM.finditer(r)} | {
        m.group("name") for _k, _m, p in api_operations() for m in API_PARAM.finditer(p)
    }
    params.discard("path")  # the admin's catch-all
    unknown = sorted(params - set(registry.OBJECTS) - set(registry.FIXED))
    assert not unknown, (
        f"Add these path parameters to OBJECTS (with a builder in "
        f"jiaoliuba/testing/access_objects.py) or to FIXED: {unknown}"
    )
    kinds = set(registry.OBJECTS.values()) | {
        kind for overrides in registry.ROUTE_OBJECTS.values() for kind in overrides.values()
    }
    no_builder = sorted(kinds - set(BUILDERS))
    assert not no_builder, (
        f"No builder in jiaoliuba/testing/access_objects.py for the kinds {no_builder}: write "
        "one that makes a real object of that kind outside every swept role's scope"
    )
    public_with_ids = {
        name
        for name, route in page_routes()
        if _object_params(PARAM, route) and registry.PAGES.get(name) == registry.PUBLIC
    } | {
        key
        for key, _m, path in api_operations()
        if _object_params(API_PARAM, path) and registry.API.get(key) == registry.PUBLIC
    }
    unexplained = sorted(public_with_ids - set(registry.PUBLIC_OBJECT_ROUTES))
    assert not unexplained, (
        "Public routes that take an object id need an entry in PUBLIC_OBJECT_ROUTES (why "
        f"public, what they may show): {unexplained}"
    )
    stale = sorted(set(registry.PUBLIC_OBJECT_ROUTES) - public_with_ids)
    assert not stale, f"In PUBLIC_OBJECT_ROUTES but not a public route with an id: {stale}"


def _object_params(pattern: re.Pattern[str], route: str) -> list[str]:
    return [m.group("name") for m in pattern.finditer(route) if m.group("name") in registry.OBJECTS]


@pytest.fixture
def world(regions, make_resident, make_staff):
    """One object of every kind in OBJECTS, in 西平县 棠溪社区 with MARKER in its text, and
    one person per swept role in 驿城区 (none covers 西平县)."""
    owner = make_resident(XIPING_GRID, name=MARKER)
    appeal, _created = appeal_services.appeal_submit(
        submitter=owner,
        intake=Intake(content=f"{MARKER} 路灯坏了三天", community=None, grid=regions[XIPING_GRID]),
    )
    outside = World(
        regions=regions,
        owner=owner,
        staff=make_staff(Role.COMMUNITY_STAFF, XIPING_COMMUNITY),
        appeal=appeal,
    )
    for kind in sorted(set(registry.OBJECTS.values())) + [
        kind for overrides in registry.ROUTE_OBJECTS.values() for kind in overrides.values()
    ]:
        outside.get(kind)
    people = {
        "resident": make_resident(JIEFANG_G1, name="本区居民"),
        "grid": make_staff(Role.GRID_WORKER, JIEFANG_G1),
        "community": make_staff(Role.COMMUNITY_STAFF, JIEFANG),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG),
        "district": make_staff(Role.DISTRICT_OFFICER, YICHENG),
    }
    assert Appeal.objects.filter(pk=appeal.pk, content__contains=MARKER).exists()
    people_outside[:] = [outside.staff, owner]
    return outside.built, people


people_outside: list[Any] = []


def _fill(route: str, pattern: re.Pattern[str], built: dict[str, int], name: str = "") -> str:
    overrides = registry.ROUTE_OBJECTS.get(name, {})

    def value(match: re.Match[str]) -> str:
        param = match.group("name")
        if param in registry.FIXED:
            return registry.FIXED[param]
        return str(built[overrides.get(param, registry.OBJECTS[param])])

    return pattern.sub(value, route)


def _page_url(name: str, route: str, built: dict[str, int]) -> str:
    if name == registry.ADMIN:
        return "/admin/"
    return "/" + _fill(route.replace("^", "").replace("$", ""), PARAM, built, name)


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _signed_out_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(SIGN_IN_PAGES)


def _schema_example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value the schema accepts: required properties only, the first enum value."""
    if "$ref" in schema:
        return _schema_example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [o for o in schema[combined] if o.get("type") != "null"]
            return _schema_example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: _schema_example(props[k], components) for k in schema.get("required", [])}
    if kind == "array":
        minimum = schema.get("minItems", 0)
        return [_schema_example(schema.get("items", {}), components)] * minimum
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt == "date-time":
            return "2026-12-20T10:00:00+08:00"
        if fmt == "date":
            return "2026-12-20"
        return "越界请求的正文内容" * max(1, schema.get("minLength", 1) // 9 + 1)
    return None


def _api_bodies() -> dict[str, Any]:
    """A body for each API operation that takes one, as its OpenAPI schema requires (the
    required fields, well-typed); the registry's API_BODIES add a second, fully valid one
    where well-typed is not enough."""
    spec = api.get_openapi_schema()
    components = spec.get("components", {}).get("schemas", {})
    bodies: dict[str, Any] = {}
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                key = f"{method.upper()} {path}"
                bodies[key] = _schema_example(schema, components)
    return bodies


_BODIES: dict[str, Any] = {}


def _body(key: str) -> Any:
    if not _BODIES:
        _BODIES.update(_api_bodies())
        _BODIES["—"] = None
    return _BODIES.get(key, {})


def _call(client: Client, method: str, url: str, body: Any = None, **extra):
    if method == "GET":
        return client.get(url, **extra)
    return getattr(client, method.lower())(
        url, data=json.dumps(body or {}), content_type="application/json", **extra
    )


def test_signed_out_visitors_are_refused_everything_not_public(world):
    built, _people = world
    client = Client()
    leaks = []
    for name, route in page_routes():
        if registry.PAGES.get(name) == registry.PUBLIC:
            continue
        url = _page_url(name, route, built)
        for response in (client.get(url), client.post(url, {})):
            if not _signed_out_refused(response) or MARKER in _text(response):
                leaks.append(f"{response.request['REQUEST_METHOD']} {url} → {response.status_code}")
    for key, method, path in api_operations():
        if registry.API.get(key) == registry.PUBLIC:
            continue
        url = _fill(path, API_PARAM, built, key)
        response = _call(client, method, url, body=_body(key))
        if response.status_code not in REFUSED or MARKER in _text(response):
            leaks.append(f"{key} → {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_every_role_is_refused_objects_outside_its_scope(world, api_client):
    built, people = world
    started = time.monotonic()
    leaks = []
    for role, user in people.items():
        pages = Client()
        pages.force_login(user)
        api_calls = api_client(user)
        for name, route in page_routes():
            if registry.PAGES.get(name) == registry.PUBLIC or not _object_params(PARAM, route):
                continue
            url = _page_url(name, route, built)
            posts = [pages.post(url, body) for body in [{}, *registry.PAGE_BODIES.get(name, [])]]
            for response in (pages.get(url), *posts):
                body = _text(response)
                allowed = {403, 404, 405} | ({302} if name in registry.CROSS_SCOPE else set())
                if response.status_code not in allowed or MARKER in body:
                    leaks.append(
                        f"{role}: {response.request['REQUEST_METHOD']} {url} → {response.status_code}"
                    )
        for key, method, path in api_operations():
            if registry.API.get(key) == registry.PUBLIC or not _object_params(API_PARAM, path):
                continue
            url = _fill(path, API_PARAM, built, key)
            # A body that fails validation (422) would refuse before any object is read and
            # prove nothing about scope: every body sent passes the schema.
            allowed = {403, 404, 405}
            if set(_object_params(API_PARAM, path)) & set(registry.PUBLIC_OBJECT_KINDS):
                allowed.add(409)
            for body in [_body(key), *registry.API_BODIES.get(key, [])]:
                response = _call(api_calls, method, url, body=body)
                if response.status_code not in allowed or MARKER in _text(response):
                    leaks.append(f"{role}: {key} → {response.status_code} {_text(response)[:120]}")
    print(f"\nsweep of {len(people)} roles: {time.monotonic() - started:.1f} s")
    assert not leaks, "\n".join(leaks)


def test_public_routes_show_only_what_is_public(world, api_client):
    """Public routes with an object id, signed out and for every role: what is not public
    (a story in review, a notice to one grid) is refused; what is public never carries the
    private parts (PRIVATE_MARKER)."""
    built, people = world
    visitors: dict[str, tuple[Client, Client]] = {"signed out": (Client(), Client())}
    for role, user in people.items():
        pages = Client()
        pages.force_login(user)
        visitors[role] = (pages, api_client(user))
    targets = [
        (name, _page_url(name, route, built), False)
        for name, route in page_routes()
        if name in registry.PUBLIC_OBJECT_ROUTES
    ] + [
        (key, _fill(path, API_PARAM, built, key), True)
        for key, _method, path in api_operations()
        if key in registry.PUBLIC_OBJECT_ROUTES
    ]
    assert len(targets) == len(registry.PUBLIC_OBJECT_ROUTES)
    leaks = []
    for who, (pages, api_calls) in visitors.items():
        for name, url, is_api in targets:
            response = (api_calls if is_api else pages).get(url)
            body = _text(response)
            _why, expect = registry.PUBLIC_OBJECT_ROUTES[name]
            refused = response.status_code in REFUSED or _signed_out_refused(response)
            if PRIVATE_MARKER in body or response.status_code >= 500:
                leaks.append(f"{who}: GET {url} → {response.status_code} shows private data")
            elif expect == "refused" and (not refused or MARKER in body):
                leaks.append(f"{who}: GET {url} → {response.status_code} (not public)")
    assert not leaks, "\n".join(leaks)


def test_the_built_objects_are_real_in_their_own_scope(world, api_client):
    """The refusals above are about scope: in its own community, the staff member or the
    resident who owns it opens each built kind that a GET route shows (a page, a file or
    the API) and finds it there."""
    built, _people = world
    post_only: set[str] = set()
    shown_by_get: dict[str, set[str]] = {}
    seen: set[str] = set()
    for insider in people_outside:
        pages = Client()
        pages.force_login(insider)
        api_calls = api_client(insider)
        gets = [
            (
                pages,
                _page_url(name, route, built),
                {registry.ROUTE_OBJECTS.get(name, {}).get(p, registry.OBJECTS[p]) for p in params},
            )
            for name, route in page_routes()
            if (params := _object_params(PARAM, route))
        ] + [
            (api_calls, _fill(path, API_PARAM, built, key), {registry.OBJECTS[p] for p in params})
            for key, method, path in api_operations()
            if method == "GET" and (params := _object_params(API_PARAM, path))
        ]
        for client, url, kinds in gets:
            response = client.get(url)
            if response.status_code == 405:
                post_only.add(url)  # nothing to see by GET
            shown_by_get[url] = kinds
            if response.status_code == 200 and (response.streaming or MARKER in _text(response)):
                seen |= kinds
    shown = {k for url, kinds in shown_by_get.items() if url not in post_only for k in kinds}
    missing = sorted(shown - seen)
    assert not missing, f"Built objects their own community does not see: {missing}"
