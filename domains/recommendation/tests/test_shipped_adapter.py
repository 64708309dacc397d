"""The real shipped adapter on the real base model and MovieLens-100k (slow: about a minute on two CPU cores)."""

from __future__ import annotations

import itertools

import pytest

from react_recommendation.spec import SPEC


@pytest.mark.slow
def test_shipped_adapter_separates_held_in_positives_and_ranks(monkeypatch: pytest.MonkeyPatch) -> None:
    from react_core import attach_adapter, load_causal_lm
    from react_core.paths import DataDirError, data_dir
    from react_core.training import evaluate_domain

    from react_recommendation.builder import direct_pairs
    from react_recommendation.lm import YES, interest_scores
    from react_recommendation.movielens import MovieLens

    monkeypatch.delenv("REACT_RECOMMENDATION_EMBEDDER", raising=False)  # the real MiniLM index
    try:
        root = data_dir()
        ml = MovieLens.load(root)
    except (DataDirError, FileNotFoundError):
        pytest.skip("MovieLens-100k not available (set REACT_DATA_DIR)")
    assert SPEC.adapter_path is not None, "the package ships no adapter"
    loaded = load_causal_lm("gemma-3-270m")
    pairs = list(itertools.islice(direct_pairs(ml, positions=1, seed=7), 60))  # 20 users: 1 yes, 2 no each
    model = attach_adapter(loaded, SPEC.adapter_path)
    try:
        scores = interest_scores(model, loaded.tokenizer, [p["prompt"] for p in pairs], batch_size=16)
    finally:
        model.unload()
    pos = [s for s, p in zip(scores, pairs) if p["completion"] == YES]
    neg = [s for s, p in zip(scores, pairs) if p["completion"] != YES]
    auc = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))
    # measured 0.58 on these 60 pairs for the shipped adapter (a weak signal: see the docs); the
    # bar is "above chance", so a broken adapter or prompt format (AUC ~0.5 or below) fails
    assert auc >= 0.55, f"the adapter does not separate liked from unseen movies (AUC {auc:.2f})"
    result = evaluate_domain(SPEC, loaded, root, adapter_dir=SPEC.adapter_path, alpha=0.0, split="validation",
                             limit=5, batch_size=16)[0]
    assert result.n == 5 and 0.0 <= result.value <= 1.0
    assert {"hr@10", "stage1_ndcg@10", "lm_only_ndcg@10", "item_knn_ndcg@10"} <= set(result.metrics)
