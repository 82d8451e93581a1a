"""Adds the second set of default "not red because" rules and gives the first two their
exclusion words.

The values are frozen here as they were when this migration was written (2026-12-02), so
that it keeps meaning what it meant when `jiaoliuba/triage/defaults.py` changes; later
changes to the defaults come with their own data migration (0007)."""

from django.db import migrations

# Signs that harm is happening now (defaults.IMMINENT as it was).
IMMINENT = "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀"

# The names of the first two "not red because" rules (defaults.DEFAULT_NOT_RED_RULES).
FIRST_NAMES = ["不红：咨询安全知识", "不红：建议与宣传"]

# defaults.DEFAULT_NOT_RED_RULES_2 as it was.
NOT_RED_RULES_2 = [
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
        "name": "不红：已经处理",
        "kind": "not_red",
        "reason": "The hazard has already been dealt with; the writer reports or thanks after the fact.",
        "priority": "",
        "category": "",
        "keywords": "修好了,已经修好,已修复,处理好了,已经处理,已经解决,解决了,已经换了,已经清理,已排除,恢复正常,没事了,表扬,感谢",
        "patterns": "",
        "exclude": IMMINENT,
    },
    {
        "name": "不红：日常设施与消防管理",
        "kind": "not_red",
        "reason": "Lighting, signs and fire-safety management (blocked fire lanes, expired "
        "extinguishers, charging in corridors) with nobody in danger now: a fix within days.",
        "priority": "",
        "category": "",
        "keywords": "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,没有红绿灯,灭火器,消防栓,消防通道,堆放杂物,堆满,飞线充电,楼道充电,楼道里充电,乱停",
        "patterns": "",
        "exclude": IMMINENT + ",倒了,断了,焦,烟,爆",
    },
    {
        "name": "不红：食品与商品质量（无人发病）",
        "kind": "not_red",
        "reason": "Food or goods of doubtful quality with nobody seriously ill: market supervision, not "
        "an emergency.",
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


def seed(apps, schema_editor):
    TriageRule = apps.get_model("triage", "TriageRule")
    for rule in NOT_RED_RULES_2:
        if not TriageRule.objects.filter(name=rule["name"]).exists():
            TriageRule.objects.create(**rule)
    # The first two exceptions had no exclusion words: a question or a suggestion that
    # tells of danger now must not be excused. Only where administrators left them empty.
    TriageRule.objects.filter(name__in=FIRST_NAMES, kind="not_red", exclude="").update(
        exclude=IMMINENT
    )


def unseed(apps, schema_editor):
    TriageRule = apps.get_model("triage", "TriageRule")
    TriageRule.objects.filter(name__in=[r["name"] for r in NOT_RED_RULES_2]).delete()
    TriageRule.objects.filter(name__in=FIRST_NAMES, exclude=IMMINENT).update(exclude="")


class Migration(migrations.Migration):
    dependencies = [("triage", "0005_triage_not_red_rules")]
    operations = [migrations.RunPython(seed, unseed)]
