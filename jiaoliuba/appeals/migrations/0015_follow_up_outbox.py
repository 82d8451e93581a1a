# A new appeal's follow-up (bands, notices, receipt, risk detection) is due while its
# `follow_up` column is set: the intake's one INSERT writes it, the worker clears it. A
# nullable column without a default is added by ALTER TABLE on SQLite (no table remake),
# and every appeal already there has it null: their follow-ups were queued as task rows,
# which still run.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0014_fewer_intake_indexes_2"),
        ("regions", "0002_staff_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="follow_up",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("follow_up__isnull", False)),
                fields=["id"],
                name="appeal_follow_up_due",
            ),
        ),
    ]
