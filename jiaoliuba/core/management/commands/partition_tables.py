"""`jiaoliuba partition_tables [--months-ahead N] [--drop-old]`: move the tables of
settings.PARTITIONED_TABLES into monthly partitions (PostgreSQL; docs/scaling-db.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoliuba.core import partitions


class Command(BaseCommand):
    help = (
        "Partition appeal events (and the other tables of PARTITIONED_TABLES) by month on"
        " PostgreSQL, while the site runs; a second run only adds months ahead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months-ahead", type=int, default=partitions.MONTHS_AHEAD, help="months to create"
        )
        parser.add_argument(
            "--drop-old", action="store_true", help="drop the old table instead of keeping it"
        )

    def handle(self, *args: Any, months_ahead: int, drop_old: bool, **options: Any) -> None:
        try:
            reports = partitions.partition_tables(months_ahead=months_ahead, drop_old=drop_old)
        except partitions.PartitionError as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            if report.partitioned_now:
                kept = f", old table kept as {report.old_table}" if report.old_table else ""
                self.stdout.write(
                    f"{report.table}: partitioned, {report.rows} rows copied,"
                    f" {len(report.partitions_created)} partitions, swapped in"
                    f" {report.swap_seconds:.2f} s{kept}"
                )
            else:
                self.stdout.write(
                    f"{report.table}: already partitioned,"
                    f" {len(report.partitions_created)} new partitions"
                )
