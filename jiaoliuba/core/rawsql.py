"""Hand-written SELECTs that still give model instances, for the few reads every request
runs (the API token check): building such a query through the ORM costs several times
what running it does. The columns come from the models' own metadata and every value
read goes through the same converters the ORM applies (booleans and datetimes on SQLite,
JSON, encrypted fields), so an instance read here equals one the ORM reads; a column
left out is a deferred field, loaded on first access as usual."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model


@dataclass
class Columns:
    """The columns of one model under a table alias, without the fields named in `skip`."""

    model: type[Model]
    alias: str
    skip: Sequence[str] = ()
    fields: list[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.fields = [f for f in self.model._meta.concrete_fields if f.name not in self.skip]

    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)


@dataclass
class RowReader:
    """Turns the slices of one row that `columns` selected, in order, into instances
    (None for a LEFT JOINed model whose primary key came back NULL)."""

    columns: Sequence[Columns]
    # Per model: (attnames, index of the primary key, [(index, expression, converters)]).
    _plan: list[tuple[list[str], int, list[tuple[int, Any, list[Callable]]]]] = field(
        default_factory=list, init=False
    )

    def _make_plan(self) -> None:
        for cols in self.columns:
            steps = []
            for i, f in enumerate(cols.fields):
                expression = f.get_col(cols.alias)
                convert = [
                    *connection.ops.get_db_converters(expression),
                    *expression.get_db_converters(connection),
                ]
                if convert:
                    steps.append((i, expression, convert))
            pk = next(i for i, f in enumerate(cols.fields) if f.primary_key)
            self._plan.append(([f.attname for f in cols.fields], pk, steps))

    def read(self, row: Sequence[Any]) -> list[Model | None]:
        if not self._plan:
            self._make_plan()
        out: list[Model | None] = []
        start = 0
        for cols, (names, pk, steps) in zip(self.columns, self._plan, strict=True):
            values = list(row[start : start + len(names)])
            start += len(names)
            if values[pk] is None:  # a LEFT JOIN that found nothing
                out.append(None)
                continue
            for i, expression, convert in steps:
                for converter in convert:
                    values[i] = converter(values[i], expression, connection)
            out.append(cols.model.from_db(connection.alias, names, values))
        return out
