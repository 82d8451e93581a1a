import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jiaoliuba.dashboards import services


class Command(BaseCommand):
    help = "Recompute the dashboard rollups from the appeals (safe to run at any time)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = services.rollups_rebuild()
        self.stdout.write(
            _("Rebuilt rollups from %(appeals)s appeals: %(rows)s rows in %(seconds).1f s.")
            % {
                "appeals": report["appeals"],
                "rows": report["rollup_rows"],
                "seconds": time.perf_counter() - started,
            }
        )
