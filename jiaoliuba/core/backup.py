"""Backups a city can restore: the database (pg_dump's custom format, or SQLite's online
backup) and every uploaded file, in one tar.gz with a manifest of row counts per table and
a checksum per file, so a restore proves it brought everything back.

Run while the site runs: pg_dump reads one snapshot; SQLite's backup API copies a
consistent image page by page. Uploads written during the copy may be missing from the
archive (their rows too, if the snapshot came first); run the backup from the worker's
quiet hours. Media on S3-compatible storage is backed up by the storage itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

FORMAT = 1


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def _pg_env() -> tuple[list[str], dict[str, str]]:
    cfg = connection.settings_dict
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if cfg.get(key):
            args += [flag, str(cfg[key])]
    env = dict(os.environ)
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = str(cfg["PASSWORD"])
    return args, env


def table_counts() -> dict[str, int]:
    """Rows of every table the project's models own."""
    counts = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed or table not in existing:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(output: Path) -> dict[str, Any]:
    """Write the archive to `output`; returns its manifest."""
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as work:
        if vendor == "postgresql":
            dump = Path(work) / "database.pgdump"
            args, env = _pg_env()
            subprocess.run(  # noqa: S603 — fixed program; the arguments come from settings
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    "-f",
                    str(dump),
                    str(connection.settings_dict["NAME"]),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        elif vendor == "sqlite":
            dump = Path(work) / "database.sqlite3"
            source = sqlite3.connect(str(connection.settings_dict["NAME"]))
            target = sqlite3.connect(str(dump))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            raise BackupError(f"no backup for {vendor}")
        root = Path(settings.MEDIA_ROOT)
        media = {str(p.relative_to(root)): _sha256(p) for p in _media_files()}
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": vendor,
            "tables": table_counts(),
            "media": media,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=dump.name)
            for name in media:
                archive.add(root / name, arcname=f"media/{name}")
        partial.replace(output)  # a half-written archive never carries the final name
    return manifest


def _is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(archive_path: Path) -> dict[str, Any]:
    """Restore into an empty database and media folder, then check every table's row
    count and every file's checksum against the manifest. Returns the manifest."""
    if not _is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database "
            "(point DATABASE_URL at it) so nothing is mixed or overwritten."
        )
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"The media folder {root} is not empty. Restore into an empty one.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['database']} database; the target is {connection.vendor}."
            )
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            subprocess.run(  # noqa: S603 — fixed program; the arguments come from settings
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *args,
                    "-d",
                    str(connection.settings_dict["NAME"]),
                    str(Path(work) / "database.pgdump"),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            connection.close()
            source = sqlite3.connect(str(Path(work) / "database.sqlite3"))
            target = sqlite3.connect(str(connection.settings_dict["NAME"]))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        media_dir = Path(work) / "media"
        if media_dir.is_dir():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_dir, root, dirs_exist_ok=True)
    problems = verify(manifest)
    if problems:
        raise BackupError("The restore does not match the backup:\n" + "\n".join(problems))
    return manifest


def verify(manifest: dict[str, Any]) -> list[str]:
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, the backup had {expected}")
    root = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["media"].items():
        path = root / name
        if not path.is_file():
            problems.append(f"media/{name} is missing")
        elif _sha256(path) != digest:
            problems.append(f"media/{name} differs from the backup")
    return problems
