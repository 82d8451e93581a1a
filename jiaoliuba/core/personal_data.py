"""The contract every app with personal data fulfils (PIPL art. 45, 47 and 19).

Each such app has a module `personal_data.py`, listed in `settings.PERSONAL_DATA_SOURCES`,
with three names:

- `export(user) -> dict[str, dict]`: everything the app holds about the person, by
  section (see `section`: a title, field labels and JSON-safe rows), for the person's own copy;
- `forget(user) -> int`: de-identify: remove what identifies the person and what serves
  only them, keep what the city's figures and records need, now pointing at no one; returns
  how many rows it changed;
- `RETENTION: list[Retention]`: how long each kind of data is kept, with the function that
  removes what is past its time.

The privacy app calls these through the setting, so no app imports it and a new module
joins by adding its own `personal_data.py` and one line of settings."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise


def _plain(value: Any) -> Any:
    """Datetimes stay datetimes (the page shows them in local time; JSON writes ISO 8601)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def rows(queryset: models.QuerySet[Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    """The named fields of each row as JSON-safe values (encrypted fields come decrypted:
    the copy is for the person the data is about)."""
    return [
        {name: _plain(value) for name, value in row.items()} for row in queryset.values(*fields)
    ]


def _field(model: type[models.Model], path: str) -> Any:
    """The field at the end of a `a__b` lookup."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model  # type: ignore[assignment]  # a relation: a model
    return model._meta.get_field(last)


def section(title: Any, queryset: models.QuerySet[Any], fields: list[str]) -> dict[str, Any]:
    """One part of a person's copy, self-describing: a title, field labels and the names
    of coded values for the readable page; the rows keyed by field path, stable for
    machines."""
    found = {name: _field(queryset.model, name) for name in fields}
    return {
        "title": str(title),
        # A related value is named by its relation ("community", not the region's "name").
        "labels": {
            name: str(queryset.model._meta.get_field(name.split("__")[0]).verbose_name)
            for name in fields
        },
        "choices": {
            name: {str(code): str(label) for code, label in field.flatchoices}
            for name, field in found.items()
            if field.choices
        },
        "rows": rows(queryset, fields),
    }


@dataclass(frozen=True)
class Retention:
    """`purge(cutoff)` removes (or clears) data of this kind older than `cutoff` and returns
    how many rows it touched. `days` is the default; settings.RETENTION_DAYS may change it."""

    kind: str
    days: int
    purge: Callable[[dt.datetime], int]
    description: Any  # lazily translated text


def in_batches(
    queryset: models.QuerySet[Any], action: Callable[[list[Any]], int], size: int = 500
) -> int:
    """Apply `action` to the primary keys of `queryset` a batch at a time, so a purge never
    holds a write lock (all of SQLite) for long."""
    done, last = 0, None
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        keys = list(page.values_list("pk", flat=True)[:size])
        if not keys:
            return done
        done += action(keys)
        last = keys[-1]


def delete_in_batches(queryset: models.QuerySet[Any], size: int = 500) -> int:
    model = queryset.model
    return in_batches(
        queryset, lambda keys: model._default_manager.filter(pk__in=keys).delete()[0], size
    )
