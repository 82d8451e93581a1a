"""PostgreSQL only: leave room on every page of the facts and rollups, so the worker's
updates of counters (no indexed column moves) stay on the page as HOT updates instead of
adding an entry to every index; rollups_rebuild sets the same on its shadow tables
(rebuild.PG_FILLFACTOR). Pages written before this keep their layout until rewritten."""

from django.db import migrations

FILLFACTOR = {"dashboards_appealfact": 85, "dashboards_rollup": 85, "dashboards_monthrollup": 70}


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, percent in FILLFACTOR.items():
        schema_editor.execute(f'ALTER TABLE "{table}" SET (fillfactor = {int(percent)})')


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FILLFACTOR:
        schema_editor.execute(f'ALTER TABLE "{table}" RESET (fillfactor)')


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0009_month_rollups")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
