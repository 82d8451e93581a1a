from django.db import migrations

# A starting point for 考核排名; administrators change them in the admin.
DEFAULTS = {
    "satisfaction_rate": 30,
    "on_time_rate": 25,
    "response_rate": 15,
    "repeat_rate": 10,
    "mediation_success_rate": 10,
    "participation_rate": 10,
}


def seed(apps, schema_editor):
    weight = apps.get_model("dashboards", "RankingWeight")
    for kpi, value in DEFAULTS.items():
        weight.objects.get_or_create(kpi=kpi, defaults={"weight": value})


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
