"""`jiaoliuba reencrypt_fields`: rewrite every encrypted column under the current key
(the first of FIELD_ENCRYPTION_KEY). Safe while the site runs; see core/keys.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoliuba.core import keys


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the current key, in small batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count values still under an older key; exit 1 if there are any",
        )

    def handle(self, *args: Any, batch: int, check: bool, **options: Any) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        reports = keys.reencrypt_all(batch=batch, write=not check)
        for report in reports:
            self.stdout.write(
                f"{report.label}: {report.rows} values, {report.stale} under an older key"
                + ("" if check else f", {report.rewritten} rewritten")
                + (
                    f", {report.changed_meanwhile} changed meanwhile (already current)"
                    if report.changed_meanwhile
                    else ""
                )
            )
        stale = sum(r.stale for r in reports)
        if check and stale:
            raise CommandError(f"{stale} values are still under an older key")
        self.stdout.write(self.style.SUCCESS("done" if not check else "all values are current"))
