"""The rules a new deployment starts with (also used by `jiaoliuba classify` before the
database exists). Administrators edit the copies in the database."""

# "燃气表" alone used to veto the whole rule, so "燃气表附近有异味" was not red; only
# billing and meter-reading phrases veto it now.
GAS_EXCLUDE_BEFORE = "燃气费,燃气表,交燃气,消防演练,消防讲座,消防培训,安全讲座,防火门"
GAS_EXCLUDE = (
    "燃气费,交燃气,燃气表读数,换燃气表,燃气表换,消防演练,消防讲座,消防培训,安全讲座,防火门"
)

# Signs that harm is happening now or people are in danger now (the seed's 紧急): none of
# the "not red because" rules below may excuse a text that has one of them. A crowd blocking
# a road or a gate is one; 堵 alone was too (until migration 0009), and it kept the guide's
# own yellow, a fire lane blocked by cars (消防通道被车堵了), from being excused.
IMMINENT = (
    "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,"
    "救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,"
    "叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,"
    "要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀"
)

# Who can go missing (走失): family members and the vulnerable, not a pet.
PERSON = r"(爸|妈|爷|奶|姥|外公|外婆|老伴|老人|老头|老太|孩子|小孩|儿子|女儿|闺女|娃)"

DEFAULT_RULES = [
    {
        "name": "危险：燃气、火情、用电",
        "priority": "red",
        "category": "safety",
        "keywords": "爆炸,火灾,着火,起火,失火,冒烟,浓烟,烧焦,燃气味,煤气味,天然气味,液化气味,漏气,燃气泄漏,煤气泄漏,"
        "嘶嘶响,漏电,触电,电线冒火,电线打火,冒火花,打火花,一氧化碳,煤气中毒,炭火,炭盆",
        "patterns": r"(燃|煤|天然)[气期汽].{0,6}(味|漏|泄)"
        "\n"
        r"(电[瓶平]车|电动车).{0,8}(冒烟|着火|起火|烧)",
        "exclude": GAS_EXCLUDE,
    },
    {
        "name": "危险：结构、坠落、人身",
        "priority": "red",
        "category": "safety",
        "keywords": "坍塌,塌了,倒塌,要塌,快塌,掉下来,砸伤,砸到人,坠落,高空抛物,溺水,被困,困在,晕倒,昏迷,不省人事,井盖没有,"
        "中毒,自杀,轻生,跳楼,不想活,井盖丢,没有井盖,井盖没了,走失,找不到人,咬伤,抓伤,流血",
        "patterns": r"(电梯).{0,10}(困|关|卡).{0,10}(人|孩|老)"
        "\n"
        r"好几天没(见|看到|出门)"
        # The guide's 走失 (a person at risk) as people say it; a lost pet is not one.
        "\n" + PERSON + r"[^。！？!?]{0,12}(走丢|走散|跑丢)"
        # The guide's 打架 and 扬言 one step before: someone waiting with a weapon.
        "\n"
        r"(拿|举|提|握|抄)着?(刀|菜刀|砍刀|锤子|斧头|棍子|铁棍|钢管|砖头)",
        "exclude": "",
    },
    {
        "name": "群体性风险",
        "priority": "red",
        "category": "group_conflict",
        "keywords": "群体,上访,聚集,围堵,堵路,堵大门,拉横幅,联名,集体去,打起来,斗殴,持刀,拿刀,砍人,闹事,讨薪,"
        "罢工,一群人,几十个人,几十号人,很多业主,业主们都,去市政府,去政府门口,"
        # The guide's 群体性矛盾 told calmly: many households against the property company
        # or a developer, before anyone blocks a gate.
        "大部分业主,多数业主,收集签名,集体签名,签名信",
        "patterns": r"[二三四五六七八九十几百]+[十百]?(多)?个?(人|工人|业主|村民|户).{0,12}(不走|堵|围|闹|去)"
        "\n"
        r"[二三四五六七八九十几百]+[十百]?多?(户|名|位|个)?(业主|居民|村民|工人|家长|住户)"
        r".{0,20}(不满|不同意|反对|签名|维权|讨说法|要说法|要求)",
        "exclude": "群里通知,微信群,群主",
    },
    # Category hints without a priority: they speak when the model is unsure (or absent).
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

# "Not red because" exceptions: the seed makes every 安全隐患 and 群体性矛盾 red; these are
# the reasons administrators start with for treating one as not urgent. Written from what
# the seed calls urgent (danger to people now), not from any test set.
DEFAULT_NOT_RED_RULES = [
    {
        "name": "不红：咨询安全知识",
        "kind": "not_red",
        "reason": "A question about safety knowledge or rules, not a report of a hazard.",
        "priority": "",
        "category": "",
        "keywords": "请问,咨询一下,咨询下,想咨询,想问一下,想问问,问一下,想了解一下,有没有指引,怎么判断,有什么要求,需要注意什么,是否符合规定,"
        "想问下,问下,市民咨询,来电咨询,怎么申请,如何申请,怎么办卡,有没有免费,免费发,免费领,免费装,免费安装,在哪能买,在哪买,哪里能买,哪里有卖",
        "patterns": r"(可以|能|能不能|要不要|会不会).{0,12}吗[？?]?$",
        "exclude": IMMINENT,
    },
    {
        "name": "不红：建议与宣传",
        "kind": "not_red",
        "reason": "A suggestion for campaigns or drills, not a danger that exists now.",
        "priority": "",
        "category": "",
        "keywords": "建议组织,建议开展,建议多搞,建议社区组织,宣传一下,多宣传,讲座,演练,培训一下",
        "patterns": "",
        "exclude": IMMINENT,
    },
]

# Hazards told calmly: written from the accident types of GB 6441 (物体打击, 触电, 淹溺, 灼烫,
# 高处坠落, 坍塌, 中毒和窒息 …) and first-aid warning signs, not from any evaluation set.
DEFAULT_HAZARD_RULES = [
    {
        "name": "危险：事故类别与急救征兆（GB 6441）",
        "priority": "red",
        "category": "safety",
        "keywords": "一动不动,没有反应,没反应了,叫不醒,喊不醒,没有呼吸,没气了,昏过去,抽搐,口吐白沫,"
        "大量出血,被电了,电到人,烫伤,烧伤,窒息,喘不上气,掉进水,落水,踩空,墙体开裂,外墙脱落,"
        "大面积脱落,塌陷,下陷,电线裸露,电线掉下来,高压线,脚手架晃",
        "patterns": r"(井盖|盖板|窨井).{0,6}(缺失|破损|碎了|移位|被偷|不见|丢失|翻了)"
        "\n"
        r"(护栏|栏杆|围栏).{0,8}(断|缺|歪|倒|没了|塌)"
        "\n"
        r"([两三四五几多]天|好几天).{0,10}(没出来|没出门|没动静|没开门|没人应)"
        "\n"
        r"(燃气|煤气|天然气|液化气)[^。；;]{0,10}(异味|味道|臭味|味儿)"
        "\n"
        r"(卧床|独居|瘫痪).{0,12}(停水|停电|停运|没人管|没人照顾)",
        "exclude": "",
    },
]


# What docs/triage-labelling.md calls red although nobody is hurt yet (红 2 一步之遥的安全隐患,
# 红 3 处境危险的弱势者, 红 4 会变大的危险, 红 5 群体性矛盾, the traffic note), in the guide's own
# words and their plain variants; not from any evaluation set. A worry about the future, or a
# broken facility, that mentions one of them is never excused by a "not red because" rule:
# the guide asks whether harm is credible, not whether it has happened.
GUIDE_RED_HAZARDS = (
    # 火与电 fire and electricity
    "充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,"
    "气罐,易燃,"
    # 坠落与砸伤 falling objects
    "外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,"
    "围栏,倒了,倒下,"
    # 踩空与跌落 falls
    "井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,"
    # 结构 structure
    "裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,"
    # 其他 other
    "电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,"
    # 弱势者 people at risk; 儿童活动的地方 where children play
    "独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,"
    "孩子天天,小孩天天,"
    # 会变大 growing; 群体性矛盾 collective conflict; 交通 traffic
    "越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,"
    "出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯"
)

# A feared fall (踩空与跌落) is red unless the guide says otherwise: a street light out is
# yellow except at a pit, steps or water, so the facilities rule looks at the place instead.
FEARED_FALLS = "摔,跌,踩空"
FALL_PLACES = "台阶,楼梯,坑,水边,河边,池塘"

# The guide's yellow for food: "可疑食品、商品，但无人生病，也不涉及学校、养老机构等弱势群体的供餐".
# Someone ill (a child with diarrhoea or a fever …) in the guide's and plain words; the
# IMMINENT words (医院, 晕 …) and the rule's own (吐, 中毒, 住院 …) are excluded too, and so is
# anything on the guide's red list (an expired gas cylinder, 过期的液化气罐, is no food).
FOOD_ILLNESS = (
    "生病,病了,发病,不舒服,难受,肚子疼,肚子痛,胃疼,胃痛,腹泻,拉肚子,拉稀,发烧,发热,高烧,过敏,"
    "起疹子,呕,恶心,头疼,头痛,看病,就医,诊所,打针,输液"
)
# Food served to schools, care homes and similar (弱势群体的供餐).
VULNERABLE_CATERING = (
    "学校,校园,学生,小学,中学,幼儿园,托儿所,托育,托管班,午托,小饭桌,养老院,敬老院,养老机构,"
    "托老所,福利院,日间照料,老年食堂,长者食堂,助餐"
)

# Written from the seed's definition, not from any evaluation set; the fear and facilities
# rules were rewritten to docs/triage-labelling.md (issue 11: red does not wait for harm to
# happen; migration 0007 updates the deployed rows that still hold the text 0006 installed),
# then the food and suggestion rules (migration 0008): food with someone ill or served to a
# school or care home is red, and so is a specific danger told as a suggestion.
DEFAULT_NOT_RED_RULES_2 = [
    {
        "name": "不红：担心将来（不是一步之遥的隐患）",
        "kind": "not_red",
        "reason": "A worry about some day that names nothing on the guide's red list (fire and "
        "power, falling objects, falls, structure, lifts, people at risk, crowds): no credible "
        "harm if nobody acts today.",
        "priority": "",
        "category": "",
        "keywords": "万一,怕哪天,担心,不放心,提心吊胆,以后会,将来会,还没出事",
        "patterns": "",
        "exclude": IMMINENT + "," + GUIDE_RED_HAZARDS + "," + FEARED_FALLS,
    },
    {
        "name": "不红：已经处理",
        "kind": "not_red",
        "reason": "The hazard has already been dealt with; the writer reports or thanks after the fact.",
        "priority": "",
        "category": "",
        "keywords": "修好了,已经修好,已修复,处理好了,已经处理,已经解决,解决了,已经换了,已经清理,已排除,"
        "恢复正常,没事了,表扬,感谢",
        "patterns": "",
        "exclude": IMMINENT,
    },
    {
        "name": "不红：日常设施与消防管理",
        "kind": "not_red",
        "reason": "Something broken that cannot hurt anyone, or fire-safety management (expired "
        "extinguishers, fire lanes blocked by cars, clutter with no ignition source): the "
        "guide's yellow.",
        "priority": "",
        "category": "",
        "keywords": "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,"
        "没有红绿灯,灭火器,消防栓,消防通道,杂物,堆满,乱停",
        "patterns": "",
        "exclude": IMMINENT + ",断了,焦,烟,爆," + GUIDE_RED_HAZARDS + "," + FALL_PLACES,
    },
    {
        "name": "不红：食品与商品质量（无人生病，不供学校养老）",
        "kind": "not_red",
        "reason": "Food or goods of doubtful quality with nobody ill, not served to a school, "
        "kindergarten or care home: the guide's yellow (market supervision).",
        "priority": "",
        "category": "",
        "keywords": "过期,三无,没日期,没有日期,没有标签,地沟油,缺斤少两,改了日期,不卫生,馊,假冒",
        "patterns": "",
        "exclude": IMMINENT
        + ",吐,中毒,抽,昏,住院,好几个人,"
        + FOOD_ILLNESS
        + ","
        + VULNERABLE_CATERING
        + ","
        + GUIDE_RED_HAZARDS,
    },
    {
        "name": "不红：提建议、提意见（泛泛的建议，不是眼前的危险）",
        "kind": "not_red",
        "reason": "A general suggestion about the future (more drills, talks or equipment) that "
        "names nothing on the guide's red list; a specific danger told as a suggestion is "
        "judged by the danger.",
        "priority": "",
        "category": "",
        "keywords": "建议,提个意见,提议,意见箱",
        "patterns": "",
        "exclude": IMMINENT + "," + GUIDE_RED_HAZARDS + "," + FEARED_FALLS,
    },
]


def builtin_rules() -> list[dict]:
    """What a database with the default rules holds, in the same order."""
    return DEFAULT_RULES + DEFAULT_HAZARD_RULES + DEFAULT_NOT_RED_RULES + DEFAULT_NOT_RED_RULES_2
