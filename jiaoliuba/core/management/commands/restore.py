"""`jiaoliuba restore ARCHIVE`: into an empty database and media folder, checked."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoliuba.core import backup


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media folder, and check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such backup: {path}")
        try:
            manifest = backup.restore(path)
        except (backup.BackupError, OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise CommandError(f"{exc} {detail.decode(errors='replace')}".strip()) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and checked: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} files"
            )
        )
