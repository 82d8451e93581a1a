"""Installs the first default rules into an empty rule table.

The rules are frozen here as literals (issue 11) instead of being imported from
`jiaoliuba/triage/defaults.py`, so that this migration keeps meaning what it meant when the
defaults change. They are the defaults as they stood from 2026-11-28 (commit ea33780, which
added 井盖没有) until migration 0005 changed the gas rule's exclusion words: 0005 still turns
the GAS_EXCLUDE_BEFORE list below into the new one, so a new database ends up holding the
shipped defaults as before. (A database migrated in the 39 minutes between this migration's
first commit, c02ea3f, and ea33780 lacks 井盖没有; no later migration adds it.)"""

from django.db import migrations

DEFAULT_RULES = [
    {
        "name": "危险：燃气、火情、用电",
        "priority": "red",
        "category": "safety",
        "keywords": "爆炸,火灾,着火,起火,失火,冒烟,浓烟,烧焦,燃气味,煤气味,天然气味,液化气味,漏气,燃气泄漏,煤气泄漏,嘶嘶响,漏电,触电,电线冒火,电线打火,冒火花,打火花,一氧化碳,煤气中毒,炭火,炭盆",
        "patterns": "\n".join(
            [
                r"(燃|煤|天然)[气期汽].{0,6}(味|漏|泄)",
                r"(电[瓶平]车|电动车).{0,8}(冒烟|着火|起火|烧)",
            ]
        ),
        "exclude": "燃气费,燃气表,交燃气,消防演练,消防讲座,消防培训,安全讲座,防火门",
    },
    {
        "name": "危险：结构、坠落、人身",
        "priority": "red",
        "category": "safety",
        "keywords": "坍塌,塌了,倒塌,要塌,快塌,掉下来,砸伤,砸到人,坠落,高空抛物,溺水,被困,困在,晕倒,昏迷,不省人事,井盖没有,中毒,自杀,轻生,跳楼,不想活,井盖丢,没有井盖,井盖没了,走失,找不到人,咬伤,流血",
        "patterns": "\n".join(
            [
                r"(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)",
                r"好几天没(见|看到|出门)",
            ]
        ),
        "exclude": "",
    },
    {
        "name": "群体性风险",
        "priority": "red",
        "category": "group_conflict",
        "keywords": "群体,上访,聚集,围堵,堵路,堵大门,拉横幅,联名,集体去,打起来,斗殴,持刀,拿刀,砍人,闹事,讨薪,罢工,一群人,几十个人,几十号人,很多业主,业主们都,去市政府,去政府门口",
        "patterns": "[二三四五六七八九十几百]+[十百]?(多)?个?(人|工人|业主|村民|户).{0,12}(不走|堵|围|闹|去)",
        "exclude": "群里通知,微信群,群主",
    },
    {
        "name": "邻里",
        "priority": "",
        "category": "neighbor",
        "patterns": "",
        "exclude": "",
        "keywords": "邻居,楼上,楼下,隔壁,对门,跳绳,装修噪音,宠物,狗叫,猫,占用楼道,漏水到我家",
    },
    {
        "name": "物业",
        "priority": "",
        "category": "property",
        "patterns": "",
        "exclude": "",
        "keywords": "物业,电梯,保安,物业费,维修基金,门禁,车位,小区绿化,业委会",
    },
    {
        "name": "民生服务",
        "priority": "",
        "category": "livelihood",
        "patterns": "",
        "exclude": "",
        "keywords": "低保,医保,社保,救助,就业,养老,残疾,补贴,开证明,户口,上学,体检,停水,停电,暖气,路灯",
    },
    {
        "name": "意见建议",
        "priority": "",
        "category": "suggestion",
        "patterns": "",
        "exclude": "",
        "keywords": "建议,希望,意见,提议,表扬,感谢,点赞",
    },
    {
        "name": "安全隐患",
        "priority": "",
        "category": "safety",
        "patterns": "",
        "exclude": "",
        "keywords": "隐患,消防通道,井盖,积水,私拉电线,飞线充电",
    },
]


def seed(apps, schema_editor):
    TriageRule = apps.get_model("triage", "TriageRule")
    if not TriageRule.objects.exists():
        for rule in DEFAULT_RULES:
            TriageRule.objects.create(**rule)


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_rules_and_models")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
