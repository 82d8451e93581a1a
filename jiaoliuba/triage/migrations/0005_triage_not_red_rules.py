"""Adds the rule kinds "classify" and "not red because", the calm-hazard rule (GB 6441) and the
first two "not red because" rules, and narrows the gas rule's exclusion words.

The rule texts are frozen here as literals (issue 11) instead of being imported from
`jiaoliuba/triage/defaults.py`, so that this migration keeps meaning what it meant when the
defaults change. They are the defaults as they were when this migration was last edited
(2026-12-02, commit 6ef4a1e): the two "not red because" rules without exclusion words, which
0006 then gives them (only where administrators left them empty)."""

from django.db import migrations, models

HAZARD_RULES = [
    {
        "name": "危险：事故类别与急救征兆（GB 6441）",
        "priority": "red",
        "category": "safety",
        "keywords": "一动不动,没有反应,没反应了,叫不醒,喊不醒,没有呼吸,没气了,昏过去,抽搐,口吐白沫,大量出血,被电了,电到人,烫伤,烧伤,窒息,喘不上气,掉进水,落水,踩空,墙体开裂,外墙脱落,大面积脱落,塌陷,下陷,电线裸露,电线掉下来,高压线,脚手架晃",
        "patterns": "\n".join(
            [
                r"(井盖|盖板|窨井).{0,6}(缺失|破损|碎了|移位|被偷|不见|丢失|翻了)",
                r"(护栏|栏杆|围栏).{0,8}(断|缺|歪|倒|没了|塌)",
                r"([两三四五几多]天|好几天).{0,10}(没出来|没出门|没动静|没开门|没人应)",
                r"(燃气|煤气|天然气|液化气)[^。；;]{0,10}(异味|味道|臭味|味儿)",
                r"(卧床|独居|瘫痪).{0,12}(停水|停电|停运|没人管|没人照顾)",
            ]
        ),
        "exclude": "",
    },
]

NOT_RED_RULES = [
    {
        "name": "不红：咨询安全知识",
        "kind": "not_red",
        "reason": "A question about safety knowledge or rules, not a report of a hazard.",
        "priority": "",
        "category": "",
        "keywords": "请问,咨询一下,咨询下,想咨询,想问一下,想问问,问一下,想了解一下,有没有指引,怎么判断,有什么要求,需要注意什么,是否符合规定",
        "patterns": "(可以|能|能不能|要不要|会不会).{0,12}吗[？?]?$",
        "exclude": "",
    },
    {
        "name": "不红：建议与宣传",
        "kind": "not_red",
        "reason": "A suggestion for campaigns or drills, not a danger that exists now.",
        "priority": "",
        "category": "",
        "keywords": "建议组织,建议开展,建议多搞,建议社区组织,宣传一下,多宣传,讲座,演练,培训一下",
        "patterns": "",
        "exclude": "",
    },
]

GAS_RULE_NAME = "危险：燃气、火情、用电"
GAS_EXCLUDE_BEFORE = "燃气费,燃气表,交燃气,消防演练,消防讲座,消防培训,安全讲座,防火门"
GAS_EXCLUDE = "燃气费,交燃气,燃气表读数,换燃气表,燃气表换,消防演练,消防讲座,消防培训,安全讲座,防火门"


def seed(apps, schema_editor):
    TriageRule = apps.get_model("triage", "TriageRule")
    for rule in HAZARD_RULES + NOT_RED_RULES:
        if not TriageRule.objects.filter(name=rule["name"]).exists():
            TriageRule.objects.create(**rule)
    # Only where administrators left the shipped exclusion list as it was.
    TriageRule.objects.filter(name=GAS_RULE_NAME, exclude=GAS_EXCLUDE_BEFORE).update(
        exclude=GAS_EXCLUDE
    )


def unseed(apps, schema_editor):
    TriageRule = apps.get_model("triage", "TriageRule")
    names = [r["name"] for r in HAZARD_RULES + NOT_RED_RULES]
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
