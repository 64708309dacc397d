"""The real shipped adapter on the real base model and Banking77 (slow: minutes on two CPU cores)."""

from __future__ import annotations

import pytest

from react_customer_service.spec import SPEC


@pytest.mark.slow
def test_shipped_adapter_classifies_validation_intents() -> None:
    from react_core import load_causal_lm
    from react_core.paths import DataDirError, data_dir
    from react_core.training import evaluate_domain

    try:
        root = data_dir()
    except DataDirError:
        pytest.skip("Banking77 not available (set REACT_DATA_DIR)")
    assert SPEC.adapter_path is not None, "the package ships no adapter"
    loaded = load_causal_lm("gemma-3-270m")
    results = {r.task: r for r in evaluate_domain(SPEC, loaded, root, adapter_dir=SPEC.adapter_path, alpha=0.0,
                                                  split="validation", limit=60, batch_size=32)}
    assert results["intent"].value >= 0.6
    assert results["out_of_scope"].value >= 0.5
