"""The OpenAPI document is a contract a generated client can rely on (issue 9 item 8):
one shape per schema name, required fields that real answers carry, the error answers
and the multipart body of POST /appeals documented."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import pytest
from ninja import Schema
from PIL import Image

from jiaoliuba.accounts.choices import Role
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1

TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert name in spec["components"]["schemas"], f"dangling $ref {name}"
        schema = spec["components"]["schemas"][name]
    return schema


def problems(spec: dict, schema: dict, value: Any, where: str = "$") -> list[str]:
    """What in `value` the schema does not allow: missing required fields, wrong types."""
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        found = [problems(spec, s, value, where) for s in schema["anyOf"]]
        return [] if any(not f for f in found) else found[0]
    kind = schema.get("type")
    if kind is None:
        return []
    if kind == "null":
        return [] if value is None else [f"{where}: {value!r} is not null"]
    expected = TYPES[kind]
    if (
        value is None
        or not isinstance(value, expected)
        or (kind in ("integer", "number") and isinstance(value, bool))
    ):
        return [f"{where}: {value!r} is not {kind}"]
    found: list[str] = []
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: required {name!r} is missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += problems(spec, sub, value[name], f"{where}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            found += problems(spec, schema.get("items", {}), item, f"{where}[{i}]")
    return found


def _answer_schema(spec: dict, path: str, method: str, status: int) -> dict:
    responses = spec["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method} {path} answered {status}, not documented"
    return responses[str(status)]["content"]["application/json"]["schema"]


def _all_schema_classes(cls=Schema):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_schema_classes(sub)


def test_schema_names_are_unique(spec):
    """Ninja keys components by class name and keeps one: two classes of one name made
    clients expect the dashboards' region (with a required id) on every appeal."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _all_schema_classes():
        if cls.__module__.startswith("jiaoliuba."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: where for name, where in by_name.items() if len(where) > 1}
    assert not clashes

    # and every $ref in the document points at a schema that is there
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                _resolve(spec, node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)


def test_every_operation_documents_its_error_answers(spec):
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(_resolve(spec, error)["required"]) == {
        "code",
        "message",
        "message_zh",
        "message_en",
    }
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            wanted = {"400", "422"}
            if op.get("security"):
                wanted |= {"401", "403", "404"}
            if method in ("post", "patch", "delete"):
                wanted.add("409")
            for status in wanted:
                assert status in responses, (method, path, status)
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == error, (method, path, status)


def test_post_appeals_documents_its_multipart_body(spec):
    for path, fields in (
        ("/api/v1/appeals", {"content"}),
        ("/api/v1/appeals/desk", {"content", "channel"}),
    ):
        op = spec["paths"][path]["post"]
        body = op["requestBody"]["content"]["multipart/form-data"]["schema"]
        body = _resolve(spec, body)
        properties = body["properties"]
        assert {"content", "community", "grid", "address", "is_anonymous"} <= set(properties)
        assert properties["photos"]["type"] == "array"
        assert properties["photos"]["items"]["format"] == "binary"
        assert properties["voice"]["format"] == "binary"
        assert set(body["required"]) == fields
        assert any(p["name"] == "Idempotency-Key" for p in op["parameters"])
    material = spec["paths"]["/api/v1/appeals/{appeal_id}/material"]["post"]
    body = _resolve(spec, material["requestBody"]["content"]["multipart/form-data"]["schema"])
    assert body["properties"]["photos"]["items"]["format"] == "binary"
    assert "text" in body["properties"]


@pytest.fixture
def people(make_staff, make_resident, api_client):
    return {
        "resident": make_resident(JIEFANG_G1, name="李四"),
        "secretary": make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="sec"),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG, username="street"),
    }


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_real_answers_carry_what_the_document_requires(spec, people, api_client):
    resident = api_client(people["resident"])
    photo = io.BytesIO(_jpeg())
    photo.name = "灯.jpg"
    created = resident.post(
        "/api/v1/appeals",
        {"content": "楼道灯坏了一周，晚上很黑", "address": "3号楼", "photos": [photo]},
    )
    assert created.status_code == 201, created.content
    appeal = created.json()
    checked = [("/api/v1/appeals", "post", created)]
    staff = api_client(people["secretary"])
    street = api_client(people["street"])
    region_id = street.get("/api/v1/regions/mine").json()
    checked += [
        ("/api/v1/appeals/{appeal_id}", "get", resident.get(f"/api/v1/appeals/{appeal['id']}")),
        ("/api/v1/appeals/{appeal_id}", "get", staff.get(f"/api/v1/appeals/{appeal['id']}")),
        ("/api/v1/appeals", "get", staff.get("/api/v1/appeals")),
        (
            "/api/v1/appeals/{appeal_id}/events",
            "get",
            staff.get(f"/api/v1/appeals/{appeal['id']}/events"),
        ),
        ("/api/v1/residents", "get", staff.get("/api/v1/residents")),
        ("/api/v1/me", "get", resident.get("/api/v1/me")),
        ("/api/v1/regions/mine", "get", street.get("/api/v1/regions/mine")),
        ("/api/v1/notifications", "get", staff.get("/api/v1/notifications")),
        ("/api/v1/dashboards/kpis", "get", street.get("/api/v1/dashboards/kpis")),
        ("/api/v1/dashboards/children", "get", street.get("/api/v1/dashboards/children")),
        # errors are answers too
        ("/api/v1/appeals/{appeal_id}", "get", resident.get("/api/v1/appeals/987654")),
        ("/api/v1/appeals", "get", staff.get("/api/v1/appeals?offset=-1")),
        (
            "/api/v1/appeals/{appeal_id}/rate",
            "post",
            staff.post(
                f"/api/v1/appeals/{appeal['id']}/rate",
                {"level": "satisfied", "solved": True},
                content_type="application/json",
            ),
        ),
    ]
    assert region_id  # the street officer has a scope
    for path, method, response in checked:
        body = response.json()
        schema = _answer_schema(spec, path, method, response.status_code)
        assert not problems(spec, schema, body), (method, path, problems(spec, schema, body))
    # the shapes that used to share one name are both exercised
    assert "id" not in appeal["community"]
    kpis = street.get("/api/v1/dashboards/kpis").json()
    assert "id" in kpis["region"]
