"""Pytest fixtures for plugin authors (registered through the ``pytest11`` entry point).

Installed with react-core, so a domain package's tests get them without a conftest:

- ``tiny_lm_path``: a tiny random Gemma 3 model directory (built once per session);
- ``tiny_lm``: ``(model, tokenizer)`` of it, in eval mode on CPU, fp32.

A conftest that defines a fixture of the same name takes precedence.
"""

from __future__ import annotations

from pathlib import Path

import pytest


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
