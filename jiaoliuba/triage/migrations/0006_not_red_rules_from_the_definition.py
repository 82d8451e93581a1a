from django.db import migrations


def seed(apps, schema_editor):
    from jiaoliuba.triage.defaults import DEFAULT_NOT_RED_RULES, DEFAULT_NOT_RED_RULES_2, IMMINENT

    TriageRule = apps.get_model("triage", "TriageRule")
    for rule in DEFAULT_NOT_RED_RULES_2:
        if not TriageRule.objects.filter(name=rule["name"]).exists():
            TriageRule.objects.create(**rule)
    # The first two exceptions had no exclusion words: a question or a suggestion that
    # tells of danger now must not be excused. Only where administrators left them empty.
    names = [r["name"] for r in DEFAULT_NOT_RED_RULES]
    TriageRule.objects.filter(name__in=names, kind="not_red", exclude="").update(exclude=IMMINENT)


def unseed(apps, schema_editor):
    from jiaoliuba.triage.defaults import DEFAULT_NOT_RED_RULES, DEFAULT_NOT_RED_RULES_2, IMMINENT

    TriageRule = apps.get_model("triage", "TriageRule")
    TriageRule.objects.filter(name__in=[r["name"] for r in DEFAULT_NOT_RED_RULES_2]).delete()
    names = [r["name"] for r in DEFAULT_NOT_RED_RULES]
    TriageRule.objects.filter(name__in=names, exclude=IMMINENT).update(exclude="")


class Migration(migrations.Migration):
    dependencies = [("triage", "0005_triage_not_red_rules")]
    operations = [migrations.RunPython(seed, unseed)]
