import dataclasses

import pytest

from jiaoliuba.triage import classifier, model, services
from jiaoliuba.triage.models import TriageFeedback, TriageModelVersion

pytestmark = pytest.mark.django_db


def test_shipped_model_loads_offline_and_catches_danger_without_keywords():
    assert model.SHIPPED_MODEL.exists()
    loaded = classifier.active_model()
    assert loaded is not None and 0.05 <= loaded.red_threshold <= 0.5
    verdict = classifier.classify(
        text="楼下那户老人好几天没见出门了，敲门也没人应，门口有股怪味", type_hint="suggestion"
    )
    assert verdict.priority == "red"
    assert verdict.category != "suggestion"  # the resident's hint is only a hint
    assert any(r.startswith("model:") for r in verdict.reasons)


def test_consultation_is_blue_and_explained():
    verdict = classifier.classify(text="请问社区的老年食堂怎么报名，每个月多少钱", type_hint="")
    assert verdict.priority == "blue" and verdict.category == "livelihood"
    assert any(r.startswith("ngram:") for r in verdict.reasons)


def test_batch_and_single_agree():
    items = [
        ("楼道里一股煤气味", "property"),
        ("建议多办读书会", ""),
        ("楼上天天跳绳吵死了", "neighbor"),
    ]
    batch = classifier.classify_many(items)
    single = [classifier.classify(text=t, type_hint=h) for t, h in items]
    assert [(v.priority, v.category) for v in batch] == [(v.priority, v.category) for v in single]


def test_a_danger_buried_in_a_long_complaint_is_read_passage_by_passage():
    loaded = classifier.active_model()
    assert loaded is not None and loaded.segment_min_chars > 0
    text = (
        "想反映一下物业的事，今年物业费涨了不少，停车位也不够，晚上回来没地方停，"
        "对了我们单元三楼那家的老人好几天没见出门了，敲门也没人应，"
        "还有垃圾桶老是满的，保洁一周才来一次"
    )
    assert len(model.segments(text)) >= 5
    whole_only = dataclasses.replace(loaded, segment_min_chars=0)
    buried = float(loaded.predict([text], [""])[0][0])
    averaged = float(whole_only.predict([text], [""])[0][0])
    assert buried > averaged
    # Short texts are read whole, as before.
    assert model.segments("楼道里一股煤气味") == []


def test_a_red_from_one_passage_must_clear_the_passage_bar_or_go_to_a_person():
    loaded = classifier.active_model()
    assert loaded is not None and loaded.passage_threshold >= loaded.red_threshold
    text = (
        "想反映一下物业的事，今年物业费涨了不少，停车位也不够，晚上回来没地方停，"
        "对了我们单元三楼那家的老人好几天没见出门了，敲门也没人应，"
        "还有垃圾桶老是满的，保洁一周才来一次"
    )
    raw, from_passage, whole = loaded.raw_red_sources([text], [""])
    assert from_passage[0] and raw[0] > whole[0]
    p_passage = float(model.platt(raw, *loaded.calibration)[0])
    p_whole = float(model.platt(whole, *loaded.calibration)[0])
    # A red bar between the two: red by its worst passage only, not by the whole text.
    bar = (p_whole + p_passage) / 2
    strict = dataclasses.replace(
        loaded, red_threshold=bar, passage_threshold=min(1.0, p_passage + 0.01)
    )
    p_red, prio, cat = strict.predict([text], [""])
    # Under the passage bar: held just below red, so not red, yet not confidently non-red.
    assert float(p_red[0]) < bar <= float(p_red[0]) + 1e-9
    verdict = classifier._decide(
        text, "", classifier.active_rules(), strict, float(p_red[0]), prio[0], cat[0]
    )
    assert verdict.priority == "red" or verdict.needs_review
    assert not any(r.startswith("model:red") for r in verdict.reasons)
    # The staff see why: the passage's own P(red), not the held value.
    if verdict.priority != "red":
        assert f"passage:{p_passage:.2f}" in verdict.reasons
    # At or over the bar: the passage decides, as before.
    lenient = dataclasses.replace(loaded, red_threshold=bar, passage_threshold=p_passage)
    assert float(lenient.predict([text], [""])[0][0]) == pytest.approx(p_passage)


@pytest.fixture
def small_corpus(monkeypatch, settings):
    """Retraining on the whole corpus takes a minute; a slice exercises the same code."""
    settings.TRIAGE_CV_FOLDS = 2
    rows = model.training_corpus()[::5]
    monkeypatch.setattr("jiaoliuba.triage.services.training_corpus", lambda: rows)
    return rows


def test_retrain_uses_corrections_and_keeps_the_better_model(small_corpus, staff_user, monkeypatch):
    # Compare against no baseline first (the full shipped model would beat a slice).
    monkeypatch.setattr(services, "_shipped_red_recall", lambda: None)
    TriageFeedback.objects.create(
        source="appeals.appeal:1",
        text="小区池塘边护栏断了小孩在旁边玩",
        predicted_priority="yellow",
        predicted_category="livelihood",
        corrected_priority="red",
        corrected_category="safety",
        reason="溺水风险",
        actor=staff_user,
    )
    assert services.corrections_since_last_model() == 1
    first = services.triage_model_retrain()
    assert first.activated and first.candidate.trained_on == len(small_corpus) + 1
    assert set(first.candidate.metrics) >= {
        "red_recall",
        "priority_accuracy",
        "category_macro_f1",
        "priority_confusion",
    }
    assert services.corrections_since_last_model() == 0
    assert classifier.active_model().version == first.candidate.version
    # a candidate worse on red recall is stored but not activated
    TriageModelVersion.objects.filter(pk=first.candidate.pk).update(
        metrics={**first.candidate.metrics, "red_recall": 1.01}
    )
    second = services.triage_model_retrain()
    assert not second.activated
    assert TriageModelVersion.objects.get(active=True).pk == first.candidate.pk
    services.triage_model_activate(version=None)
    assert classifier.active_model().version != first.candidate.version  # back to the shipped model


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="triager", password="x" * 12)


def test_a_danger_buried_in_a_complaint_takes_the_category_of_its_passage():
    loaded = classifier.active_model()
    assert loaded is not None and loaded.passage_category_p > 0
    text = (
        "想反映一下物业的事，今年物业费涨了不少，停车位也不够，晚上回来没地方停，"
        "保洁一周才来一次，垃圾桶老是满的，"
        "对了三楼楼道里一股很大的煤气味，已经闻了半天了，敲门也没人应"
    )
    hazard = loaded.predict([text], [""])
    whole = dataclasses.replace(loaded, passage_category_p=0.0).predict([text], [""])
    classes = list(loaded.category_clf.classes_)
    assert hazard[0][0] >= loaded.passage_category_p
    assert classes[int(whole[2][0].argmax())] != "safety"
    assert classes[int(hazard[2][0].argmax())] == "safety"
    # P(red) and priority do not move; a short text keeps its own category.
    assert hazard[0] == pytest.approx(whole[0]) and hazard[1] == pytest.approx(whole[1])
    short = ["楼上天天跳绳吵死了"]
    assert loaded.predict(short, [""])[2] == pytest.approx(
        dataclasses.replace(loaded, passage_category_p=0.0).predict(short, [""])[2]
    )
