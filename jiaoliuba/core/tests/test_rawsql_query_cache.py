"""The hot path's cursor on PostgreSQL remembers psycopg's "%s" → "$n" conversion for
statements of more than 50 parameters too (psycopg alone converts those afresh every
time): the result must be psycopg's own, and the second conversion a cache hit. Only
psycopg's query object is exercised, so this runs beside either database."""

from __future__ import annotations

import datetime as dt

from psycopg._queries import PostgresQuery, _query2pg
from psycopg.adapt import Transformer

from jiaoliuba.appeals.services import intake
from jiaoliuba.core import rawsql


def _converted(cls: type[PostgresQuery], sql: str, params: list) -> tuple:
    query = cls(Transformer())
    query.convert(sql, params)
    return query.query, query.params, query.types, query.formats


def test_the_appeal_insert_is_converted_as_psycopg_converts_it_and_remembered():
    sql = intake._APPEALS._statement(1)
    params = [f"value {i}" for i in range(sql.count("%s"))]
    params[3] = dt.datetime(2026, 12, 6, 5, 45, tzinfo=dt.UTC)
    params[4] = None
    params[5] = 42
    assert len(params) > 50  # past psycopg's own limit for remembering
    ours = _converted(rawsql._RememberedQuery, sql, params)
    assert ours == _converted(PostgresQuery, sql, params)
    assert ours[0].count(b"$") == len(params) and b"%s" not in ours[0]
    hits = _query2pg.cache_info().hits
    again = _converted(rawsql._RememberedQuery, sql, params)
    assert again == ours and _query2pg.cache_info().hits == hits + 1


def test_statements_without_parameters_take_psycopg_own_path():
    query = rawsql._RememberedQuery(Transformer())
    query.convert("SELECT 1 WHERE '%s' = '%s'", None)
    assert query.query == b"SELECT 1 WHERE '%s' = '%s'" and query.params is None
