"""Held-out texts for the risk bench (issue 11, third pass): measured at the end, never tuned on.

Written on 2026-12-02 before any change to the detector of this pass, and committed before
the first tuning run. Nothing here was looked at again while tuning. `BENCH_HELDOUT=1` makes
the stream generator use all of it instead of the tuning pools:

- 20 cluster matters that no earlier set tells, each in 6 tellings in different voices (an
  older resident's plain speech, dialect, a hotline operator's record, a grid worker's
  shorthand, a long message with the matter in the middle, a young resident's chat style);
  only the first 2 share a line (as copied from a building's chat group), the other 4 are
  told freely, and not every telling names the building;
- the background of every stream (quiet, surge, cluster, repeat) comes from the triage
  held-out file `jiaoliuba/triage/data/test.jsonl` (510 appeals written by other authors for
  the classifier, not for this bench, and not part of the corpus the detector learns from),
  with places, openings and closings of its own below (other stock phrases than the tuning
  pools' "请相关部门来看看").
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HELDOUT_CLUSTER_MATTERS: list[tuple[str, list[str]]] = [
    ("safety", [
        "9号楼有人往楼下扔酒瓶子，碎玻璃撒了一地",
        "9号楼又有人从楼上扔酒瓶，碎玻璃撒了一地，差点砸到人",
        "俺刚从九号楼底下过，啪一声一个瓶子摔在脚跟前，吓死个人了，楼上谁这么缺德",
        "来电人反映：其所住楼栋近日多次出现高空坠物（玻璃瓶），已有居民险些被砸，要求查处。",
        "网格巡查：9栋楼下发现碎玻璃瓶3处，疑似高空抛物，已拍照留存，建议调监控。",
        "我跟你们说个事，我家孩子放学回来说楼下又有瓶子掉下来，前两天邻居的车玻璃也被砸了，我们现在走楼底下都得绕着，这事到底有没有人管",
    ]),
    ("property", [
        "儿童乐园的滑梯裂开了一道口子，今天有个小孩把腿划破了",
        "儿童乐园滑梯裂了个口子，有小孩腿被划破了",
        "小孩子们玩的那个滑梯坏了，边上翘起来一块铁皮，锋利得很，我孙子裤子都刮烂了",
        "游乐设施破损未修复，已造成儿童受伤，请物业尽快围挡并维修。",
        "娃儿在院坝头耍滑滑梯，遭那个烂口子割了好长一条，流了好多血，物业都不来看一眼",
        "今天下午带闺女下楼玩，结果滑滑梯上有个大裂口，闺女手被划了，还好不深，但是真的很危险啊，拜托赶紧修一下或者先拦起来",
    ]),
    ("safety", [
        "4号楼外墙保温层被风刮掉了好大一块，砸在自行车棚上",
        "4号楼外墙的保温层让风刮下来一大块，砸到了车棚",
        "昨晚风大，我们楼外面那一层泡沫板子一样的东西哗哗往下掉，车棚顶都砸瘪了",
        "市民反映：4号楼外立面保温材料大面积脱落，存在坠落伤人隐患。",
        "四号楼墙上那个皮子翘起来老大一片，风一吹就呼啦呼啦响，底下天天有人走",
        "楼外墙的板子在掉，早上出门看见地上一大块，这要是砸到人头上咋整",
    ]),
    ("neighbor", [
        "2号楼3单元501是群租房，住了二十多个人，天天半夜进进出出",
        "2号楼3单元501群租，住了二十几个人，半夜进出吵得很",
        "我们单元五楼有一户隔成了好多小间租出去，人来人往的，楼道里全是他们的鞋和行李箱",
        "来电人称：本单元某户违规分隔出租，居住人员多、流动大，噪音扰民且有消防隐患。",
        "501那户一套房塞了十几张床，卫生间下水天天堵，半夜还有人敲错门",
        "想问问社区能不能管管二号楼那个群租的，晚上两三点还有人拖着箱子上下楼，电梯里一股外卖味，老人都不敢一个人坐电梯了",
    ]),
    ("property", [
        "早市的摊子摆到小区大门口，早上五点就开始吆喝，车也出不去",
        "早市摆到小区门口了，五点多就开始吆喝，车都开不出去",
        "天还没亮楼下就有人扯着嗓子卖菜，喇叭一遍遍放，觉根本睡不成",
        "居民反映：小区出入口被流动摊贩占用，清晨噪音扰民，影响车辆通行。",
        "大清早门口那一溜卖菜卖早点的，三轮车把门堵得死死的，上班的车排着队出不去",
        "咱这门口天天跟赶集似的，四五点钟就叮叮咣咣支摊子，俺老头子心脏不好，一宿一宿睡不踏实",
    ]),
    ("livelihood", [
        "自来水里有红色的小虫子，一接一盆能看到好几条",
        "水龙头放出来的水有红色小虫，接一盆能看见好几条",
        "今天早上我接水做饭，盆底下有几条红红的小虫在扭，吓得我一口都不敢喝了",
        "来电人反映：家中自来水发现红色线虫，怀疑二次供水水箱污染，要求检测。",
        "水里有虫子！！！红色的，会动的，我拍了视频，这水还能喝吗",
        "俺家水管子里出来的水带着小红虫，邻居家也一样，娃还小，这两天都买桶装水喝了",
    ]),
    ("neighbor", [
        "半夜渣土车一辆接一辆从小区后面的路上过，轰隆隆震得窗户响",
        "每天半夜渣土车一辆接一辆从后面那条路过，窗户都震得响",
        "夜里一两点还有大车过，车斗里的土一路撒，轰的一声我就醒了",
        "居民反映：夜间重型运输车辆频繁通行，噪音、扬尘严重，影响休息。",
        "后面那条道天天夜里跑土方车，开得飞快，第二天路上全是泥",
        "我家卧室正对着后面那条路，这一个礼拜每天晚上十二点以后就开始过大货车，拉土的那种，一晚上几十趟，孩子明天还要考试，实在扛不住了",
    ]),
    ("neighbor", [
        "1楼那家开了个宠物寄养，十几条狗一起叫，楼道里臭得进不去",
        "一楼那户搞宠物寄养，十几条狗一起叫，楼道臭得没法进",
        "楼下那户把家里改成了狗舍，白天黑夜地汪汪叫，味道顺着窗户往上飘",
        "来电人反映：楼内住户在住宅内经营宠物寄养，犬吠扰民、异味严重，要求取缔。",
        "一楼养了一屋子狗，收钱帮人看狗的，粪便就往花池里倒",
        "楼底下那家屋头喂了一二十条狗儿，一天到黑叫，臭烘烘的，找他说他还凶得很",
    ]),
    ("livelihood", [
        "11号楼这边手机突然没信号了，打电话都打不出去",
        "11号楼手机没信号了，连电话都打不出去",
        "从前天开始家里手机一格信号都没有，要跑到楼下路边才能打电话，老伴有病万一有个急事咋办",
        "来电人反映：其居住楼栋移动通信信号中断，已持续两天，影响正常通话。",
        "楼顶那个天线前两天被拆了，现在整栋楼手机都是无服务",
        "在家上网课一直掉线，手机也没信号，问了邻居大家都一样，运营商客服说要报上去等",
    ]),
    ("safety", [
        "幼儿园旁边那棵大树上有个马蜂窝，有篮球那么大",
        "幼儿园边上的大树上有个马蜂窝，跟篮球一样大",
        "今天接孩子看见树上挂着一个大蜂包，好多马蜂在飞，孩子们就在底下排队",
        "网格巡查：幼儿园东侧树木上发现大型胡蜂巢一个，建议联系消防摘除。",
        "园门口那棵树上吊着个马蜂窝，已经有家长被蛰了，手肿得老高",
        "老师说今天有个小朋友被蜂子蛰了，我过去一看树上那么大一个窝，这个得赶紧找人来摘掉吧",
    ]),
    ("property", [
        "共享单车堆在东门口，把盲道和出口全堵死了",
        "东门口堆满了共享单车，盲道和出口都被堵死了",
        "门口那一堆黄的绿的自行车横七竖八，推个婴儿车都过不去",
        "居民反映：小区东侧出入口共享单车无序堆放，占用盲道及通行空间。",
        "东门单车堆成山了，我今天早上是从车缝里挤出来的",
        "那些扫码骑的车子全扔在东门，我拄个拐棍根本没法走，摔了谁负责",
    ]),
    ("property", [
        "物业把中心花园那几棵几十年的大樟树砍了",
        "物业把中心花园几棵几十年的老樟树给砍了",
        "早上一出门院里的老树都没了，就剩几个树桩子，问物业说是影响采光",
        "来电人反映：物业未经业主同意砍伐小区内多棵成年乔木，要求说明依据。",
        "那几棵大树夏天大家都在底下乘凉，说砍就砍了，跟谁商量了",
        "我在小区住了十几年，那几棵樟树比我孙子岁数还大，今天一早电锯声响了一上午全放倒了，我们几个老头看着心疼，物业说是上面让砍的，到底是谁让砍的",
    ]),
    ("livelihood", [
        "社区老年食堂说关就关了，老人中午没地方吃饭",
        "老年食堂突然关门了，老人们中午没地方吃饭",
        "俺们几个老的每天中午就指着那个饭堂，今天去门锁着，贴了张纸说暂停营业",
        "来电人反映：社区助老餐厅停止营业，未提前告知，独居老人就餐困难。",
        "助餐点停了，我妈八十多了自己做不了饭，我上班也顾不上",
        "饭堂咋个说关就关嘛，我们这些孤老头子中午吃啥子，总不能天天啃馒头",
    ]),
    ("group_conflict", [
        "6号楼1单元装电梯，一楼二楼的住户堵着不让施工，两边吵起来了",
        "6号楼1单元加装电梯，一二楼住户堵着不让施工，两边都吵起来了",
        "我们单元要装电梯，低楼层的几户死活不同意，今天施工队来了又被拦回去了，楼上的都急了",
        "来电人反映：老旧楼加装电梯项目因低层住户阻挠停工，高低层住户发生争执，情绪激动。",
        "加梯的事闹僵了，楼上十几户和楼下两户在楼门口对骂，差点动手",
        "六号楼装电梯的事能不能社区出个面，两边都是邻居，再这样下去要打起来了",
    ]),
    ("group_conflict", [
        "好多老人在一个养老项目里投了钱，现在公司关门了找不到人",
        "很多老人投了钱的那个养老项目，公司关门了人也找不到了",
        "我妈把棺材本都投进去了，说是什么养老公寓分红，现在门店锁了，电话也关机",
        "来电人反映：某养老服务公司以高息为诱饵吸收老年人资金后停业，涉及人数较多，老人聚集。",
        "今天上午有三十多个老人在那家店门口坐着不走，说要讨回血汗钱",
        "那个天天送鸡蛋送挂面的公司跑了，我们楼好几个老人都交了钱，一个好几万，这是不是诈骗",
    ]),
    ("neighbor", [
        "垃圾车每天凌晨四点来收垃圾，哐哐倒桶把人都吵醒了",
        "每天凌晨四点垃圾车来倒桶，哐哐的把人都吵醒了",
        "天不亮就听见楼下铁桶砸得咣当咣当响，还有倒车的嘀嘀声，一早上就别想睡了",
        "居民反映：环卫车辆清运作业时间过早，噪音影响居民休息，建议调整清运时间。",
        "收垃圾的能不能晚点来，四点钟又是压缩机又是喊的",
        "我上夜班的，刚睡着就被收垃圾的吵醒，天天这样，人都要垮了",
    ]),
    ("safety", [
        "8号楼楼道里的暖气管爆了，热水顺着楼梯往下流",
        "8号楼楼道暖气管爆了，热水顺着楼梯一直往下淌",
        "楼梯上全是冒热气的水，一股铁锈味，楼下那家门口已经泡了",
        "来电人反映：其所在楼栋公共区域供暖管道破裂漏水，存在烫伤及触电风险，请速派人关阀。",
        "八号楼供热管漏了，哗哗往外喷，热气把楼道都罩住了，看不清路",
        "刚才听见楼道里砰一声，出来一看墙角的管子在喷热水，烫得没法下楼，物业值班电话没人接",
    ]),
    ("safety", [
        "楼顶的太阳能热水器被风吹得快翻了，架子都歪了",
        "楼顶太阳能热水器让风吹得快掉下来了，架子都歪了",
        "抬头一看顶上那个热水器的铁架子斜着挂在边上，底下是孩子们上学的路",
        "网格巡查：某楼屋面太阳能设备支架锈蚀变形，大风天气有坠落风险。",
        "房顶上谁家的太阳能板晃得厉害，今天风大，咯吱咯吱响，我都不敢从底下走",
        "那个太阳能的水桶已经有一头悬空了，要是刮下来砸到人就出人命了，赶紧找人上去弄一下",
    ]),
    ("property", [
        "南边围墙拆了修路，外面的人随便进小区，晚上不安全",
        "南面的围墙因为修路拆了，外面的人随便进出，晚上很不安全",
        "墙一拆小区就跟大马路连着了，这几天夜里总有生人在楼下转悠，电动车都丢了两辆",
        "居民反映：因道路施工拆除小区围挡后未设临时封闭，治安隐患突出。",
        "南边现在就一排破塑料挡板，谁都能钻进来，物业也没加人看着",
        "以前好歹有个墙，现在修路拆了，晚上黑灯瞎火的啥人都往里走，我一个人住心里发毛",
    ]),
    ("livelihood", [
        "小区里的直饮水机停了一个星期，也没人来修",
        "小区直饮水机停了一个礼拜了，一直没人修",
        "我每天拎着壶去打水，那个净水机子不出水了，贴的电话打过去是空号",
        "居民反映：小区自助净水设备故障停用多日，运营方联系不上。",
        "楼下打水的机器坏了好几天了，刷卡没反应，卡里还有钱呢",
        "那个投币接水的机器不出水了，我们老的不会网上买水，扛桶装水又扛不动",
    ]),
]  # fmt: skip

PLACES = [
    "19号楼", "3栋", "六号楼门口", "13号楼2单元", "小区西北角", "篮球场边", "南门保安亭",
    "东区", "20号楼", "社区服务站门口", "地下室", "2栋1单元", "老年大学那边", "菜鸟驿站旁",
    "楼后小路", "健身步道", "16号楼", "临街商铺门口", "车棚", "5栋3单元",
]  # fmt: skip
OPENERS = [
    "", "", "", "", "书记好，", "同志你好，", "我要反映个情况，", "打扰了，", "喂，",
    "12345转来：", "我是本小区业主，", "社区的同志，",
]  # fmt: skip
CLOSERS = [
    "", "", "", "", "望领导重视。", "请尽快给个答复。", "盼早日解决。", "谢谢社区！",
    "麻烦社区跟进一下。", "希望有关部门管管。", "实在没办法了。", "不要再推来推去了。",
    "请回电。", "大家意见很大。",
]  # fmt: skip

# One background "topic" per appeal of the triage held-out file: it has no finer topics.
_TRIAGE_TEST = Path(__file__).resolve().parents[1] / "jiaoliuba/triage/data/test.jsonl"


def background() -> dict[str, list[tuple[str, str]]]:
    pools: dict[str, list[tuple[str, str]]] = {}
    for line in _TRIAGE_TEST.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pools.setdefault(row["category"], []).append((row["id"], row["content"]))
    return pools


def load_matters(path: str, variable: str) -> list[tuple[str, list[str]]]:
    """The cluster matters of another module of HELDOUT_CLUSTER_MATTERS' shape (a blind set
    kept outside the repository), checked so a malformed file fails loudly, not quietly."""
    spec = importlib.util.spec_from_file_location("risk_heldout_alt", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"BENCH_HELDOUT_MODULE: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    matters = getattr(module, variable, None)
    if matters is None and variable != "HELDOUT_CLUSTER_MATTERS":
        matters = getattr(module, "HELDOUT_CLUSTER_MATTERS", None)
    if not matters:
        raise SystemExit(f"BENCH_HELDOUT_MODULE: {path} has no {variable}")
    for domain, tellings in matters:
        if not isinstance(domain, str) or len(tellings) < 5 or not all(tellings):
            raise SystemExit(
                f"BENCH_HELDOUT_MODULE: a matter of {path} is not (domain, [tellings])"
            )
    return [(domain, list(tellings)) for domain, tellings in matters]
