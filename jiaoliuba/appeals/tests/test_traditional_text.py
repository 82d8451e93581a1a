"""An appeal written in traditional characters or in Cantonese keeps the resident's words, is
triaged as its simplified Mandarin twin, and links to other tellings of the same matter."""

import pytest

from jiaoliuba.appeals import matching
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.triage import classifier

pytestmark = pytest.mark.django_db

TRADITIONAL = "三號樓二單元樓道裡一股很濃的煤氣味，已經好幾個小時了，樓裡還有老人"
SIMPLE = "三号楼二单元楼道里一股很浓的煤气味，已经好几个小时了，楼里还有老人"


def test_intake_keeps_what_the_resident_wrote_and_triages_it_as_simplified(submit):
    appeal = submit(TRADITIONAL)
    stored = Appeal.objects.get(pk=appeal.pk)
    assert stored.content == TRADITIONAL
    twin = classifier.classify(text=SIMPLE)
    assert (stored.priority, stored.category) == (twin.priority, twin.category) == ("red", "safety")


def test_matching_reads_traditional_as_simplified():
    corpus = matching.learn([(SIMPLE, 1), ("楼上邻居每晚跳绳", 1), ("路灯不亮", 2)])
    a, b = matching.telling(TRADITIONAL, corpus), matching.telling(SIMPLE, corpus)
    assert (a.grams, a.objects, a.buildings, a.units) == (b.grams, b.objects, b.buildings, b.units)
    assert "gas" in a.objects and a.buildings == {3} and a.units == {2}
    other = matching.telling("三号楼二单元楼道里闻到煤气味，好几个小时了", corpus)
    assert matching.score(a, other, corpus) == matching.score(b, other, corpus) > 0.3


def test_the_same_resident_writing_again_in_traditional_characters_is_a_repeat(submit):
    first = submit("楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效")
    again = submit("樓上鄰居每晚11點還在跳繩，嚴重影響休息，多次溝通無效")
    assert Appeal.objects.get(pk=again.pk).repeat_of_id == first.pk


def test_the_same_resident_writing_again_in_cantonese_is_a_repeat(submit):
    # Read as written, the two share too few character pairs to be called one matter.
    first = submit("楼上那家天天半夜在剁东西，我们睡不着")
    again = submit("楼上嗰家日日半夜喺度剁嘢，我哋瞓唔着")
    assert Appeal.objects.get(pk=again.pk).repeat_of_id == first.pk
