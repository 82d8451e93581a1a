import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Four more indexes every intake wrote and no read needs: the grid's and the handling
# office's (nothing looks appeals up by them; scopes go by region_path), the Idempotency-Key
# record's appeal (read by owner and key only; appeals are never deleted), and the entering
# staff member's, now partial (only desk entries have one). The rating sweep's index
# holds only resolved appeals. As in 0013, only the state changes through AlterField (on
# SQLite an AlterField remakes the table); the indexes are dropped by Django's names.

DROPPED = [  # (name, table, column)
    ("appeals_appeal_created_by_id_8a17364c", "appeals_appeal", "created_by_id"),
    ("appeals_appeal_grid_id_666e15d6", "appeals_appeal", "grid_id"),
    ("appeals_appeal_handling_region_id_54c7ad4b", "appeals_appeal", "handling_region_id"),
    (
        "appeals_idempotencyrecord_appeal_id_b900380d",
        "appeals_idempotencyrecord",
        "appeal_id",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0013_fewer_intake_indexes"),
        ("regions", "0002_staff_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appeal",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The staff member who entered an offline appeal.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="grid",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="grid",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="handling_region",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="handled at",
                    ),
                ),
                migrations.AlterField(
                    model_name="idempotencyrecord",
                    name="appeal",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="appeals.appeal",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name, _table, _column in DROPPED],
                    [
                        f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                        for name, table, column in DROPPED
                    ],
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="appeal", name="appeal_status_resolved"),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("status", "resolved")),
                fields=["resolved_at"],
                name="appeal_awaiting_rating",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="appeal_created_by",
            ),
        ),
    ]
