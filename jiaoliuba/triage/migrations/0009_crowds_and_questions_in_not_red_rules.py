"""The default "not red because" rules: a crowd, not the word 堵 alone, stops an excuse, and the
question rule knows more ways a question is put (issue 11).

Every default "not red because" rule excludes the words of harm happening now (IMMINENT).
They held 堵 on its own, meant for a crowd blocking a road or a gate; it also stopped the
facilities rule from excusing the guide's own yellow, a fire lane blocked by cars
("消防通道被私家车堵了"), which the seed's "hazards are red" rule then made red. 堵 is now
堵路, 堵门, 堵大门 and 围堵. The question rule ("不红：咨询安全知识") gains the ways questions came
in the corpus and the commissioned voices (想问下, 市民咨询, 怎么申请, 有没有免费, 在哪能买 …): a
resident asking where to get a free smoke alarm was made red by the same seed rule. Both were
found by reading the leave-one-file-out folds' wrongly reddened texts (training data), and
written from docs/triage-labelling.md's yellow and blue lists, not from any evaluation set.

As 0007 and 0008: only rows that still hold exactly the text the earlier migrations installed
are changed (an administrator's edit is kept, and so is whether a row is active); every changed
row gets a new `version` and `updated_at`; the reverse puts the old text back on rows that
still hold exactly the new one. The texts are frozen here as literals."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

BEFORE = [
    {
        'name': "不红：咨询安全知识",
        'kind': "not_red",
        'reason': "A question about safety knowledge or rules, not a report of a hazard.",
        'priority': "",
        'category': "",
        'keywords': "请问,咨询一下,咨询下,想咨询,想问一下,想问问,问一下,想了解一下,有没有指引,怎么判断,有什么要求,需要注意什么,是否符合规定",
        'patterns': "(可以|能|能不能|要不要|会不会).{0,12}吗[？?]?$",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：建议与宣传",
        'kind': "not_red",
        'reason': "A suggestion for campaigns or drills, not a danger that exists now.",
        'priority': "",
        'category': "",
        'keywords': "建议组织,建议开展,建议多搞,建议社区组织,宣传一下,多宣传,讲座,演练,培训一下",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：担心将来（不是一步之遥的隐患）",
        'kind': "not_red",
        'reason': "A worry about some day that names nothing on the guide's red list (fire and power, falling objects, falls, structure, lifts, people at risk, crowds): no credible harm if nobody acts today.",
        'priority': "",
        'category': "",
        'keywords': "万一,怕哪天,担心,不放心,提心吊胆,以后会,将来会,还没出事",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,摔,跌,踩空",
    },
    {
        'name': "不红：已经处理",
        'kind': "not_red",
        'reason': "The hazard has already been dealt with; the writer reports or thanks after the fact.",
        'priority': "",
        'category': "",
        'keywords': "修好了,已经修好,已修复,处理好了,已经处理,已经解决,解决了,已经换了,已经清理,已排除,恢复正常,没事了,表扬,感谢",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：日常设施与消防管理",
        'kind': "not_red",
        'reason': "Something broken that cannot hurt anyone, or fire-safety management (expired extinguishers, fire lanes blocked by cars, clutter with no ignition source): the guide's yellow.",
        'priority': "",
        'category': "",
        'keywords': "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,没有红绿灯,灭火器,消防栓,消防通道,杂物,堆满,乱停",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,断了,焦,烟,爆,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,台阶,楼梯,坑,水边,河边,池塘",
    },
    {
        'name': "不红：食品与商品质量（无人生病，不供学校养老）",
        'kind': "not_red",
        'reason': "Food or goods of doubtful quality with nobody ill, not served to a school, kindergarten or care home: the guide's yellow (market supervision).",
        'priority': "",
        'category': "",
        'keywords': "过期,三无,没日期,没有日期,没有标签,地沟油,缺斤少两,改了日期,不卫生,馊,假冒",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,吐,中毒,抽,昏,住院,好几个人,生病,病了,发病,不舒服,难受,肚子疼,肚子痛,胃疼,胃痛,腹泻,拉肚子,拉稀,发烧,发热,高烧,过敏,起疹子,呕,恶心,头疼,头痛,看病,就医,诊所,打针,输液,学校,校园,学生,小学,中学,幼儿园,托儿所,托育,托管班,午托,小饭桌,养老院,敬老院,养老机构,托老所,福利院,日间照料,老年食堂,长者食堂,助餐,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯",
    },
    {
        'name': "不红：提建议、提意见（泛泛的建议，不是眼前的危险）",
        'kind': "not_red",
        'reason': "A general suggestion about the future (more drills, talks or equipment) that names nothing on the guide's red list; a specific danger told as a suggestion is judged by the danger.",
        'priority': "",
        'category': "",
        'keywords': "建议,提个意见,提议,意见箱",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,摔,跌,踩空",
    },
]

AFTER = [
    {
        'name': "不红：咨询安全知识",
        'kind': "not_red",
        'reason': "A question about safety knowledge or rules, not a report of a hazard.",
        'priority': "",
        'category': "",
        'keywords': "请问,咨询一下,咨询下,想咨询,想问一下,想问问,问一下,想了解一下,有没有指引,怎么判断,有什么要求,需要注意什么,是否符合规定,想问下,问下,市民咨询,来电咨询,怎么申请,如何申请,怎么办卡,有没有免费,免费发,免费领,免费装,免费安装,在哪能买,在哪买,哪里能买,哪里有卖",
        'patterns': "(可以|能|能不能|要不要|会不会).{0,12}吗[？?]?$",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：建议与宣传",
        'kind': "not_red",
        'reason': "A suggestion for campaigns or drills, not a danger that exists now.",
        'priority': "",
        'category': "",
        'keywords': "建议组织,建议开展,建议多搞,建议社区组织,宣传一下,多宣传,讲座,演练,培训一下",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：担心将来（不是一步之遥的隐患）",
        'kind': "not_red",
        'reason': "A worry about some day that names nothing on the guide's red list (fire and power, falling objects, falls, structure, lifts, people at risk, crowds): no credible harm if nobody acts today.",
        'priority': "",
        'category': "",
        'keywords': "万一,怕哪天,担心,不放心,提心吊胆,以后会,将来会,还没出事",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,摔,跌,踩空",
    },
    {
        'name': "不红：已经处理",
        'kind': "not_red",
        'reason': "The hazard has already been dealt with; the writer reports or thanks after the fact.",
        'priority': "",
        'category': "",
        'keywords': "修好了,已经修好,已修复,处理好了,已经处理,已经解决,解决了,已经换了,已经清理,已排除,恢复正常,没事了,表扬,感谢",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀",
    },
    {
        'name': "不红：日常设施与消防管理",
        'kind': "not_red",
        'reason': "Something broken that cannot hurt anyone, or fire-safety management (expired extinguishers, fire lanes blocked by cars, clutter with no ignition source): the guide's yellow.",
        'priority': "",
        'category': "",
        'keywords': "路灯不亮,路灯坏,路灯一闪,没有路灯,没路灯,应急灯,指示牌,安全出口标志,减速带,斑马线,没有红绿灯,灭火器,消防栓,消防通道,杂物,堆满,乱停",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,断了,焦,烟,爆,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,台阶,楼梯,坑,水边,河边,池塘",
    },
    {
        'name': "不红：食品与商品质量（无人生病，不供学校养老）",
        'kind': "not_red",
        'reason': "Food or goods of doubtful quality with nobody ill, not served to a school, kindergarten or care home: the guide's yellow (market supervision).",
        'priority': "",
        'category': "",
        'keywords': "过期,三无,没日期,没有日期,没有标签,地沟油,缺斤少两,改了日期,不卫生,馊,假冒",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,吐,中毒,抽,昏,住院,好几个人,生病,病了,发病,不舒服,难受,肚子疼,肚子痛,胃疼,胃痛,腹泻,拉肚子,拉稀,发烧,发热,高烧,过敏,起疹子,呕,恶心,头疼,头痛,看病,就医,诊所,打针,输液,学校,校园,学生,小学,中学,幼儿园,托儿所,托育,托管班,午托,小饭桌,养老院,敬老院,养老机构,托老所,福利院,日间照料,老年食堂,长者食堂,助餐,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯",
    },
    {
        'name': "不红：提建议、提意见（泛泛的建议，不是眼前的危险）",
        'kind': "not_red",
        'reason': "A general suggestion about the future (more drills, talks or equipment) that names nothing on the guide's red list; a specific danger told as a suggestion is judged by the danger.",
        'priority': "",
        'category': "",
        'keywords': "建议,提个意见,提议,意见箱",
        'patterns': "",
        'exclude': "正在,刚才,刚刚,还在,今天,今晚,已经有人,有人受伤,受伤,流血,出血,送医,医院,120,119,救命,快来,赶紧,马上,冒烟,冒火,火星,着火,起火,烧起来,漏气,漏电,燃气味,煤气味,困在,被困,出不来,叫不醒,喊不应,没人应,敲门不应,晕,昏迷,倒地,砸到人,掉下去了,打起来,动手,拿刀,持刀,威胁,扬言,要跳,不想活,几十,上百,聚集,堵路,堵门,堵大门,围堵,烧,打老婆,打孩子,打人,家暴,哭喊,呼救,差点,报复,锤子,刀,充电,电瓶,电池,飞线,电线,插线板,接线板,电表箱,电箱,火花,发烫,触电,燃气,煤气,天然气,液化气,气罐,易燃,外墙,墙砖,瓷砖,广告牌,招牌,空调外机,外机,窗户,树枝,松动,欲坠,掉下,砸,高空抛物,阳台,护栏,栏杆,围栏,倒了,倒下,井盖,盖板,窨井,塌,下陷,深坑,大坑,围挡,水边,河边,池塘,水塘,扶手,裂缝,开裂,裂了,倾斜,承重墙,挡土墙,墙体,楼板,电梯,恶犬,咬人,咬过,咬伤,饮用水,自来水,污水,有毒,毒气,化学品,泄漏,独居,走失,断药,锁在,无人照看,没人照看,卧床,瘫痪,轻生,自杀,虐待,孩子玩,小孩玩,孩子们玩,孩子天天,小孩天天,越来越,没人管,业主们,很多业主,工人,欠薪,讨薪,拖欠工资,上访,联名,集体,群体,出过事故,出过车祸,撞过,红绿灯不亮,红绿灯坏,信号灯,摔,跌,踩空",
    },
]


def _replace(apps, pairs):
    TriageRule = apps.get_model("triage", "TriageRule")
    now = timezone.now()
    for was, becomes in pairs:
        TriageRule.objects.filter(**was).update(**becomes, version=F("version") + 1, updated_at=now)


def forwards(apps, schema_editor):
    _replace(apps, zip(BEFORE, AFTER, strict=True))


def backwards(apps, schema_editor):
    _replace(apps, zip(AFTER, BEFORE, strict=True))


class Migration(migrations.Migration):
    dependencies = [("triage", "0008_food_and_suggestion_rules_to_the_guide")]
    operations = [migrations.RunPython(forwards, backwards)]
