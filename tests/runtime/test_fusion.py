"""Fusion semantics, as properties: alpha in weight and logit space, and runtime merges."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from react_core.adapters.fusion import delta_weights, fused_logits
from react_core.adapters.spec import AdapterSpec

IDS = torch.tensor([[5, 9, 17, 33, 2, 40, 41, 7]])
_settings = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
alphas = st.floats(0.0, 1.0).map(lambda a: round(a, 2))


@pytest.fixture()
def reference(tiny_lm_path: Path, adapter_dirs: dict[str, Path]):
    """Independent models: the plain base, and the base with the finance adapter via PEFT itself."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_lm_path).eval()
    with torch.no_grad():
        base_logits = base(input_ids=IDS).logits
    wrapped = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_lm_path).eval(),
                                        str(adapter_dirs["finance"])).eval()
    with torch.no_grad():
        adapter_logits = wrapped(input_ids=IDS).logits
    return base_logits, adapter_logits


@pytest.mark.parametrize("space", ["weight", "logit"])
def test_alpha_one_reproduces_the_base(store, reference, space: str) -> None:
    fused = fused_logits(store, f"finance;alpha=1;space={space}", IDS)
    torch.testing.assert_close(fused, reference[0], atol=1e-5, rtol=0)
    assert not torch.allclose(reference[0], reference[1], atol=1e-3)  # the adapter does change things


@pytest.mark.parametrize("space", ["weight", "logit"])
def test_alpha_zero_reproduces_the_adapter(store, reference, space: str) -> None:
    fused = fused_logits(store, f"finance;alpha=0;space={space}", IDS)
    torch.testing.assert_close(fused, reference[1], atol=1e-5, rtol=0)


@_settings
@given(alpha=alphas)
def test_weight_space_alpha_scales_the_delta(store, alpha: float) -> None:
    spec = AdapterSpec.parse(f"finance;alpha={alpha}")
    if spec.is_base:
        return
    (name,) = store.select(spec).rows
    expected = delta_weights(store, "finance")
    got = delta_weights(store, name)
    assert got.keys() == expected.keys()
    for layer, delta in expected.items():
        torch.testing.assert_close(got[layer], (1 - alpha) * delta, atol=1e-5, rtol=0)


@_settings
@given(alpha=alphas)
def test_logit_space_alpha_mixes_logits(store, reference, alpha: float) -> None:
    fused = fused_logits(store, f"finance;alpha={alpha};space=logit", IDS)
    base, adapter = reference
    torch.testing.assert_close(fused, alpha * base + (1 - alpha) * adapter, atol=1e-5, rtol=0)


@_settings
@given(w1=st.floats(0.0, 1.0), w2=st.floats(0.0, 1.0), w3=st.floats(0.0, 1.0))
def test_cat_merge_is_the_weighted_sum_of_deltas(store, w1: float, w2: float, w3: float) -> None:
    spec = AdapterSpec.merge({"finance": w1, "medical": w2, "legal": w3})  # legal has another rank
    if not spec.weights:
        return
    (name,) = store.select(spec).rows
    expected: dict[str, torch.Tensor] = {}
    for adapter, weight in spec.weights:
        for layer, delta in delta_weights(store, adapter).items():
            expected[layer] = expected.get(layer, 0) + weight * delta
    got = delta_weights(store, name)
    for layer, delta in expected.items():
        torch.testing.assert_close(got[layer], delta, atol=1e-5, rtol=0)


@pytest.mark.parametrize("method", ["cat", "svd", "ties", "dare_ties"])
def test_merge_of_one_adapter_with_weight_one_is_that_adapter(store, method: str) -> None:
    name = store.merge({"finance": 1.0}, method=method)
    expected = delta_weights(store, "finance")
    got = delta_weights(store, name)
    for layer, delta in expected.items():
        torch.testing.assert_close(got[layer], delta, atol=1e-5, rtol=0)
    torch.testing.assert_close(fused_logits(store, "finance", IDS),
                               fused_logits(store, AdapterSpec(weights=(("finance", 1.0),), alpha=0.0), IDS))


def test_alpha_applies_to_a_merge_too(store) -> None:
    (name,) = store.select(AdapterSpec.parse("finance=0.6+medical=0.4;alpha=0.5")).rows
    f, m, got = delta_weights(store, "finance"), delta_weights(store, "medical"), delta_weights(store, name)
    for layer in f:
        torch.testing.assert_close(got[layer], 0.5 * (0.6 * f[layer] + 0.4 * m[layer]), atol=1e-5, rtol=0)


@pytest.mark.parametrize("method", ["svd", "ties", "dare_ties"])
def test_other_merge_methods_change_the_model_and_repeat(store, method: str, base_model) -> None:
    spec = AdapterSpec.parse(f"finance=0.5+medical=0.5;method={method}")
    (first,) = store.select(spec).rows
    deltas = delta_weights(store, first)
    assert deltas and all(torch.isfinite(d).all() and d.abs().sum() > 0 for d in deltas.values())
    store.unload(spec.key())
    (second,) = store.select(spec).rows  # merged afresh: dare_ties' random drop is seeded
    for layer, delta in delta_weights(store, second).items():
        torch.testing.assert_close(delta, deltas[layer])


def test_weighted_single_adapter_merge_scales_it(store) -> None:
    """A zero weight drops an adapter; one adapter left with weight w gives exactly w * dW."""
    (svd,) = store.select(AdapterSpec.parse("finance=0.3+travel=0;method=svd")).rows
    for layer, delta in delta_weights(store, "finance").items():
        torch.testing.assert_close(delta_weights(store, svd)[layer], 0.3 * delta, atol=1e-5, rtol=0)


def test_merges_are_cached_by_rounded_weights(store) -> None:
    a = store.select(AdapterSpec.parse("finance=0.501+medical=0.499")).rows
    b = store.select(AdapterSpec.parse("medical=0.5+finance=0.5")).rows
    assert a == b
    assert store.merges() == ["finance=0.5+medical=0.5"]
    assert len(store.timings["merge"]) == 1
