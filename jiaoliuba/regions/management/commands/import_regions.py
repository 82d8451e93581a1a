from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.regions.services import parse_region_csv, regions_import


class Command(BaseCommand):
    help = "Import regions from a CSV file with the columns code,name,parent_code,level."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            report = regions_import(rows=parse_region_csv(text))
        except ValidationFailed as exc:
            for line in exc.extra.get("errors", []):
                self.stderr.write(line)
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )
