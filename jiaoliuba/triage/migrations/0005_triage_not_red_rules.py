from django.db import migrations, models


def seed(apps, schema_editor):
    from jiaoliuba.triage.defaults import (
        DEFAULT_HAZARD_RULES,
        DEFAULT_NOT_RED_RULES,
        DEFAULT_RULES,
        GAS_EXCLUDE,
        GAS_EXCLUDE_BEFORE,
    )

    TriageRule = apps.get_model("triage", "TriageRule")
    for rule in DEFAULT_HAZARD_RULES + DEFAULT_NOT_RED_RULES:
        if not TriageRule.objects.filter(name=rule["name"]).exists():
            TriageRule.objects.create(**rule)
    # Only where administrators left the shipped exclusion list as it was.
    TriageRule.objects.filter(name=DEFAULT_RULES[0]["name"], exclude=GAS_EXCLUDE_BEFORE).update(
        exclude=GAS_EXCLUDE
    )


def unseed(apps, schema_editor):
    from jiaoliuba.triage.defaults import DEFAULT_HAZARD_RULES, DEFAULT_NOT_RED_RULES

    TriageRule = apps.get_model("triage", "TriageRule")
    names = [r["name"] for r in DEFAULT_HAZARD_RULES + DEFAULT_NOT_RED_RULES]
    TriageRule.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0004_staff_verbose_names")]
    operations = [
        migrations.AddField(
            model_name="triagerule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("classify", "Classify (sets priority and/or category)"),
                    ("not_red", "Not red because (exception to 'hazards are red')"),
                ],
                default="classify",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="triagerule",
            name="reason",
            field=models.CharField(
                blank=True,
                help_text="Required for a 'not red because' rule: why such appeals are not urgent.",
                max_length=200,
                verbose_name="why not red",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
