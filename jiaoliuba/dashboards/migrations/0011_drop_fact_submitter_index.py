"""The facts' plain submitter_id index goes: fact_submitter_chain (submitter_id, day,
appeal_id) leads with the same column and serves every look-up by submitter, and each
index is written again by every batch of a rebuild and every new appeal.

One DROP INDEX on both databases instead of AlterField, which on SQLite would copy the
whole facts table into a new one (minutes at a million appeals, holding the write lock)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "dashboards_appealfact_submitter_id_026afc24"  # the name Django gave it


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0010_pg_fillfactor_for_hot_updates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appealfact",
                    name="submitter",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{INDEX}"'
                        ' ON "dashboards_appealfact" ("submitter_id")'
                    ),
                )
            ],
        )
    ]
