"""Text in, verdict out. This is the stable interface the appeal loop calls; the rules
below are the seed's keyword rules widened to cover the dangers the seed misses (a gas
smell is red even without the words 爆炸 or 火灾). A statistical model replaces the body
of `classify` later without changing its signature."""

from __future__ import annotations

from dataclasses import dataclass, field

from jiaoliuba.triage.choices import Category, Priority

# The seed's default priority for each category.
CATEGORY_PRIORITY = {
    Category.NEIGHBOR: Priority.YELLOW,
    Category.PROPERTY: Priority.YELLOW,
    Category.LIVELIHOOD: Priority.BLUE,
    Category.SUGGESTION: Priority.BLUE,
    Category.SAFETY: Priority.RED,
    Category.GROUP_CONFLICT: Priority.RED,
}

# (category, words). Red words describe danger now or a risk of collective conflict.
RED_RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        Category.SAFETY,
        (
            "爆炸",
            "火灾",
            "着火",
            "起火",
            "失火",
            "冒烟",
            "浓烟",
            "燃气味",
            "煤气味",
            "天然气味",
            "漏气",
            "燃气泄漏",
            "煤气泄漏",
            "一股气味",
            "液化气",
            "漏电",
            "电线裸露",
            "触电",
            "电线冒火",
            "坍塌",
            "塌了",
            "倒塌",
            "裂缝很大",
            "要塌",
            "掉下来",
            "坠落",
            "高空抛物",
            "溺水",
            "被困",
            "晕倒",
            "昏迷",
            "中毒",
            "自杀",
            "轻生",
            "跳楼",
            "危房",
            "塌方",
            "井盖丢",
            "没有井盖",
            "砸伤",
        ),
    ),
    (
        Category.GROUP_CONFLICT,
        (
            "群体",
            "上访",
            "聚集",
            "围堵",
            "堵路",
            "拉横幅",
            "联名",
            "集体",
            "打起来",
            "打架",
            "斗殴",
            "持刀",
            "砍人",
            "威胁要",
            "要闹",
            "闹事",
            "罢工",
            "讨薪",
            "几十个人",
            "一群人",
            "很多业主",
        ),
    ),
]

CATEGORY_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        Category.NEIGHBOR,
        (
            "邻居",
            "楼上",
            "楼下",
            "隔壁",
            "噪音",
            "吵",
            "跳绳",
            "装修",
            "宠物",
            "狗",
            "猫",
            "占用",
            "堆物",
            "漏水到",
        ),
    ),
    (
        Category.PROPERTY,
        (
            "物业",
            "电梯",
            "保安",
            "物业费",
            "维修基金",
            "停车",
            "门禁",
            "小区绿化",
            "车位",
            "垃圾清运",
        ),
    ),
    (
        Category.LIVELIHOOD,
        (
            "低保",
            "医保",
            "社保",
            "救助",
            "就业",
            "养老",
            "残疾",
            "补贴",
            "证明",
            "办理",
            "户口",
            "孩子上学",
            "体检",
        ),
    ),
    (Category.SUGGESTION, ("建议", "希望", "意见", "能不能", "可否", "表扬", "感谢", "提议")),
    (Category.SAFETY, ("隐患", "安全", "消防通道", "路灯", "井盖", "积水")),
]
YELLOW_WORDS = ("噪音", "宠物", "漏水", "垃圾", "纠纷", "矛盾", "吵架", "投诉", "不管", "坏了")


@dataclass(frozen=True)
class Verdict:
    priority: str
    category: str
    confidence: float
    reasons: list[str] = field(default_factory=list)


def classify(*, text: str, type_hint: str = "") -> Verdict:
    content = text or ""
    for category, words in RED_RULES:
        hits = [w for w in words if w in content]
        if hits:
            return Verdict(Priority.RED, category, 0.9, [f"red:{w}" for w in hits[:5]])
    scores: dict[str, list[str]] = {}
    for category, words in CATEGORY_WORDS:
        hits = [w for w in words if w in content]
        if hits:
            scores[category] = hits
    if scores:
        category = max(scores, key=lambda c: len(scores[c]))
        reasons = [f"{category}:{w}" for w in scores[category][:5]]
    elif type_hint in Category.values:
        category, reasons = type_hint, [f"hint:{type_hint}"]
    else:
        category, reasons = Category.SUGGESTION, ["default"]
    priority = CATEGORY_PRIORITY[Category(category)]
    if priority == Priority.RED:
        # A category alone (no danger words) is not an emergency; staff can raise it.
        priority = Priority.YELLOW
    if priority == Priority.BLUE and any(w in content for w in YELLOW_WORDS):
        priority = Priority.YELLOW
    confidence = 0.75 if scores else 0.4
    if type_hint and type_hint != category:
        reasons.append(f"hint_overridden:{type_hint}")
    return Verdict(priority, category, confidence, reasons)
