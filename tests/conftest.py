"""Shared fixtures: tiny random models and an isolated cache; installed plugins stay out."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network, no installed third-party plugins unless a test asks, a private cache."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for var in ("REACT_STRICT_PLUGINS", "REACT_TRACE_PLUGINS", "REACT_DEVICE", "REACT_DTYPE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def tiny_lm_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Gemma 3 model directory (built once per test session)."""
    from react_core.testing import tiny_causal_lm

    return tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(scope="session")
def tiny_lm(tiny_lm_path: Path):
    """``(model, tokenizer)`` of the tiny model, in eval mode on CPU, fp32."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_lm_path).eval()
    return model, AutoTokenizer.from_pretrained(tiny_lm_path)
