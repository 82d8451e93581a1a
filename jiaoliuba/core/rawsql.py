"""Hand-written SELECTs that still give model instances, for the few reads every request
runs (the API token check): building such a query through the ORM costs several times
what running it does. The columns come from the models' own metadata and every value
read goes through the same converters the ORM applies (booleans and datetimes on SQLite,
JSON, encrypted fields), so an instance read here equals one the ORM reads; a column
left out is a deferred field, loaded on first access as usual.

And hand-written INSERTs of model instances (`Inserter`), for the few writes every intake
runs: the same columns and values `Model.save(force_insert=True)` / `bulk_create` write
(each field's `pre_save` then `get_db_prep_save`, so defaults, `auto_now_add`, JSON,
encryption and the database's datetime format are the ORM's own), the statement built
once per row count instead of compiled per call. Only for models that nothing listens
to (`pre_save` / `post_save` signals are not sent) and whose `save` is not overridden:
`Inserter` refuses others."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]  # defined under psycopg 3 only
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
)
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save
from psycopg._queries import PostgresQuery, _query2pg  # the conversion psycopg caches


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
        conn = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy per value
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
                    values[i] = converter(values[i], expression, conn)
            out.append(cols.model.from_db(conn.alias, names, values))
        return out


class Inserter:
    """INSERT of new instances of one model, as `save(force_insert=True)` writes them
    (several at once like `bulk_create`): every concrete field but an unset auto
    primary key, whose value comes back through RETURNING (SQLite ≥ 3.35 and PostgreSQL)
    and is set on the instance, which is then marked as saved."""

    def __init__(self, model: type[Model], *, keyed: bool = False) -> None:
        """`keyed`: the caller sets the auto primary key itself, from `next_id`, so the
        row needs no RETURNING. A model with save signals is refused at `insert`."""
        if model.save is not Model.save:
            raise TypeError(f"{model.__name__} overrides save(): write it through the ORM")
        self.model = model
        meta = model._meta
        self.auto_pk = isinstance(meta.pk, AutoFieldMixin) and not keyed
        if keyed and not isinstance(meta.pk, AutoFieldMixin):
            raise TypeError(f"{model.__name__}'s key is not an auto key")
        self.fields = [
            f for f in meta.local_concrete_fields if not (self.auto_pk and f.primary_key)
        ]
        self._sql: dict[int, str] = {}
        self._converters: dict[str, list[Callable[[Model], Any]]] = {}

    def _statement(self, rows: int) -> str:
        sql = self._sql.get(rows)
        if sql is None:
            quote = connection.ops.quote_name
            one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = (
                f"INSERT INTO {quote(self.model._meta.db_table)} "  # noqa: S608  (metadata only)
                f"({', '.join(quote(f.column) for f in self.fields)}) "
                f"VALUES {', '.join([one] * rows)}"
            )
            if self.auto_pk:
                sql += f" RETURNING {quote(self.model._meta.pk.column)}"
            self._sql[rows] = sql
        return sql

    def _check_signals(self) -> None:
        for signal in (pre_save, post_save):
            if signal.has_listeners(self.model):
                raise TypeError(f"{self.model.__name__} has save signals: use the ORM")

    def prepared(self, obj: Model) -> list[Any]:
        """The values `insert` writes for `obj`, in the order of `fields`."""
        conn = connections[DEFAULT_DB_ALIAS]
        converters = self._converters.get(conn.vendor)
        if converters is None:
            converters = self._converters[conn.vendor] = [_converter(f, conn) for f in self.fields]
        return [convert(obj) for convert in converters]

    def insert(self, *objs: Model) -> None:
        if not objs:
            return
        self._check_signals()
        params: list[Any] = []
        for obj in objs:
            if not obj._state.adding or (self.auto_pk and obj.pk is not None):
                raise ValueError("Inserter writes new rows only (the primary key is set)")
            if not self.auto_pk and obj.pk is None:
                raise ValueError("a keyed Inserter needs the primary key (next_id)")
            params.extend(self.prepared(obj))
        with prepared_cursor() as cursor:  # one statement per row count: prepared once
            cursor.execute(self._statement(len(objs)), params)
            returned = cursor.fetchall() if self.auto_pk else []
        if self.auto_pk:
            # SQLite and PostgreSQL return the rows of a multi-row VALUES in its order
            # (bulk_create relies on it too); an auto key needs no converter.
            attname = self.model._meta.pk.attname
            for obj, (value,) in zip(objs, returned, strict=True):
                setattr(obj, attname, value)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias


def next_id(model: type[Model]) -> int:
    """The auto primary key the next row of `model` would get, reserved, so that values
    made from it (an appeal's number) go into the row's one INSERT instead of a second
    statement. On PostgreSQL that UPDATE of an indexed column wrote a new version of the
    row into every index. PostgreSQL: the column's sequence (gaps on rollback, as
    always). SQLite: what AUTOINCREMENT would assign, read inside the caller's write
    transaction, which holds the database's only write lock from its BEGIN IMMEDIATE
    (config.settings.database_from_url), so no other writer can take the same key."""
    table = model._meta.db_table
    column = model._meta.pk.column
    if connection.vendor == "postgresql":
        sequence = _SEQUENCES.get(table)
        if sequence is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = _SEQUENCES[table] = cursor.fetchone()[0]
        with prepared_cursor() as cursor:
            cursor.execute("SELECT nextval(%s::regclass)", [sequence])
            return int(cursor.fetchone()[0])
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        raise RuntimeError("next_id needs PostgreSQL, or SQLite inside the write transaction")
    quote = connection.ops.quote_name
    sql = (
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608  (metadata only)
        f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0)) + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [table])
        return int(cursor.fetchone()[0])


_SEQUENCES: dict[str, str] = {}


_INTEGERS = {
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    PositiveBigIntegerField,
}


def _converter(f: Field, conn: Any) -> Callable[[Model], Any]:
    """`obj -> f.get_db_prep_save(f.pre_save(obj, True), conn)`, shortened where the
    answer is known: for the exact field classes below (never a subclass, which may
    convert otherwise), a value of the type the field stores already, or None, is what
    Django's chain of `pre_save`, `to_python`, `get_prep_value`, `get_db_prep_value`
    returns, less that chain's forty-odd calls per value. Any other value, and any other
    field, takes the chain itself. (A text field keeps any str, a choices member
    included, as it is; an integer field turns an IntegerChoices member into an int, so
    only an exact int is kept.) A test holds both equal for every model written here."""
    attname = f.attname

    def chain(obj: Model) -> Any:
        return f.get_db_prep_save(f.pre_save(obj, True), conn)

    cls = type(f)
    kind: type | None = None
    adapt: Callable[[Any], Any] | None = None
    if cls in (CharField, TextField):
        kind = str
    elif cls is BooleanField:
        kind = bool
    elif cls in _INTEGERS:
        internal = f.get_internal_type()
        kind = int

        def adapt(value: Any) -> Any:
            return conn.ops.adapt_integerfield_value(value, internal)

    elif (
        cls is ForeignKey
        and isinstance(f.target_field, AutoFieldMixin)  # type: ignore[attr-defined]
        and conn.vendor in ("sqlite", "postgresql")  # validate_autopk_value passes ints
    ):
        kind = int
    elif cls is DateTimeField and not (f.auto_now or f.auto_now_add):  # type: ignore[attr-defined]
        kind = datetime.datetime
        adapt = conn.ops.adapt_datetimefield_value
    if kind is None:
        return chain

    def short(obj: Model) -> Any:
        value = obj.__dict__.get(attname, _UNSET)
        if value is None:
            return None
        if not (isinstance(value, str) if kind is str else type(value) is kind) or (
            kind is datetime.datetime and value.utcoffset() is None
        ):
            # Naive datetimes warn and are made aware on the way; deferred fields load.
            return chain(obj)
        return value if adapt is None else adapt(value)

    return short


_UNSET = object()


class _RememberedQuery(PostgresQuery):
    """psycopg's query, its "%s" → "$n" conversion remembered for every statement.
    psycopg remembers it only for statements of at most 50 parameters, because an ORM's
    multi-row INSERTs rarely repeat; the appeal's one-row INSERT has 53 and was converted
    afresh on every intake (74 µs, a regular expression over a kilobyte). The statements
    of this cursor are the hot path's few, so psycopg's own bounded cache (its least
    recently used 128) holds them. Anything else (a Template, no parameters) is
    psycopg's own path."""

    def convert(self, query: Any, vars: Any) -> None:
        if vars is None or not isinstance(query, str | bytes):
            return super().convert(query, vars)
        query = self._ensure_bytes(query)
        self.query, self._want_formats, self._order, self._parts = _query2pg(
            query, self._tx.encoding
        )
        self.dump(vars)


class _PreparingCursor(ServerBindingCursor):
    """psycopg's server-side binding cursor that asks PostgreSQL to prepare each
    statement (once per connection; psycopg keeps the prepared ones per connection and
    deallocates the least used past a hundred)."""

    _query_cls = _RememberedQuery

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kw: Any):  # type: ignore[override]
        return super().execute(query, params, prepare=True, **kw)


def prepared_cursor() -> Any:
    """A cursor for the few statements every API call of a kind runs (the token check,
    a ballot): on PostgreSQL they are prepared once per connection and then only bound
    and executed — planning the token check's five-table join took longer than running
    it (0.45 ms against 0.15 ms). Django's own wrapper (query log, execute wrappers,
    error translation) is kept. Values go as server-side parameters, so only SQL whose
    parameters PostgreSQL can type from their context belongs here. SQLite caches its
    statements itself: there it is the ordinary cursor. Behind a connection pooler in
    transaction mode that cannot keep prepared statements, set DB_PREPARE_HOT_QUERIES=0."""
    # The connection itself, looked up once: each attribute read through the `connection`
    # proxy looks it up again (seven of them here, eight cursors an intake).
    conn = connections[DEFAULT_DB_ALIAS]
    if (
        conn.vendor != "postgresql"
        or not settings.DB_PREPARE_HOT_QUERIES
        # While queries are logged (DEBUG, a test counting them), the ordinary cursor:
        # Django's log reads the SQL text from a client-side cursor.
        or conn.queries_logged
    ):
        return conn.cursor()
    conn.ensure_connection()
    raw = conn.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's automatic preparing off (None), which also refuses
        # `prepare=True`; a threshold no statement reaches turns explicit preparing on
        # and leaves every other statement unprepared (Django's cursors bind on the
        # client side and never prepare anyway).
        raw.prepare_threshold = 1 << 62
    with conn.wrap_database_errors:
        return conn._prepare_cursor(_PreparingCursor(raw))  # type: ignore[attr-defined]
