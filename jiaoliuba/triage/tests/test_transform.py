"""The model's own TF-IDF transform gives the vectoriser's numbers, texts from every
training file and the awkward cases (empty, nothing in the vocabulary, one repeated
character, mixed scripts) included."""

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from jiaoliuba.triage import classifier, model, training


@pytest.fixture
def shipped():
    loaded = classifier.active_model()
    assert loaded is not None
    return loaded


def _their_vectoriser(shipped) -> TfidfVectorizer:
    """scikit-learn's vectoriser with the shipped vocabulary and IDF: the reference."""
    theirs = training._vectorizer(vocabulary=shipped.vectorizer.vocabulary_)
    theirs.fit([""])  # a fixed vocabulary: this only sets up the transformer
    theirs.idf_ = shipped.vectorizer.idf_
    return theirs


def _corpus_texts(limit_per_file: int = 60) -> list[str]:
    texts = []
    # The corpus files, not the relabelling log beside them (data/relabels.jsonl).
    for path in [*model.training_files(), model.DATA_DIR / model.TEST_FILE]:
        with path.open(encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                if n >= limit_per_file:
                    break
                texts.append(json.loads(line)["content"])
    return texts


EDGE_CASES = [
    "",
    " ",
    "。。。",
    "zzzz qqqq",
    "电" * 400,
    "电梯困人 Elevator STUCK 电梯困人!!",
    "\n\t楼道",
]


@pytest.mark.django_db
def test_fast_transform_equals_the_vectoriser(shipped):
    texts = _corpus_texts() + EDGE_CASES
    hints = ["", "property", "safety"] * (len(texts) // 3 + 1)
    documents = [model._document(t, h) for t, h in zip(texts, hints[: len(texts)], strict=True)]
    ours = shipped.transform(documents)
    theirs = _their_vectoriser(shipped).transform(documents)
    assert ours.shape == theirs.shape
    assert len(documents) > 300
    difference = abs(ours - theirs)
    assert difference.nnz == 0 or difference.max() < 1e-12
    assert np.array_equal(ours.indptr, theirs.indptr)
    # Rows of text with no known n-gram stay all zero, as the vectoriser leaves them.
    empty = shipped.transform(["", "zzzz"]).tocsr()
    assert empty.nnz == 0 and empty.shape[0] == 2


@pytest.mark.django_db
def test_fast_transform_of_a_batch_matches_one_at_a_time(shipped):
    texts = _corpus_texts(5)
    batch = shipped.transform(texts).tocsr().toarray()
    for i, text in enumerate(texts):
        one = shipped.transform([text]).tocsr().toarray()[0]
        assert np.allclose(batch[i], one, rtol=0, atol=1e-15)


@pytest.mark.django_db
def test_a_few_rows_predict_as_the_scipy_matrix_does(shipped):
    """An intake's text (and its passages) is scored from `Rows`, a batch through SciPy:
    the same probabilities, the same passage picked, the same strongest n-grams."""
    texts = _corpus_texts(4) + EDGE_CASES
    hints = ["", "safety"] * (len(texts) // 2 + 1)
    for text, hint in zip(texts, hints, strict=False):
        rows = shipped.vectorize([text], [hint])
        assert isinstance(rows, model.Rows)
        matrix = rows.tocsr()
        ours, theirs = (
            shipped.predict([text], [hint], matrix=rows),
            shipped.predict([text], [hint], matrix=matrix),
        )
        for a, b in zip(ours, theirs, strict=True):
            assert np.allclose(a, b, rtol=0, atol=1e-12)
        for category in ("safety", "property"):
            assert shipped.top_features(
                text, hint, category=category, row=rows
            ) == shipped.top_features(text, hint, category=category, row=matrix)
    # Past Rows.MOST documents the transform hands SciPy the batch.
    many = shipped.transform(texts[: model.Rows.MOST + 1])
    assert not isinstance(many, model.Rows) and many.shape[0] == model.Rows.MOST + 1


@pytest.mark.django_db
def test_the_loaded_model_analyses_text_as_scikit_learn_does(shipped):
    # The shipped model is loaded without scikit-learn: its own analyser must cut every
    # text into the same n-grams, whitespace runs, capitals and the hint marker included.
    assert isinstance(shipped.vectorizer, model.CharNgrams)
    theirs = _their_vectoriser(shipped).build_analyzer()
    texts = _corpus_texts(20) + EDGE_CASES + ["A  b\n\nC\u3000\u3000D", "x", "ab", "É\tÉ"]
    for text in texts:
        document = model._document(text, "safety")
        assert shipped.vectorizer.analyze(document) == theirs(document), text
    names = shipped.vectorizer.get_feature_names_out()
    assert list(names) == list(_their_vectoriser(shipped).get_feature_names_out())
