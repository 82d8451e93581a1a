"""The space of meaning the cluster detector reads appeals in (issue 11, risk warnings):
learned once from the shipped triage corpus, the same on every run, close for tellings of one
matter that share few words, silent for unrelated appeals."""

import dataclasses
from collections import Counter

import numpy as np
from django.conf import settings

from jiaoliuba.appeals import matching, meaning
from jiaoliuba.appeals.tests.test_risk_matching import district_corpus

# Two residents telling one matter in their own words (written for this test).
ONE_MATTER = [
    ("楼下饭店油烟直往家里窜，窗户都不敢开", "排烟管对着我家窗户，一炒菜满屋子油烟味"),
    ("有人在河里电鱼", "晚上有人拿电瓶打鱼，河里的鱼都翻白了"),
    ("暖气一点都不热，屋里只有十几度", "供暖不达标，家里冷得穿棉袄"),
]
UNRELATED = [
    "想问图书角几点开门",
    "健身器材的螺丝松了",
    "楼上天天半夜蹦迪，吵得睡不着",
    "暖气一点都不热，屋里只有十几度",
    "想报名社区的书法班",
    "小区里的狗不拴绳，追着小孩咬",
]


def test_terms_are_characters_and_bigrams_within_a_segment():
    assert meaning.terms(["漏水", "三楼"]) == Counter(
        {"漏": 1, "水": 1, "漏水": 1, "三": 1, "楼": 1, "三楼": 1}
    )
    assert "水三" not in meaning.terms(["漏水", "三楼"])


def test_the_space_is_learned_the_same_way_every_time():
    documents = [meaning.terms([t]) for a, b in ONE_MATTER for t in (a, b)] * 3 + [
        meaning.terms([t]) for t in UNRELATED
    ]
    first, second = meaning.learn_space(documents, 4), meaning.learn_space(documents, 4)
    assert first.columns == second.columns
    assert np.array_equal(first.basis, second.basis)
    # A term in one document only says nothing about what travels with it.
    assert "书法" not in first.columns
    point = first.point(meaning.terms(["暖气不热"]))
    assert point is not None and abs(float(np.linalg.norm(point)) - 1.0) < 1e-5
    assert first.point(meaning.terms(["琵琶"])) is None


def test_the_shipped_reference_has_a_space():
    space = matching.reference().space
    assert space is not None
    assert space.basis.shape == (len(space.columns), meaning.DIMENSIONS)
    assert space.basis.dtype == np.float32


def test_tellings_of_one_matter_sit_close_and_unrelated_appeals_do_not():
    corpus = district_corpus()
    for a, b in ONE_MATTER:
        first, second = matching.telling(a, corpus), matching.telling(b, corpus)
        assert matching.meaning_score(first, second) > 0.2, (a, b)
    told = [matching.telling(t, corpus) for t in UNRELATED]
    for i, a in enumerate(told):
        for b in told[i + 1 :]:
            assert matching.meaning_score(a, b) == 0.0


def test_meaning_links_a_matter_whose_thing_the_vocabulary_lacks():
    corpus = district_corpus()
    first, second = (matching.telling(t, corpus) for t in ONE_MATTER[1])
    # Without its things (as for a matter the vocabulary has no word for) the wording
    # alone is too far apart to link; closeness in meaning links them.
    first, second = (dataclasses.replace(t, objects=frozenset()) for t in (first, second))
    assert matching.text_score(first, second, corpus) < settings.RISK_CLUSTER_SIMILARITY
    assert matching.score(first, second, corpus) >= settings.RISK_CLUSTER_SIMILARITY
    # And a building apart still rules the link out.
    apart = dataclasses.replace(second, buildings=frozenset({9}))
    assert matching.score(dataclasses.replace(first, buildings=frozenset({3})), apart, corpus) == 0


def test_without_a_space_the_matcher_reads_words_and_things_as_before():
    corpus = matching.learn([("你好，小区门口有辆车开得太快", "x")], ref=matching.Reference())
    a, b = (matching.telling(t, corpus) for t in ONE_MATTER[2])
    assert a.sense is None and matching.meaning_score(a, b) == 0.0
    assert matching.score(a, b, corpus) == matching.text_score(
        a, b, corpus
    ) + matching.object_score(a, b, corpus)


def test_a_space_that_cannot_be_learned_leaves_the_matcher_as_it_was(monkeypatch, caplog):
    def broken(documents, dimensions=meaning.DIMENSIONS):
        raise ImportError("scikit-learn is broken")

    monkeypatch.setattr(meaning, "learn_space", broken)
    ref = matching.reference.__wrapped__()  # uncached: the process's own stays intact
    assert ref.space is None and ref.docs > 1000
    assert "could not be learned" in caplog.text
    corpus = matching.learn([(t, n % 2) for n, t in enumerate(UNRELATED)], ref=ref)
    a, b = (matching.telling(t, corpus) for t in ONE_MATTER[2])
    assert a.sense is None
    assert matching.score(a, b, corpus) == matching.text_score(
        a, b, corpus
    ) + matching.object_score(a, b, corpus)
