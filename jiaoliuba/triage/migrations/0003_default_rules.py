from django.db import migrations


def seed(apps, schema_editor):
    from jiaoliuba.triage.defaults import DEFAULT_RULES

    TriageRule = apps.get_model("triage", "TriageRule")
    if not TriageRule.objects.exists():
        for rule in DEFAULT_RULES:
            TriageRule.objects.create(**rule)


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_rules_and_models")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
