"""`jiaoliuba backup [--output FILE]`: the database and the uploads in one archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoliuba.core import backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one .tar.gz with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="archive path (default: var/backups/…tar.gz)")

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = (
            Path(output) if output else settings.VAR_DIR / "backups" / f"jiaoliuba-{stamp}.tar.gz"
        )
        try:
            manifest = backup.backup(path)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{path}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} files"
        )
