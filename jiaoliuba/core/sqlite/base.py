"""Django's SQLite backend with one change: the "%s" → "?" rewrite of a statement is
remembered instead of redone.

Django's SQLite cursor rewrites every statement with a regular expression before running
it, though a process runs the same few hundred statements again and again; on an intake
(eleven statements, some a kilobyte long) the rewriting cost about as much as SQLite's
parsing of them. The rewrite depends on the text alone, so a bounded cache of it answers
the same. Everything else is Django's: `ENGINE = "jiaoliuba.core.sqlite"` is set by
`config.settings.base.database_from_url` for sqlite: URLs."""

from __future__ import annotations

from functools import lru_cache

from django.db.backends.sqlite3 import base

# Statements with many IN-list lengths are the only unbounded variety; 2,048 entries of a
# kilobyte or less stay within a few megabytes per process.
_CACHED_STATEMENTS = 2048


@lru_cache(maxsize=_CACHED_STATEMENTS)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        # django-stubs do not declare convert_query; Django 5.2 has it.
        return super().convert_query(query, param_names=param_names)  # type: ignore[misc]


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
