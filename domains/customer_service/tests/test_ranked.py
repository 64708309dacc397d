"""The ranked intent task: classifier candidates, model likelihoods, and their combination."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from react_customer_service import candidates as cand
from react_customer_service.evaluation import combine, load_intent, load_out_of_scope, ranked_components
from react_customer_service.intents import OUT_OF_SCOPE

from .conftest import LABELS


@pytest.fixture()
def hashing():
    from react_core.retrieval import HashingEmbedder

    return HashingEmbedder(256)


def test_classifier_learns_the_fake_intents_and_is_cached_without_pickle(data_dir: Path, hashing, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    clf = cand.load_classifier(data_dir, embedder=hashing, cache=tmp_path)
    assert set(clf.labels) == {*LABELS, OUT_OF_SCOPE}
    top = clf.top_k(["test question 1 about card arrival"], 3)[0]
    assert top[0][0] == "card_arrival" and len(top) == 3 and top[0][1] >= top[1][1]
    assert math.isclose(float(np.exp(clf.log_probs(["anything"])).sum()), 1.0, rel_tol=1e-6)
    (saved,) = tmp_path.glob("intent_classifier-*.npz")
    np.load(saved, allow_pickle=False)  # plain arrays only

    def no_training(*args, **kwargs):
        raise AssertionError("the cached classifier should have been read")

    monkeypatch.setattr(cand, "train_classifier", no_training)
    again = cand.load_classifier(data_dir, embedder=hashing, cache=tmp_path)
    assert again.labels == clf.labels and np.allclose(again.weights, clf.weights)


def test_combine_weighs_classifier_and_model() -> None:
    cands = [[("a", -0.1), ("b", -2.0)]]
    assert combine(cands, [[-5.0, -1.0]], 0.0) == ["a"]            # the classifier alone
    assert combine(cands, [[-5.0, -1.0]], 1.0) == ["b"]            # -5.1 < -3.0
    assert combine(cands, [[-5.0, -1.0]], float("inf")) == ["b"]   # the model alone


def test_ranked_components_score_every_candidate(data_dir: Path, hashing, tiny_lm, tmp_path: Path) -> None:
    model, tokenizer = tiny_lm
    examples = load_intent(data_dir, "test", 4) + load_out_of_scope(data_dir, "test", 2)
    clf = cand.load_classifier(data_dir, embedder=hashing, cache=tmp_path)
    done = []
    candidates, likelihoods = ranked_components(model, tokenizer, examples, 4, done.append, classifier=clf)
    assert len(candidates) == len(likelihoods) == 6 and sum(done) == 6
    assert all(len(c) == len(ll) == 5 for c, ll in zip(candidates, likelihoods))
    assert all(v < 0 for ll in likelihoods for v in ll)
    predictions = combine(candidates, likelihoods, 1.0)
    assert all(p in {*LABELS, OUT_OF_SCOPE} for p in predictions)


def test_classifier_tasks_predict_without_the_model(data_dir: Path, hashing, tmp_path: Path) -> None:
    from react_customer_service.evaluation import TASKS, predict_with_classifier

    clf = cand.load_classifier(data_dir, embedder=hashing, cache=tmp_path)
    examples = load_intent(data_dir, "test", 6) + load_out_of_scope(data_dir, "test", 2)
    done = []
    predictions = predict_with_classifier(None, None, examples, 4, done.append, classifier=clf)
    assert predictions == clf.predict([e["text"] for e in examples]) and sum(done) == len(examples)
    assert {t.name for t in TASKS} >= {"intent_classifier", "out_of_scope_classifier"}
    task = next(t for t in TASKS if t.name == "intent_classifier")
    assert task.predict is predict_with_classifier and task.published[0] == 0.9366


def test_the_cached_classifier_predicts_what_the_fresh_one_does(data_dir: Path, hashing, tmp_path: Path) -> None:
    fresh = cand.train_classifier(data_dir, hashing)
    cache = tmp_path / "c"
    cand.load_classifier(data_dir, embedder=hashing, cache=cache)  # trains and writes
    cached = cand.load_classifier(data_dir, embedder=hashing, cache=cache)  # reads
    texts = [e["text"] for e in load_intent(data_dir, "test", 8)] + ["something else entirely"]
    assert np.allclose(cached.log_probs(texts), fresh.log_probs(texts), atol=1e-9)
    assert cached.words.vocabulary_ == fresh.words.vocabulary_ and cached.chars.vocabulary_ == fresh.chars.vocabulary_
