"""The real packaged default models (slow: the first run converts the GGUF, ~1-2 minutes)."""

from __future__ import annotations

import time

import pytest

from react_core import new_registry

pytestmark = pytest.mark.slow


def test_default_base_model_converts_once_and_generates() -> None:
    from react_core.engine.backend import LocalBackend
    from react_core.models.loading import load_causal_lm

    reg = new_registry()
    load_causal_lm("gemma-3-270m", registry=reg)  # converts on the very first run
    start = time.perf_counter()
    loaded = load_causal_lm("gemma-3-270m", registry=reg)
    assert time.perf_counter() - start < 30, "a load from the converted cache should take seconds"
    assert loaded.model.config.model_type == "gemma3_text"
    assert loaded.fingerprint.startswith("gguf-sha256:")
    text = LocalBackend(loaded.model, loaded.tokenizer).generate(
        "The capital of France is", max_new_tokens=8).text
    assert "France" in text or "Paris" in text


def test_default_embedder_embeds() -> None:
    from sentence_transformers import SentenceTransformer

    from react_core.models.sources import resolve_model

    resolved = resolve_model("all-MiniLM-L6-v2", kind="embedder", registry=new_registry())
    vectors = SentenceTransformer(resolved.path, device="cpu").encode(["a card payment", "a bank card fee"])
    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) > 0.3
