"""The default "not red because" rules for worries about the future and for everyday facilities,
rewritten to docs/triage-labelling.md (issue 11).

Migration 0006 installed them as "red only if danger is happening now": the first excused any
text with 担心, 万一, 隐患, 还没出事, 迟早 …, the second listed 飞线充电 and 楼道充电 beside expired
extinguishers. The guide makes a hazard one everyday step from harm red although nobody is hurt
yet (charging in a stairwell, a loose sign, a broken manhole cover …), so:

- the fear rule no longer excuses a text naming anything on the guide's red list (sections
  红 2–5 and the traffic note; a feared fall too), and it drops the words that are no reason
  for "not red" under the guide: the "not yet" words (还没掉, 还没人受伤, 暂时没, 目前还没 …;
  the guide: 还没人受伤也算), the words that say harm is likely (迟早, 早晚, 容易出事, 容易摔,
  不太安全, 挺吓人), 隐患 (the seed's own word for red) and 哪天 (also a plain question,
  "哪天来修"); it is renamed to say so;
- the facilities rule loses the charging words and no longer excuses a text naming anything
  on the red list, nor a street light out at a pit, steps or water.

Only rows that still hold exactly the text 0006 installed (name, kind, reason, priority,
category, keywords, patterns, exclusion words) are changed: a row an administrator has edited
is left as the administrator left it, and no rule is added beside it. Whether a row is active
is kept as it is. The reverse puts the 0006 text back on rows that still hold exactly the new
text. Every changed row gets a new `version` and `updated_at`, so the rule cache of running
processes (`classifier._rules_version()`: row count, highest version, latest update) sees the
change within TRIAGE_CACHE_SECONDS.

The texts are frozen here as literals: this migration keeps its meaning when
`jiaoliuba/triage/defaults.py` changes again."""

from django.db import migrations

from jiaoliuba.triage.migrations._rule_texts import replace

# defaults.IMMINENT (unchanged by this migration), GUIDE_RED_HAZARDS, FEARED_FALLS and
# FALL_PLACES as written for it.
IMMINENT = "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀"
GUIDE_RED_HAZARDS = "充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯"
FEARED_FALLS = "摔,跌,踩空"
FALL_PLACES = "台阶,楼梯,坑,水边,河边,池塘"

# What 0006 installed (the old defaults), and what replaces it, rule by rule.
BEFORE = [
    {
        "name": "不红：担心将来（尚未发生）",
        "kind": "not_red",
        "reason": "The writer fears what could happen some day; nothing is happening to anyone now.",
        "priority": "",
        "category": "",
        "keywords": "还没掉,还没塌,还没出事,还没事,还没人受伤,暂时没,暂时还,目前还没,目前没,万一,怕哪天,哪天,早晚,迟早,以后会,担心,不放心,提心吊胆,隐患,不太安全,容易摔,容易绊,容易出事,挺吓人",
        "patterns": "",
        "exclude": IMMINENT,
    },
    {
        "name": "不红：日常设施与消防管理",
        "kind": "not_red",
        "reason": "Lighting, signs and fire-safety management (blocked fire lanes, expired extinguishers, charging in corridors) with nobody in danger now: a fix within days.",
        "priority": "",
        "category": "",
        "keywords": "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,没有红绿灯,灭火器,消防栓,消防通道,堆放杂物,堆满,飞线充电,楼道充电,楼道里充电,乱停",
        "patterns": "",
        "exclude": IMMINENT + ",倒了,断了,焦,烟,爆",
    },
]

AFTER = [
    {
        "name": "不红：担心将来（不是一步之遥的隐患）",
        "kind": "not_red",
        "reason": "A worry about some day that names nothing on the guide's red list (fire and power, falling objects, falls, structure, lifts, people at risk, crowds): no credible harm if nobody acts today.",
        "priority": "",
        "category": "",
        "keywords": "万一,怕哪天,担心,不放心,提心吊胆,以后会,将来会,还没出事",
        "patterns": "",
        "exclude": IMMINENT + "," + GUIDE_RED_HAZARDS + "," + FEARED_FALLS,
    },
    {
        "name": "不红：日常设施与消防管理",
        "kind": "not_red",
        "reason": "Something broken that cannot hurt anyone, or fire-safety management (expired extinguishers, fire lanes blocked by cars, clutter with no ignition source): the guide's yellow.",
        "priority": "",
        "category": "",
        "keywords": "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,没有红绿灯,灭火器,消防栓,消防通道,杂物,堆满,乱停",
        "patterns": "",
        "exclude": IMMINENT + ",断了,焦,烟,爆," + GUIDE_RED_HAZARDS + "," + FALL_PLACES,
    },
]


def to_the_guide(apps, schema_editor):
    replace(apps, zip(BEFORE, AFTER, strict=True))


def back_to_0006(apps, schema_editor):
    replace(apps, zip(AFTER, BEFORE, strict=True))


class Migration(migrations.Migration):
    dependencies = [("triage", "0006_not_red_rules_from_the_definition")]
    operations = [migrations.RunPython(to_the_guide, back_to_0006)]
