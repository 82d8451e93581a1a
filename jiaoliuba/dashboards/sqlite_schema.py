"""SQLite schema edits the rebuild's swap needs and SQLite has no statement for."""

from __future__ import annotations

from django.db import connection


def sqlite_rename_indexes(suffix: str) -> None:
    """SQLite has no ALTER INDEX … RENAME: the shadow indexes get the names migrations gave
    them (which later migrations refer to) by editing the schema table, name and SQL
    together, inside the swap's transaction; the schema version moves on so that every
    other connection reads the schema again. Only names change: the index pages and what
    they hold are the ones the batches kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE %s",
            [f"%{suffix}"],
        )
        names = [row[0] for row in cursor.fetchall()]
        if not names:
            return
        cursor.execute("PRAGMA schema_version")
        version = cursor.fetchone()[0]
        cursor.execute("PRAGMA writable_schema = ON")
        try:
            for name in names:
                real = name[: -len(suffix)]
                cursor.execute(
                    "UPDATE sqlite_master SET name = %s, sql = replace(sql, %s, %s)"
                    " WHERE type = 'index' AND name = %s",
                    [real, f'"{name}"', f'"{real}"', name],
                )
            cursor.execute(f"PRAGMA schema_version = {int(version) + 1}")
        finally:
            cursor.execute("PRAGMA writable_schema = OFF")
