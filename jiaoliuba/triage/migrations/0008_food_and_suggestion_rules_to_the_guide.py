"""The default "not red because" rules for food and goods and for suggestions, rewritten to
docs/triage-labelling.md (issue 11), as 0007 did for worries and facilities.

Migration 0006 installed them excluding only words of harm happening now, so:

- the food rule excused doubtful food served to a school, kindergarten or care home, and food
  that has made someone ill as long as nobody vomited or went to hospital (a child with
  diarrhoea or a fever). The guide's yellow is "可疑食品、商品，但无人生病，也不涉及学校、养老机构等
  弱势群体的供餐": it now excludes words of illness (腹泻, 拉肚子, 发烧, 不舒服 …), schools and
  care homes (学校, 幼儿园, 养老院, 助餐 …) and anything on the guide's red list (an expired
  gas cylinder is no food); it is renamed to say so;
- the suggestion rule excused any text with 建议, 希望, 提议 …, a rooftop railing too low
  where children play told as a suggestion included. The guide's blue is a general suggestion
  about the future; "以‘建议’口吻说出的具体的眼前危险……按危险本身判，是红". It now excludes the
  guide's red list and feared falls (as the fear rule does since 0007) and drops 希望, which
  closes most complaints ("希望尽快处理") and asks for something here now to be fixed; it is
  renamed to say so.

Only rows that still hold exactly the text 0006 installed (0007 did not touch these two) are
changed: a row an administrator has edited is left as the administrator left it, and whether
a row is active is kept. The reverse puts the 0006 text back on rows that still hold exactly
the new text. Every changed row gets a new `version` and `updated_at`, so the rule cache of
running processes sees the change within TRIAGE_CACHE_SECONDS.

The texts are frozen here as literals: this migration keeps its meaning when
`jiaoliuba/triage/defaults.py` changes again."""

from django.db import migrations

from jiaoliuba.triage.migrations._rule_texts import replace

# defaults.IMMINENT and GUIDE_RED_HAZARDS, FEARED_FALLS (unchanged by this migration), and
# FOOD_ILLNESS, VULNERABLE_CATERING as written for it.
IMMINENT = "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀"
GUIDE_RED_HAZARDS = "充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯"
FEARED_FALLS = "摔,跌,踩空"
FOOD_ILLNESS = "生病,病了,发病,不舒服,难受,肚子疼,肚子痛,胃疼,胃痛,腹泻,拉肚子,拉稀,发烧,发热,高烧,过敏,起疹子,呕,恶心,头疼,头痛,看病,就医,诊所,打针,输液"
VULNERABLE_CATERING = "学校,校园,学生,小学,中学,幼儿园,托儿所,托育,托管班,午托,小饭桌,养老院,敬老院,养老机构,托老所,福利院,日间照料,老年食堂,长者食堂,助餐"

# What 0006 installed (the old defaults), and what replaces it, rule by rule.
BEFORE = [
    {
        "name": "不红：食品与商品质量（无人发病）",
        "kind": "not_red",
        "reason": "Food or goods of doubtful quality with nobody seriously ill: market supervision, not an emergency.",
        "priority": "",
        "category": "",
        "keywords": "过期,三无,没日期,没有日期,没有标签,地沟油,缺斤少两,改了日期,不卫生,馊,假冒",
        "patterns": "",
        "exclude": IMMINENT + ",吐,中毒,抽,昏,住院,好几个人",
    },
    {
        "name": "不红：提建议、提意见",
        "kind": "not_red",
        "reason": "A suggestion or an opinion about how things could be better.",
        "priority": "",
        "category": "",
        "keywords": "建议,希望,提个意见,提议,意见箱",
        "patterns": "",
        "exclude": IMMINENT,
    },
]

AFTER = [
    {
        "name": "不红：食品与商品质量（无人生病，不供学校养老）",
        "kind": "not_red",
        "reason": "Food or goods of doubtful quality with nobody ill, not served to a school, kindergarten or care home: the guide's yellow (market supervision).",
        "priority": "",
        "category": "",
        "keywords": "过期,三无,没日期,没有日期,没有标签,地沟油,缺斤少两,改了日期,不卫生,馊,假冒",
        "patterns": "",
        "exclude": IMMINENT + ",吐,中毒,抽,昏,住院,好几个人," + FOOD_ILLNESS + "," + VULNERABLE_CATERING + "," + GUIDE_RED_HAZARDS,
    },
    {
        "name": "不红：提建议、提意见（泛泛的建议，不是眼前的危险）",
        "kind": "not_red",
        "reason": "A general suggestion about the future (more drills, talks or equipment) that names nothing on the guide's red list; a specific danger told as a suggestion is judged by the danger.",
        "priority": "",
        "category": "",
        "keywords": "建议,提个意见,提议,意见箱",
        "patterns": "",
        "exclude": IMMINENT + "," + GUIDE_RED_HAZARDS + "," + FEARED_FALLS,
    },
]


def to_the_guide(apps, schema_editor):
    replace(apps, zip(BEFORE, AFTER, strict=True))


def back_to_0006(apps, schema_editor):
    replace(apps, zip(AFTER, BEFORE, strict=True))


class Migration(migrations.Migration):
    dependencies = [("triage", "0007_not_red_rules_to_the_guide")]
    operations = [migrations.RunPython(to_the_guide, back_to_0006)]
