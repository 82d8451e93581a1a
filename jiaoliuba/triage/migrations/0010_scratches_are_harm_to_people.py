"""The default red rule for harm to people ("危险：结构、坠落、人身") names scratches (抓伤) beside
bites (咬伤), issue 11.

A child scratched by a stray cat or dog needs a rabies vaccination within a day, and the guide
makes biting animals red (恶犬, 咬人, 咬伤); the rule knew bites only, and the model filed "小区里流浪猫
越来越多……还有孩子被抓伤了，希望社区想想办法" blue, as a suggestion (seen in the staff queue of a browser
journey). No training text says 抓伤, so the model and its levels are unchanged.

As 0007–0009: only a row that still holds exactly the text installed before is changed (an
administrator's edit is kept, and so is whether the row is active); it gets a new `version`
and `updated_at`; the reverse puts the old text back on a row that still holds exactly the new
one. The texts are frozen here as literals."""

from django.db import migrations

from jiaoliuba.triage.migrations._rule_texts import replace

BEFORE = [
    {
        'name': "危险：结构、坠落、人身",
        'reason': "",
        'priority': "red",
        'category': "safety",
        'keywords': "坍塌,塌了,倒塌,要塌,快塌,掉下来,砸伤,砸到人,坠落,高空抛物,溺水,被困,困在,晕倒,昏迷,不省人事,井盖没有,中毒,自杀,轻生,跳楼,不想活,井盖丢,没有井盖,井盖没了,走失,找不到人,咬伤,流血",
        'patterns': "(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)\n好几天没(见|看到|出门)",
        'exclude': "",
    },
]

AFTER = [
    {
        'name': "危险：结构、坠落、人身",
        'reason': "",
        'priority': "red",
        'category': "safety",
        'keywords': "坍塌,塌了,倒塌,要塌,快塌,掉下来,砸伤,砸到人,坠落,高空抛物,溺水,被困,困在,晕倒,昏迷,不省人事,井盖没有,中毒,自杀,轻生,跳楼,不想活,井盖丢,没有井盖,井盖没了,走失,找不到人,咬伤,抓伤,流血",
        'patterns': "(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)\n好几天没(见|看到|出门)",
        'exclude': "",
    },
]


def forwards(apps, schema_editor):
    replace(apps, zip(BEFORE, AFTER, strict=True))


def backwards(apps, schema_editor):
    replace(apps, zip(AFTER, BEFORE, strict=True))


class Migration(migrations.Migration):
    dependencies = [("triage", "0009_crowds_and_questions_in_not_red_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
