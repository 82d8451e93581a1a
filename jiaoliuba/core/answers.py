"""Answer a hot API call without a second pass over its output: Ninja validates what a
route returns against the response schema, then dumps it again (a twentieth of an
intake's CPU), although the route built that dict itself a moment before. `answer`
gives Ninja's own JSON for the same dict (the schema's fields in its order, a missing
field at its default, an unknown key dropped, nested schemas likewise, floats as floats)
from a plan made once per schema. Only for schemas whose fields are plain values,
schemas or lists of schemas, without validators or resolvers: `plan` refuses others.
A test holds the bytes equal to Ninja's for every shape the route answers."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer

_PLAIN = {int, str, bool, typing.Any}
_DATES = {"datetime", "date"}


@dataclass(frozen=True)
class _Field:
    name: str
    default: Any
    kind: str  # "plain", "float", "schema", "schemas"
    nested: _Plan | None = None


@dataclass(frozen=True)
class _Plan:
    fields: tuple[_Field, ...]


_PLANS: dict[type[Schema], _Plan] = {}


def _kind(annotation: Any) -> tuple[str, type[Schema] | None]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType | typing._UnionGenericAlias):  # type: ignore[attr-defined]
        if len(args) != 1:
            raise TypeError(f"a union of {args} needs validation")
        return _kind(args[0])
    if typing.get_origin(annotation) is list:
        (item,) = args
        if isinstance(item, type) and issubclass(item, Schema):
            return "schemas", item
        if item in _PLAIN:
            return "plain", None
        raise TypeError(f"list[{item}] needs validation")
    if typing.get_origin(annotation) is dict:
        return "plain", None
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return "schema", annotation
    if annotation is float:
        return "float", None
    if annotation in _PLAIN or getattr(annotation, "__name__", "") in _DATES:
        return "plain", None
    raise TypeError(f"{annotation} needs validation")


def plan(schema: type[Schema]) -> _Plan:
    found = _PLANS.get(schema)
    if found is not None:
        return found
    # Ninja's Schema itself brings one model validator (reading attributes through its
    # DjangoGetter, which a dict does not need); any other validator is refused.
    own, base = schema.__pydantic_decorators__, Schema.__pydantic_decorators__
    if set(own.model_validators) - set(base.model_validators) or own.field_validators:
        raise TypeError(f"{schema.__name__} has validators")
    fields = []
    for name, info in schema.model_fields.items():
        if info.alias or hasattr(schema, f"resolve_{name}"):
            raise TypeError(f"{schema.__name__}.{name} is aliased or resolved")
        kind, nested = _kind(info.annotation)
        fields.append(
            _Field(name, info.get_default(), kind, plan(nested) if nested is not None else None)
        )
    found = _PLANS[schema] = _Plan(tuple(fields))
    return found


def dumped(p: _Plan, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in p.fields:
        value = data.get(f.name, f.default)
        if value is not None:
            if f.kind == "float":
                value = float(value)
            elif f.kind == "schema":
                value = dumped(f.nested, value)  # type: ignore[arg-type]
            elif f.kind == "schemas":
                value = [dumped(f.nested, v) for v in value]  # type: ignore[arg-type]
        out[f.name] = value
    return out


# The API's renderer (NinjaAPI's default); the byte-for-byte test fails if it changes.
_RENDERER = JSONRenderer()
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def answer(request: HttpRequest, schema: type[Schema], data: dict, *, status: int) -> HttpResponse:
    content = _RENDERER.render(request, dumped(plan(schema), data), response_status=status)
    return HttpResponse(content, status=status, content_type=_CONTENT_TYPE)
