"""The real shipped adapter on the real base model and the real data (slow: minutes on two CPU cores)."""

from __future__ import annotations

import pytest

from react_finance.spec import SPEC


@pytest.mark.slow
def test_shipped_adapter_scores_validation_sentiment_and_entities() -> None:
    from react_core.models.loading import load_causal_lm
    from react_core.paths import DataDirError, data_dir
    from react_core.training.evaluate import evaluate_domain

    try:
        root = data_dir()
    except DataDirError:
        pytest.skip("the public data sets are not available (set REACT_DATA_DIR)")
    if not (root / "financial_phrasebank").is_dir() or not (root / "conll2003").is_dir():
        pytest.skip("Financial PhraseBank / CoNLL-2003 not in the data directory")
    assert SPEC.adapter_path is not None, "the package ships no adapter"
    loaded = load_causal_lm("gemma-3-270m")
    results = {r.task: r for r in evaluate_domain(SPEC, loaded, root, adapter_dir=SPEC.adapter_path, alpha=0.0,
                                                  split="validation", limit=60, batch_size=32,
                                                  tasks=("phrasebank", "conll_ner"))}
    # well above the majority class (0.59) and the rule-based fallback's entity F1 (0.32)
    assert results["phrasebank"].value >= 0.65
    assert results["phrasebank"].metrics["macro_f1"] >= 0.4
    assert results["conll_ner"].value >= 0.35
