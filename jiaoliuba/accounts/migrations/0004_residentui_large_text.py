from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_residentprofile_resident_region_joined"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="large_text",
            field=models.BooleanField(
                blank=True, default=None, null=True, verbose_name="large text"
            ),
        ),
    ]
