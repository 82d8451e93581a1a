"""Do two appeals tell the same matter? The cluster detector's text evidence.

Three signals, because residents neither write alike nor write only about their matter:
- stock phrases ("你好", "请相关部门来看看") are clauses that recur verbatim across many
  unrelated appeals; they are learned from the recent appeals of the district (no list is
  kept by hand) and dropped before comparing, so they neither dilute nor fake a link;
- the rest is compared as character bigrams weighted by inverse document frequency over
  the same recent appeals, so rare words ("打桩", "燃气味") count and common ones
  ("小区", "物业") hardly do;
- a small lexicon of the matters residents report together (停水, 停电, 电梯停运, 燃气味 …)
  links two free tellings that share no words ("家里水龙头一滴水都没有" / "自来水断了"),
  and building/unit numbers keep "3号楼" apart from "7号楼".
Everything here is pure (text in, numbers out); `risk.detect_cluster` feeds it."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jiaoliuba.appeals.similarity import normalize

# Clause boundaries: punctuation (Chinese and ASCII) and whitespace.
_CLAUSE = re.compile(r"[\s，。！？；：、,.!?;:…~～（）()“”\"'《》【】\[\]-]+")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BUILDING = re.compile(r"([0-9]+|[一二两三四五六七八九十]+)\s*(?:号楼|栋|幢|号楼栋)")
_UNIT = re.compile(r"([0-9]+|[一二三四五六七八九十]+)\s*单元")


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_NUM.get(token[1:], 0)
    if "十" in token:
        tens, _sep, ones = token.partition("十")
        return _CN_NUM.get(tens, 1) * 10 + _CN_NUM.get(ones, 0)
    return _CN_NUM.get(token, 0)


def clauses(text: str) -> list[str]:
    return [c for c in (normalize(p) for p in _CLAUSE.split(text or "")) if c]


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class Corpus:
    """What is common in the district lately: clause and bigram document frequencies."""

    docs: int
    bigram_df: Counter[str] = field(default_factory=Counter)
    stock: frozenset[str] = frozenset()

    def weight(self, gram: str) -> float:
        # Smoothed IDF; an unseen bigram gets the highest weight.
        return math.log((self.docs + 1) / (self.bigram_df.get(gram, 0) + 1)) + 1.0


# A clause is a stock phrase when it recurs verbatim in this share of the recent appeals
# (and in at least STOCK_MIN_DOCS of them) and in more than one community: a matter's own
# words recur within one community (neighbours copying one message must still link), a
# greeting or closing recurs across the whole district.
STOCK_SHARE = 0.01
STOCK_MIN_DOCS = 4
STOCK_MIN_PLACES = 2
STOCK_MAX_LEN = 14  # longer clauses carry a matter even when copied


def learn(texts: Iterable[tuple[str, object]]) -> Corpus:
    """`texts`: (text, community) of the district's recent appeals."""
    docs = 0
    clause_df: Counter[str] = Counter()
    clause_places: dict[str, set[object]] = {}
    bigram_df: Counter[str] = Counter()
    for text, place in texts:
        docs += 1
        parts = set(clauses(text))
        clause_df.update(parts)
        for part in parts:
            clause_places.setdefault(part, set()).add(place)
        bigram_df.update(set().union(*(bigrams(p) for p in parts)) if parts else ())
    floor = max(STOCK_MIN_DOCS, math.ceil(STOCK_SHARE * docs))
    stock = frozenset(
        c
        for c, n in clause_df.items()
        if n >= floor and len(c) <= STOCK_MAX_LEN and len(clause_places[c]) >= STOCK_MIN_PLACES
    )
    return Corpus(docs=docs, bigram_df=bigram_df, stock=stock)


# --- matters residents report together ---------------------------------------------------------
# Each matter is a conjunction of word groups (any word of each group must occur, in any
# order). Written from the kinds of matters 12345 hotlines and community workers group as
# one event (utilities out, shared equipment down, nuisance from one source, collective
# money disputes), not from any test set; keep each matter narrow, since two unrelated
# appeals that share one still link. "name/variant" is another way to tell the same matter.
MATTERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "water_out": (
        ("停水", "断水", "没水", "没有水", "不来水", "没来水", "一滴水", "不出水", "供水中断"),
    ),
    "water_out/tap": (("自来水", "水龙头", "供水"), ("断了", "停了", "没了", "不出", "中断")),
    "power_out": (("停电", "断电", "没电", "没有电", "不来电", "没来电", "供电中断"),),
    "gas_smell": (
        ("燃气", "煤气", "天然气", "液化气"),
        ("味", "泄漏", "漏气", "漏了", "闻到"),
    ),
    "lift_down": (
        ("电梯", "升降梯"),
        ("坏", "停运", "故障", "不能用", "用不了", "停了", "困人", "关人", "不动", "停用"),
    ),
    "lift_down/stairs": (("爬", "走"), ("十几层", "几十层", "楼梯"), ("电梯",)),
    "night_works": (
        ("工地", "施工", "打桩", "夜间作业", "渣土车", "搅拌"),
        ("夜", "晚上", "凌晨", "十一点", "十二点", "吵", "噪音", "扰民", "睡不着"),
    ),
    "renovation": (
        ("装修",),
        ("吵", "噪音", "声", "震", "一大早", "中午", "周末", "从早", "半夜"),
    ),
    # Tools that are a nuisance by themselves, whatever else is said.
    "renovation/tools": (("砸墙", "拆墙", "敲墙", "电钻", "电锤", "切割机", "冲击钻"),),
    "dance_music": (("广场舞", "跳舞", "坝坝舞"), ("音响", "音乐", "吵", "噪音", "声", "扰民")),
    "cooking_fumes": (("油烟", "烧烤", "烤串", "烤肉", "炭火"),),
    "refuse": (
        ("垃圾站", "垃圾中转站", "垃圾房", "垃圾桶", "垃圾池", "垃圾"),
        ("臭", "味", "苍蝇", "蚊子", "清运", "没人清", "没拉走", "满了"),
    ),
    "flooded_garage": (
        ("车库", "地库", "停车场", "地下室"),
        ("淹", "积水", "进水", "倒灌", "泡水", "游泳池", "抽水"),
    ),
    "heating": (("暖气", "供暖", "供热", "暖气片"),),
    "lights_out": (
        ("路灯", "照明", "灯"),
        ("不亮", "没亮", "坏", "黑", "摔"),
        ("路", "院子", "小区", "出门", "走路", "夜路"),
    ),
    "lights_out/dark": (("没有灯", "没灯", "黑灯瞎火", "一片漆黑"),),
    "stray_dogs": (("流浪狗", "野狗", "无主的狗", "流浪犬", "狗群"),),
    "fumes": (
        ("废气", "化工", "化学", "刺鼻", "毒气", "焚烧", "烧塑料"),
        ("味", "气", "闻", "嗓子", "呛", "难受", "窗"),
    ),
    "sewage": (
        ("下水道", "下水管", "排污管", "污水管", "化粪池", "管道"),
        ("堵", "返", "冒", "溢", "臭"),
    ),
    "sewage/backflow": (("返水", "返污水", "冒污水", "冒脏水", "臭水", "污水横流"),),
    "parking_fee": (("停车", "车位", "停车管理费", "车位月租"), ("涨", "收费", "费")),
    "property_fee": (("物业费", "公摊", "维修基金"), ("涨", "多收", "不明不白", "公开")),
    "wage_arrears": (("工资", "工钱", "讨薪", "拿不到钱", "欠薪", "血汗钱"),),
    "housing_delivery": (("交房", "交付", "烂尾", "停工"), ("延期", "逾期", "不交", "还不", "停")),
    "prepaid_refund": (
        ("跑路", "关门", "卷款", "倒闭", "退费", "退不回", "钱没了", "骗了钱", "跑了"),
        ("会员", "卡", "学费", "培训", "健身", "课", "预付", "家长", "老板"),
    ),
    "bus_stop": (
        ("公交", "公交站", "公交车", "站点", "路车"),
        ("撤", "改线", "不停", "没车", "取消"),
    ),
    "parcel_locker": (("快递柜", "丰巢", "快递"), ("收费", "超时", "保管费", "付钱", "收钱")),
    "charging": (
        ("充电桩", "充电插座", "充电的地方", "充电口"),
        ("坏", "用不了", "没反应", "充不了"),
    ),
    "river": (("河", "河道", "水沟", "池塘", "湖"), ("黑", "臭", "死鱼", "污染", "腐")),
    "school_gate": (
        ("学校", "校门", "小学", "幼儿园", "接孩子", "接送孩子", "放学"),
        ("堵", "乱停", "交通", "车流", "危险", "疏导"),
    ),
    "green_taken": (
        ("绿地", "草坪", "绿化带", "花园", "树"),
        ("改成停车", "修停车", "车位", "铲", "挖", "砍", "占"),
    ),
    "high_throw": (("高空抛物", "往下扔", "从楼上扔", "楼上丢"),),
    "manhole": (("井盖", "窨井", "下水井"),),
    "hallway_charging": (("飞线", "楼道充电", "楼道里充电", "推进电梯"),),
    "fire_exit": (("消防通道", "消防栓", "灭火器", "安全出口"),),
    "leak_ceiling": (("漏水", "渗水", "滴水"), ("天花板", "屋顶", "顶层", "墙", "楼上")),
    "dog_noise": (("狗", "犬"), ("叫", "吠")),
    "signal": (("信号", "宽带", "网络", "断网"), ("没有", "差", "断", "不好")),
}
_MATTERS = tuple(
    (name, tuple(tuple(normalize(w) for w in group) for group in groups))
    for name, groups in MATTERS.items()
)


def matters(text: str) -> frozenset[str]:
    return frozenset(
        name.split("/")[0]
        for name, groups in _MATTERS
        if all(any(w in text for w in g) for g in groups)
    )


def places(text: str) -> tuple[frozenset[int], frozenset[int]]:
    plain = (text or "").translate(_DIGITS)
    return (
        frozenset(_number(m) for m in _BUILDING.findall(plain)),
        frozenset(_number(m) for m in _UNIT.findall(plain)),
    )


@dataclass(frozen=True)
class Telling:
    """One appeal as the cluster detector sees it."""

    core: str
    grams: frozenset[str]
    weight: float
    matters: frozenset[str]
    buildings: frozenset[int]
    units: frozenset[int]


def telling(text: str, corpus: Corpus) -> Telling:
    kept = [c for c in clauses(text) if c not in corpus.stock]
    core = "".join(kept)
    grams = frozenset(set().union(*(bigrams(c) for c in kept)) if kept else ())
    buildings, units = places(text)
    return Telling(
        core=core,
        grams=grams,
        weight=sum(corpus.weight(g) for g in grams),
        matters=matters(core),
        buildings=buildings,
        units=units,
    )


def text_score(a: Telling, b: Telling, corpus: Corpus) -> float:
    """IDF-weighted mean of Jaccard and the overlap coefficient (as `similarity.score`)."""
    if not a.grams or not b.grams:
        return 0.0
    shared = sum(corpus.weight(g) for g in a.grams & b.grams)
    if not shared:
        return 0.0
    union = a.weight + b.weight - shared
    return (shared / union + shared / min(a.weight, b.weight)) / 2


def places_conflict(a: Telling, b: Telling) -> bool:
    """Both name a building (or unit) and none in common: different matters."""
    return bool(
        (a.buildings and b.buildings and not a.buildings & b.buildings)
        or (a.units and b.units and not a.units & b.units)
    )


def linked(a: Telling, b: Telling, corpus: Corpus, threshold: float) -> bool:
    if places_conflict(a, b):
        return False
    if a.matters & b.matters:
        return True
    return text_score(a, b, corpus) >= threshold


def group_of(new: int, tellings: dict[int, Telling], corpus: Corpus, threshold: float) -> set[int]:
    """The new appeal's group: the appeals it links to directly, plus any appeal linked to
    at least two members. One chance link (a shared place or phrase) cannot chain an
    unrelated appeal into the group, which single-link grouping allowed."""
    others = [k for k in tellings if k != new]
    links = {
        (x, y)
        for i, x in enumerate([new, *others])
        for y in others[i:]
        if x != y and linked(tellings[x], tellings[y], corpus, threshold)
    }

    def link(x: int, y: int) -> bool:
        return (x, y) in links or (y, x) in links

    group = {new} | {k for k in others if link(new, k)}
    grown = True
    while grown:
        grown = False
        for k in others:
            if k not in group and sum(1 for m in group if link(k, m)) >= 2:
                group.add(k)
                grown = True
    return group


def group_texts(
    new: int, texts: dict[int, str], corpus_texts: Sequence[tuple[str, object]], threshold: float
) -> set[int]:
    corpus = learn(corpus_texts)
    return group_of(new, {k: telling(t, corpus) for k, t in texts.items()}, corpus, threshold)
