"""Two default red rules know more of the ways people say what the labelling guide makes red
(issue 11). The rule for harm to people ("危险：结构、坠落、人身"):

- a person gone missing told as 走丢/走散/跑丢 (the guide's 走失, in the words most people use):
  "我爸走丢了" was filed yellow. The pattern names who (family, the old, children) because a
  lost pet is not the guide's person at risk;
- someone holding a weapon (拿着锤子/菜刀/棍子…): the guide's 打架 and 扬言 one step before;
  "楼上的……又拿着锤子在楼道里等我出门" was filed yellow.

The rule for collective conflict ("群体性风险"): the guide's 群体性矛盾 told calmly, many
households against the property company or a developer before anyone blocks a gate
("大部分业主不同意", "六十多户业主……已经在收集签名了"): its pattern knew only 不走/堵/围/闹/去.

All were seen among the red appeals that leave-one-file-out folds missed (train_c, writer 3);
the words are written from the guide's categories, not from those texts alone, and were
measured on every fold, the held-out set and the blind writer 8 before shipping
(bench/README.md, twelfth pass).

As 0007–0010: only a row that still holds exactly the text installed before is changed (an
administrator's edit is kept, and so is whether the row is active); it gets a new `version`
and `updated_at`; the reverse puts the old text back on a row that still holds exactly the new
one. The texts are frozen here as literals."""

from django.db import migrations

from jiaoliuba.triage.migrations._rule_texts import replace

KEYWORDS = "坍塌,塌了,倒塌,要塌,快塌,掉下来,砸伤,砸到人,坠落,高空抛物,溺水,被困,困在,晕倒,昏迷,不省人事,井盖没有,中毒,自杀,轻生,跳楼,不想活,井盖丢,没有井盖,井盖没了,走失,找不到人,咬伤,抓伤,流血"

BEFORE = [
    {
        "name": "危险：结构、坠落、人身",
        "reason": "",
        "priority": "red",
        "category": "safety",
        "keywords": KEYWORDS,
        "patterns": "(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)\n好几天没(见|看到|出门)",
        "exclude": "",
    },
    {
        "name": "群体性风险",
        "reason": "",
        "priority": "red",
        "category": "group_conflict",
        "keywords": "群体,上访,聚集,围堵,堵路,堵大门,拉横幅,联名,集体去,打起来,斗殴,持刀,拿刀,砍人,闹事,讨薪,罢工,一群人,几十个人,几十号人,很多业主,业主们都,去市政府,去政府门口",
        "patterns": "[二三四五六七八九十几百]+[十百]?(多)?个?(人|工人|业主|村民|户).{0,12}(不走|堵|围|闹|去)",
        "exclude": "群里通知,微信群,群主",
    },
]

AFTER = [
    {
        **BEFORE[0],
        "patterns": "(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)\n好几天没(见|看到|出门)\n(爸|妈|爷|奶|姥|外公|外婆|老伴|老人|老头|老太|孩子|小孩|儿子|女儿|闺女|娃)[^。！？!?]{0,12}(走丢|走散|跑丢)\n(拿|举|提|握|抄)着?(刀|菜刀|砍刀|锤子|斧头|棍子|铁棍|钢管|砖头)",
    },
    {
        **BEFORE[1],
        "keywords": "群体,上访,聚集,围堵,堵路,堵大门,拉横幅,联名,集体去,打起来,斗殴,持刀,拿刀,砍人,闹事,讨薪,罢工,一群人,几十个人,几十号人,很多业主,业主们都,去市政府,去政府门口,大部分业主,多数业主,收集签名,集体签名,签名信",
        "patterns": "[二三四五六七八九十几百]+[十百]?(多)?个?(人|工人|业主|村民|户).{0,12}(不走|堵|围|闹|去)\n[二三四五六七八九十几百]+[十百]?多?(户|名|位|个)?(业主|居民|村民|工人|家长|住户).{0,20}(不满|不同意|反对|签名|维权|讨说法|要说法|要求)",
    },
]


def forwards(apps, schema_editor):
    replace(apps, zip(BEFORE, AFTER, strict=True))


def backwards(apps, schema_editor):
    replace(apps, zip(AFTER, BEFORE, strict=True))


class Migration(migrations.Migration):
    dependencies = [("triage", "0010_scratches_are_harm_to_people")]
    operations = [migrations.RunPython(forwards, backwards)]
