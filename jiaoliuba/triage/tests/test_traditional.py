"""Traditional characters are read as simplified ones: a resident who writes 繁体 is triaged
as if the same words had been written in simplified characters, and an administrator's rule
matches either way."""

import logging
import sys

import pytest

from jiaoliuba.core import hanzi
from jiaoliuba.triage import classifier
from jiaoliuba.triage.models import TriageRule

pytestmark = pytest.mark.django_db

# Written for this test (none is in the corpus): each with its simplified twin.
TWINS = [
    (
        "廚房裡一股很濃的煤氣味，已經好幾個小時了，家裡還有老人",
        "厨房里一股很浓的煤气味，已经好几个小时了，家里还有老人",
    ),
    (
        "隔壁獨居的陳伯伯三天沒開門了，敲門也沒人應，電話也打不通",
        "隔壁独居的陈伯伯三天没开门了，敲门也没人应，电话也打不通",
    ),
    (
        "樓道裡天天有人給電動車充電，電線從三樓窗戶拉下來",
        "楼道里天天有人给电动车充电，电线从三楼窗户拉下来",
    ),
    ("請問社區的老年食堂怎麼報名？", "请问社区的老年食堂怎么报名？"),
]


def test_simplified_converts_characters_and_phrases():
    assert hanzi.simplified("電梯關人了") == "电梯关人了"
    assert hanzi.simplified("頭髮") == "头发"  # one traditional form per sense: 髮 → 发
    assert hanzi.simplified("电梯坏了 ok 123") == "电梯坏了 ok 123"
    assert hanzi.simplified("") == ""
    # Half a surrogate pair is not text: read as it is, never an error (`jiaoliuba classify`
    # reads JSON lines, where "\\ud800" is such a half).
    assert hanzi.simplified("電\ud800梯") == "電\ud800梯"


@pytest.mark.parametrize(
    ("traditional", "simple"), TWINS, ids=["gas", "elder-alone", "charging", "question"]
)
def test_a_message_in_traditional_characters_is_read_as_its_simplified_twin(traditional, simple):
    assert hanzi.simplified(traditional) == simple
    # The whole verdict: priority, category, confidence and every reason (rule hits, n-grams).
    assert classifier.classify(text=traditional) == classifier.classify(text=simple)


def test_hazards_in_traditional_characters_are_red_by_the_rules():
    gas = classifier.classify(text=TWINS[0][0])
    assert gas.priority == "red"
    assert any(r.startswith("rule:危险：燃气") for r in gas.reasons), gas.reasons


def test_a_rule_written_in_traditional_characters_matches_either_way(settings):
    settings.TRIAGE_CACHE_SECONDS = 0
    text = "社区图书室的书有点旧了，该换一批新的了"
    assert classifier.classify(text=text).priority != "red"
    TriageRule.objects.create(name="圖書室", priority="red", category="safety", keywords="圖書室")
    assert classifier.classify(text=text).priority == "red"
    assert classifier.classify(text="社區圖書室的書有點舊了").priority == "red"


def test_without_opencc_the_text_is_read_as_written(monkeypatch, caplog):
    hanzi._converter.cache_clear()
    monkeypatch.setitem(sys.modules, "opencc", None)  # the import raises ImportError
    try:
        with caplog.at_level(logging.WARNING, logger="jiaoliuba.core.hanzi"):
            assert hanzi.simplified("電梯關人了") == "電梯關人了"
        assert "OpenCC could not be loaded" in caplog.text
        # Triage still answers.
        assert classifier.classify(text=TWINS[0][0]).priority in {"red", "yellow", "blue"}
    finally:
        hanzi._converter.cache_clear()


# Written Cantonese, written for this test (none is in the corpus), each with its Mandarin twin
# as `hanzi.standard` reads it.
CANTONESE = [
    (
        "部𨋢停咗喺五楼，困咗两个人，管理处冇人听电话",
        "部电梯停了在五楼，困了两个人，管理处没有人听电话",
    ),
    ("楼下个阿婆跌低咗，叫佢冇反应，点算", "楼下个阿婆摔倒了，叫他没有反应，怎么办"),
    ("我老豆琴日出咗门到而家都未返", "我爸爸昨天出了门到现在都未返"),
]


@pytest.mark.parametrize(("cantonese", "mandarin"), CANTONESE, ids=["lift", "fall", "father"])
def test_written_cantonese_is_read_in_mandarin_words(cantonese, mandarin):
    assert hanzi.standard(cantonese) == mandarin
    assert hanzi.standard(mandarin) == mandarin
    assert classifier.classify(text=cantonese) == classifier.classify(text=mandarin)


def test_mandarin_without_a_cantonese_character_is_left_as_it_is():
    # 今日, 宜家 (IKEA), 边 and 点 are Mandarin too: only a text holding a character used
    # in Cantonese alone is rewritten.
    for text in ("今日宜家家居打折，河边有个坑", "点火的时候几时关阀门", "系统显示三点到"):
        assert hanzi.standard(text) == text
    assert hanzi.standard("電梯關人了") == "电梯关人了"


def test_a_trapped_lift_in_cantonese_is_red_by_the_rules():
    verdict = classifier.classify(text=CANTONESE[0][0])
    assert verdict.priority == "red"
    assert any(r.startswith("rule:危险：结构、坠落、人身") for r in verdict.reasons), (
        verdict.reasons
    )
    fall = classifier.classify(text=CANTONESE[1][0])
    assert any(r.startswith("rule:危险：事故类别与急救征兆") for r in fall.reasons), fall.reasons
