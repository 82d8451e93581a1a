"""Rotating the field-encryption key while the site runs.

FIELD_ENCRYPTION_KEY lists keys, newest first: the first encrypts, all decrypt. To rotate,
put a new key in front and restart (every process now writes under it and still reads the
old), then `jiaoliuba reencrypt_fields` rewrites every encrypted column under the new key
in small batches, each its own short transaction, and finally the old key is removed.
Rows written meanwhile are already under the new key; a row changed between our read and
our write is left alone (compare-and-set on the old token), so nothing a user wrote is
overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from jiaoliuba.core import crypto
from jiaoliuba.core.fields import EncryptedTextField


@dataclass
class ColumnReport:
    label: str
    rows: int = 0  # non-empty values seen
    stale: int = 0  # under an older key when seen
    rewritten: int = 0
    changed_meanwhile: int = 0  # written by someone else between our read and write


def encrypted_columns() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def reencrypt_column(
    model: type[models.Model], field: EncryptedTextField, *, batch: int = 500, write: bool = True
) -> ColumnReport:
    """Walk one column by primary key. Raw SQL, because the ORM would hand us plain text."""
    meta = model._meta
    quote = connection.ops.quote_name
    table, column, pk = quote(meta.db_table), quote(field.column), quote(meta.pk.column)
    report = ColumnReport(label=f"{meta.label}.{field.name}")
    last = None
    while True:
        with connection.cursor() as cursor:
            where = f"{column} <> ''" + (f" AND {pk} > %s" if last is not None else "")
            cursor.execute(
                # Names come from the model registry, quoted; values are parameters.
                f"SELECT {pk}, {column} FROM {table} WHERE {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                ([last] if last is not None else []) + [batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return report
        last = rows[-1][0]
        stale = [(key, token) for key, token in rows if token and not crypto.is_current(token)]
        report.rows += len(rows)
        report.stale += len(stale)
        if not write or not stale:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            for key, token in stale:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608
                    [crypto.rotate(token), key, token],
                )
                if cursor.rowcount == 1:
                    report.rewritten += 1
                else:
                    report.changed_meanwhile += 1


def reencrypt_all(*, batch: int = 500, write: bool = True) -> list[ColumnReport]:
    return [
        reencrypt_column(model, field, batch=batch, write=write)
        for model, field in encrypted_columns()
    ]
