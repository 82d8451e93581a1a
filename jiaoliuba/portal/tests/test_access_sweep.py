"""The access-control sweep: every route of the site and of the API, from Django's URL
resolver and the OpenAPI schema, declared in jiaoliuba/testing/access_registry.py. Signed-out
visitors are refused everything that is not public; every role asks for objects outside its
scope by id and gets 403/404 without any of their data. A new route that is not declared
fails here, with what to add."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jiaoliuba.accounts.choices import Role
from jiaoliuba.api.api import api
from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services import Intake
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing import access_registry as registry
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, YICHENG

pytestmark = pytest.mark.django_db

XIPING_GRID = "411721001001001"  # 西平县 棠溪社区 第1网格: covered by none of the roles below
MARKER = "越界标记XJ7Q"  # appears in the out-of-scope objects; must never come back
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
    assert not unknown, f"Add these path parameters to OBJECTS or FIXED: {unknown}"


@pytest.fixture
def world(regions, make_resident, make_staff):
    """Objects in 西平县 carrying MARKER, and one person per swept role in 驿城区."""
    owner = make_resident(XIPING_GRID, name=MARKER)
    appeal, _created = appeal_services.appeal_submit(
        submitter=owner,
        intake=Intake(content=f"{MARKER} 路灯坏了三天", community=None, grid=regions[XIPING_GRID]),
    )
    built = {
        "appeal": appeal.pk,
        "resident": owner.resident.pk,
        "attachment": 2_000_000_000,
        "notification": Notification.objects.filter(recipient=owner)
        .values_list("pk", flat=True)
        .first()
        or 2_000_000_000,
    }
    people = {
        "resident": make_resident(JIEFANG_G1, name="本区居民"),
        "grid": make_staff(Role.GRID_WORKER, JIEFANG_G1),
        "community": make_staff(Role.COMMUNITY_STAFF, JIEFANG),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG),
        "district": make_staff(Role.DISTRICT_OFFICER, YICHENG),
    }
    assert Appeal.objects.filter(pk=appeal.pk, content__contains=MARKER).exists()
    return built, people


def _fill(route: str, pattern: re.Pattern[str], built: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in registry.FIXED:
            return registry.FIXED[name]
        builder = registry.OBJECTS[name]
        return str(built[builder] if isinstance(builder, str) else builder(None))

    return pattern.sub(value, route)


def _page_url(name: str, route: str, built: dict[str, int]) -> str:
    if name == registry.ADMIN:
        return "/admin/"
    return "/" + _fill(route.replace("^", "").replace("$", ""), PARAM, built)


def _signed_out_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(SIGN_IN_PAGES)


def _call(client: Client, method: str, url: str, **extra):
    if method == "GET":
        return client.get(url, **extra)
    return getattr(client, method.lower())(url, data={}, content_type="application/json", **extra)


def test_signed_out_visitors_are_refused_everything_not_public(world):
    built, _people = world
    client = Client()
    leaks = []
    for name, route in page_routes():
        if registry.PAGES.get(name) == registry.PUBLIC:
            continue
        url = _page_url(name, route, built)
        for response in (client.get(url), client.post(url, {})):
            if not _signed_out_refused(response) or MARKER in response.content.decode(
                errors="replace"
            ):
                leaks.append(f"{response.request['REQUEST_METHOD']} {url} → {response.status_code}")
    for key, method, path in api_operations():
        if registry.API.get(key) == registry.PUBLIC:
            continue
        url = _fill(path, API_PARAM, built)
        response = _call(client, method, url)
        if response.status_code not in REFUSED or MARKER in response.content.decode():
            leaks.append(f"{key} → {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_every_role_is_refused_objects_outside_its_scope(world, api_client):
    built, people = world
    started = time.monotonic()
    leaks = []
    for role, user in people.items():
        pages = Client()
        pages.force_login(user)
        api = api_client(user)
        for name, route in page_routes():
            if not PARAM.search(route) or registry.PAGES.get(name) == registry.PUBLIC:
                continue
            if not any(m.group("name") in registry.OBJECTS for m in PARAM.finditer(route)):
                continue
            url = _page_url(name, route, built)
            for response in (pages.get(url), pages.post(url, {})):
                body = response.content.decode(errors="replace")
                allowed = {403, 404, 405} | ({302} if name in registry.CROSS_SCOPE else set())
                if response.status_code not in allowed or MARKER in body:
                    leaks.append(
                        f"{role}: {response.request['REQUEST_METHOD']} {url} → {response.status_code}"
                    )
        for key, method, path in api_operations():
            names = [m.group("name") for m in API_PARAM.finditer(path)]
            if registry.API.get(key) == registry.PUBLIC or not any(
                n in registry.OBJECTS for n in names
            ):
                continue
            url = _fill(path, API_PARAM, built)
            response = _call(api, method, url)
            # 422: the body failed validation before any object was read (no data either).
            if (
                response.status_code not in {403, 404, 405, 422}
                or MARKER in response.content.decode()
            ):
                leaks.append(f"{role}: {key} → {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert time.monotonic() - started < 600  # bounded (measured under load; see the report)
