"""``react serve`` over a real (tiny) model: the engine flags reach the runtime, and /metrics
counts the prefix cache's reuse. Only the last call, uvicorn's blocking run, is replaced by the
same app on a background thread (ServerThread)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from react_core import new_registry
from react_core.cli import build_app
from react_core.serving.server import ServerThread

PROMPT = "Thought: I should look the answer up in the knowledge base before I reply.\nAction:"


@pytest.fixture()
def served(tiny_lm_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``served(*flags)`` runs ``react serve --model TINY *flags`` and returns its service, not yet listening."""
    import react_core.serving.server as server_module

    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path))
    captured = []
    monkeypatch.setattr(server_module, "serve", lambda service, settings, **_: captured.append((service, settings)))
    app = build_app(new_registry())

    def run(*flags: str):
        result = CliRunner().invoke(app, ["serve", "--model", str(tiny_lm_path), "--dtype", "fp32", "--no-warm", *flags])
        assert result.exit_code == 0, result.output
        return captured[-1]

    yield run
    for service, _ in captured:
        service.close()


@pytest.mark.parametrize("tokens, hits", [("4096", 1), ("0", 0)])
def test_serve_sets_the_engine_and_metrics_count_prefix_reuse(served, tokens: str, hits: int) -> None:
    service, settings = served("--max-batch", "4", "--prefix-cache-tokens", tokens)
    assert service.runtime.engine.max_batch == 4
    with ServerThread(service, settings) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        first = client.post("/v1/completions", json={"model": "base", "prompt": PROMPT, "max_tokens": 4}).json()
        text = first["choices"][0]["text"]
        client.post("/v1/completions", json={"model": "base", "prompt": PROMPT + text + "\nObservation: none.\nThought:",
                                             "max_tokens": 4})
        metrics = client.get("/metrics").text
    assert "# TYPE react_engine_prefix_hits_total counter" in metrics
    assert f"react_engine_prefix_hits_total {hits}" in metrics.splitlines()
    reused = next(line for line in metrics.splitlines() if line.startswith("react_engine_prefix_tokens_total "))
    assert (float(reused.split()[1]) > 0) == bool(hits)


def test_serve_refuses_a_batch_of_one(served) -> None:
    with pytest.raises(AssertionError, match="max-batch"):
        served("--max-batch", "1")
