"""What an appeal is about: the physical things, utilities and nuisances a city's hotline
and community workers sort complaints by, and the named spots of a residential compound.

The classes follow the headings of municipal service catalogues (water, power, gas and
heat supply; lifts; drainage and manholes; roads, lighting and traffic signals; trees and
green space; buildings' walls and roofs; railings; wiring and charging; fire; refuse;
noise sources; animals and pests; water bodies; parking, gates, shops and services; fees
and money) rather than from any matter a test tells, so they stay useful for matters
nobody foresaw. Each class is a tuple of words; an appeal mentions the class when any word
occurs in it. A class says what a complaint is about, not that two complaints are one
matter: `matching` weighs a shared class by how rare it is in the district and adds the
place and the wording."""

from __future__ import annotations

import re
from functools import lru_cache

from jiaoliuba.appeals.similarity import normalize

OBJECTS: dict[str, tuple[str, ...]] = {
    # utilities
    "water": (
        "自来水", "水龙头", "停水", "断水", "没水", "没有水", "来水", "供水", "水压", "水管", "水表", "水质", "水箱", "出水",
        "水是", "水有", "黄水", "浑水", "水浑", "水垢", "二次供水", "接水", "水很小", "水小", "饮用水", "直饮水", "净水", "打水",
        "售水机", "水发黄",
    ),
    "power": (
        "停电", "断电", "没电", "来电", "供电", "跳闸", "电闸", "电表", "电力", "变压器", "电压", "电路", "停了电", "断了电",
    ),
    "gas": ("燃气", "煤气", "天然气", "液化气", "停气", "燃气灶", "漏气", "燃气管", "燃气表", "煤气罐", "气罐"),
    "heating": (
        "暖气", "供暖", "供热", "暖气片", "地暖", "采暖", "冷得", "冻得", "冻感冒", "屋里冷", "供热管", "暖气管", "暖气不热",
        "锅炉", "热力", "热水管", "热水", "热气", "暖气阀",
    ),
    "lift": ("电梯", "轿厢", "升降梯", "扶梯", "加装电梯", "加梯", "困人", "关在里面", "装电梯", "电梯井"),
    # drainage and streets
    "manhole": ("井盖", "窨井", "下水井", "检查井", "雨水井", "井口", "污水井"),
    "drain": (
        "下水道", "下水管", "排水", "排污", "污水", "化粪池", "返水", "地漏", "管道堵", "马桶", "臭水", "堵了", "下水不通",
        "冒水", "反水", "溢水",
    ),
    "road": ("路面", "塌陷", "沉降", "坑", "人行道", "马路", "路基", "挖开", "开挖", "沟"),
    "lighting": ("路灯", "照明", "楼道灯", "没有灯", "没灯", "黑灯", "灯杆"),
    "signal": ("红绿灯", "信号灯", "交通灯", "斑马线", "路口"),
    "traffic": ("堵车", "乱停", "车流", "疏导", "超速", "开得太快", "逆行"),
    # green space and structures
    "tree": ("树", "枝", "绿化", "草坪", "草地", "绿地", "花坛", "灌木", "砍伐", "树桩", "乔木", "修剪"),
    "wall": (
        "外墙", "墙皮", "墙体", "瓷砖", "外立面", "围墙", "墙面", "墙上", "裂缝", "脱落", "保温层", "保温板", "外保温", "泡沫板",
        "空鼓", "掉皮", "墙砖", "墙", "挡板",
    ),
    "railing": ("护栏", "栏杆", "围栏", "扶手", "栅栏"),
    "building_works": ("违建", "违章", "私搭", "搭建", "加盖", "乱搭", "盖房", "盖屋", "搭棚", "铁皮屋"),
    "falling": (
        "高空抛物", "坠物", "往下扔", "往楼下扔", "扔下来", "扔东西", "掉下来", "刮下来", "吹下来", "砸到", "砸伤", "坠落", "砸在",
        "从楼上", "楼上扔", "扔下", "掉东西", "砸下来", "往下掉", "吹掉", "刮掉",
    ),
    "leak": ("漏水", "渗水", "渗漏", "滴水", "往下滴", "发霉", "水渍", "天花板", "漏雨", "防水"),
    "sublet": (
        "群租", "隔断", "隔成", "分租", "出租屋", "租户", "租客", "二房东", "日租", "床位", "短租", "出租", "租出去", "小间",
        "好多人住",
    ),
    "security": (
        "治安", "小偷", "被偷", "被盗", "失窃", "丢了", "陌生人", "生人", "外来人员", "随便进", "撬", "监控", "摄像头", "不安全",
        "钻进来", "外人", "闲杂人", "翻墙", "治安隐患",
    ),
    "solar": ("太阳能", "热水器", "光伏"),
    "clutter": ("堆物", "杂物", "乱堆", "堆放", "占用楼道", "小广告", "牛皮癣", "贴广告"),
    "toilet": ("厕所", "公厕", "卫生间", "茅房"),
    "ice": ("积雪", "结冰", "路滑", "扫雪", "冰面"),
    "bike": ("共享单车", "单车", "自行车", "扫码骑", "车子乱放"),
    "truck": ("渣土车", "土方车", "大货车", "货车", "大车", "重型车", "拉土", "卡车", "搅拌车", "水泥罐车", "运输车"),
    "meals": ("食堂", "饭堂", "助餐", "老年餐", "送餐", "吃饭", "午饭", "配餐", "餐厅"),
    "venue": ("活动室", "活动中心", "图书室", "阅览室", "老年大学", "服务站"),
    "sports": ("篮球", "打球", "球场", "健身房", "足球", "乒乓"),
    "night": ("半夜", "凌晨", "深夜", "夜里", "天不亮", "大清早", "清晨", "一两点", "两三点", "四五点"),
    "wiring": ("电线", "线缆", "电缆", "网线", "飞线", "拉线", "电线杆"),
    "charging": ("电动车", "电瓶车", "电瓶", "充电", "电池"),
    "fire": ("着火", "起火", "失火", "冒烟", "火灾", "烧焦", "焦糊", "灭火", "火苗", "明火"),
    "fire_access": ("消防通道", "消防车", "安全出口", "消防栓", "疏散", "堵住通道", "通道堵"),
    "gate": ("门禁", "单元门", "大门", "门锁", "道闸", "出入口", "楼门", "防盗门", "侧门"),
    "playground": (
        "滑梯", "秋千", "游乐", "健身器材", "儿童", "游乐设施", "滑滑梯", "跷跷板", "沙坑", "蹦床", "单杠", "娱乐设施", "儿童乐园",
    ),
    # environment and nuisance
    "refuse": (
        "垃圾", "清运", "废品", "回收站", "纸壳", "垃圾车", "垃圾桶", "垃圾箱", "收垃圾", "倒桶", "环卫", "垃圾站", "中转站",
        "溢出", "堆满", "垃圾房", "垃圾分类", "分类桶", "倒垃圾",
    ),
    "smell": ("臭", "异味", "刺鼻", "怪味", "味道", "气味", "腥"),
    "fumes": (
        "废气", "油烟", "烟味", "烧烤", "烟熏", "焚烧", "化工", "粉尘", "扬尘", "工厂", "厂子", "排放", "黑烟", "烟囱", "呛",
        "烟雾", "焚烧", "烧垃圾", "烧东西",
    ),
    "construction": ("工地", "施工", "打桩", "渣土", "搅拌", "挖掘机"),
    "renovation": ("装修", "砸墙", "电钻", "电锤", "切割"),
    "music": ("广场舞", "音响", "音乐", "唱歌", "ktv", "喇叭", "麦克风", "卡拉ok", "酒吧", "跳舞", "蹦迪"),
    "fireworks": ("烟花", "鞭炮", "爆竹", "放炮", "礼花"),
    "machine": ("机器", "风机", "马达", "轰鸣", "发电机", "空调外机", "设备声"),
    "noise": (
        "噪音", "吵", "扰民", "睡不着", "声音太大", "响个不停", "吵醒", "睡不成", "睡不踏实", "噪声", "影响休息", "轰隆", "咣当",
        "哐", "闹", "震得", "震动", "嘈杂",
    ),
    "dog": ("狗", "犬", "汪汪", "宠物", "遛狗", "狗叫", "狗粪", "狗屎", "大狗", "烈性犬", "咬人"),
    "cat": ("猫",),
    "rodent": ("老鼠", "鼠"),
    "insect": ("蚊", "苍蝇", "蟑螂", "虫", "蜂", "白蚁", "马蜂", "蜂窝", "蛰", "蜇", "蚂蚁"),
    "bird": ("鸽", "鸟"),
    "water_body": (
        "河", "湖", "池塘", "水池", "水沟", "死水", "积水", "水塘", "内涝", "淹了", "泡水", "倒灌", "进水", "排不出去",
    ),
    # people, shops and services
    "vendor": (
        "摆摊", "小贩", "摊贩", "商贩", "占道", "地摊", "早市", "夜市", "卖菜", "摊子", "摊位", "叫卖", "吆喝", "流动摊",
        "出摊", "支摊", "早点摊", "赶集", "菜市场", "农贸市场", "卖早点", "卖水果", "摆摊设点", "占道经营",
    ),
    "parking": (
        "停车", "车位", "停车场", "僵尸车", "占车位", "地锁", "车位锁", "停的车", "乱停", "车挡", "挪车", "占道停车", "停满",
    ),
    "bus": ("公交", "站台", "班车", "地铁"),
    "parcel": ("快递", "快递柜", "驿站"),
    "school": ("学校", "校门", "小学", "中学", "幼儿园", "放学", "上学", "接孩子"),
    "clinic": ("卫生站", "卫生服务", "诊所", "医院", "拿药", "开药", "配药", "看病", "疫苗", "体检", "打针", "社区医院", "药房"),
    "signal_net": (
        "信号", "宽带", "网络", "断网", "基站", "铁塔", "辐射", "无服务", "没信号", "掉线", "运营商", "天线", "上网", "wifi",
        "打不出去", "打不通", "信号差", "光纤",
    ),
    "selling": (
        "推销", "保健品", "讲座", "传销", "诈骗", "骗", "投资", "投了钱", "理财", "高息", "分红", "集资", "返利", "非法吸收",
    ),
    # money
    "fee": ("收费", "涨价", "费用", "多收", "乱收", "物业费", "水费", "电费", "停车费", "公摊"),
    "wages": ("工资", "工钱", "欠薪", "讨薪", "血汗钱"),
    "property_deal": ("开发商", "交房", "售楼", "烂尾", "房产证", "购房"),
    "refund": ("退费", "退款", "跑路", "预付", "会员卡", "卷款", "卷钱", "找不到人", "关门了", "人去楼空"),
    "management": ("物业公司", "撤场", "业委会", "业主大会"),
}  # fmt: skip

_OBJECTS = tuple((name, tuple(normalize(w) for w in words)) for name, words in OBJECTS.items())
# A thing followed by a word of position is where the matter is, not what it is about
# ("快递柜那边的杂草", "卫生站旁边的器材"): that mention does not count.
_LOCATIVE = (
    "那边",
    "这边",
    "旁边",
    "附近",
    "边",
    "侧",
    "对面",
    "后面",
    "前面",
    "一带",
    "那里",
    "这里",
)


def _mentions(text: str, word: str) -> bool:
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        # "快递柜那边" for the word 快递: the thing's name may run on a character or two.
        if not any(text.startswith(_LOCATIVE, end + gap) for gap in range(3)):
            return True
        start = text.find(word, start + 1)
    return False


# The same appeals are read again and again (each new appeal is compared with the last 48
# hours, the district's corpus is relearned daily): remember the answers.
@lru_cache(maxsize=8192)
def objects(text: str) -> frozenset[str]:
    """The classes a (normalized) text mentions as what it is about. A named gate (北门)
    is where most matters are told, so it counts as a place (`spots`), not a thing."""
    return frozenset(name for name, words in _OBJECTS if any(_mentions(text, w) for w in words))


# Parts of a building say where a matter is, like a building number: the same part adds
# to the place evidence, not to what the appeals are about.
PARTS: dict[str, tuple[str, ...]] = {
    "stairs": ("楼道", "楼梯", "走廊", "过道", "楼梯间"),
    "basement": ("地下室", "车库", "地库", "负一楼"),
    "roof": ("楼顶", "天台", "屋顶", "顶楼", "顶层", "房顶"),
}
_PARTS = tuple((name, tuple(normalize(w) for w in words)) for name, words in PARTS.items())


def parts(text: str) -> frozenset[str]:
    return frozenset(name for name, words in _PARTS if any(w in text for w in words))


# Named spots of a compound: gates and zones by direction ("西门", "北区", "东南角"), told
# in the same words by everyone who lives there.
_SPOT = re.compile(r"([东南西北]{1,2})(门|区|边|侧|角|面)")
_SIDE = {"边": "侧", "面": "侧"}


def spots(text: str) -> frozenset[str]:
    """Gates and zones by direction, and the parts of a building."""
    named = {f"{d}{_SIDE.get(kind, kind)}" for d, kind in _SPOT.findall(text or "")}
    return frozenset(named) | parts(normalize(text))
