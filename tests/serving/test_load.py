"""A short, bounded version of benchmarks/serve_load.py: concurrent clients, nothing failed or lost."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from react_core.serving.server import ServerThread
from react_core.serving.settings import ServerSettings

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "serve_load.py"


def test_concurrent_clients_get_every_answer() -> None:
    spec = importlib.util.spec_from_file_location("serve_load", SCRIPT)
    load = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("serve_load", load)  # dataclasses look their module up
    spec.loader.exec_module(load)
    with ServerThread(load.scripted_service(), ServerSettings(max_concurrent=8, max_queue=8)) as server:
        figures = load.run_load(server.url, clients=8, seconds=3, expect="Forty-two [d1].", sample_every=1)
        assert server.app.state.limiter.running == 0
        metrics = server.app.state.metrics
        assert metrics.value("react_agent_runs_total", stop_reason="final_answer") == figures["requests"]
    assert figures["requests"] >= 8 and figures["failed"] == 0 and figures["lost"] == 0, figures
    assert figures["rss_mb_end"] - figures["rss_mb_start"] < 200
