"""Shared fixtures: an isolated environment; the tiny models come from react_core.pytest_plugin."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No network, no installed third-party plugins unless a test asks, a private cache."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for var in ("REACT_STRICT_PLUGINS", "REACT_TRACE_PLUGINS", "REACT_DEVICE", "REACT_DTYPE"):
        monkeypatch.delenv(var, raising=False)


# tiny_lm_path and tiny_lm come from react_core.pytest_plugin (the pytest11 entry point).
