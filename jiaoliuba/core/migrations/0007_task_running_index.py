"""An index on the few task rows that are running, for the requeue of a dead worker's
tasks (core.services.task_orphans_requeue), which every worker runs every few seconds:
without it each pass reads the whole task table, one row per appeal ever filed."""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_idempotent_request"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX core_task_running_idx ON {TABLE} (started_at) WHERE status = 'RUNNING'",
            "DROP INDEX core_task_running_idx",
        ),
    ]
