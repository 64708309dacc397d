"""The core commands: plugins, doctor, generate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from react_core import new_registry
from react_core.cli import build_app

runner = CliRunner()


def test_plugins_json_lists_builtins() -> None:
    result = runner.invoke(build_app(new_registry()), ["plugins", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    names = {r["name"]: r for r in rows}
    assert names["react_core.models.builtin"]["model_sources"] == ["gemma-3-270m", "all-MiniLM-L6-v2"]


def test_doctor_json_reports_versions_device_and_plugins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REACT_CACHE_DIR", str(tmp_path))
    result = runner.invoke(build_app(new_registry()), ["doctor", "--json", "--no-resolve"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    assert report["cache_dir"] == str(tmp_path)
    assert {"torch", "transformers", "peft", "react-core"} <= set(report["versions"])
    assert report["device"]["device"] in {"cpu", "cuda"}
    assert set(report["models"]) >= {"gemma-3-270m", "all-MiniLM-L6-v2"}


def test_doctor_fails_when_a_model_cannot_resolve(monkeypatch) -> None:
    reg = new_registry()
    source = reg.model_sources["gemma-3-270m"]

    class Missing:
        name, kind, description, aliases = source.name, source.kind, "missing", ()
        def resolve(self, cache_dir):
            raise FileNotFoundError("chunk files are missing")

    reg.model_sources["gemma-3-270m"] = Missing()
    result = runner.invoke(build_app(reg), ["doctor", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["models"]["gemma-3-270m"]["status"] == "error"
    assert "chunk files are missing" in report["models"]["gemma-3-270m"]["error"]


def test_generate_runs_a_local_model(tiny_lm_path: Path) -> None:
    result = runner.invoke(build_app(new_registry()),
                           ["generate", "Thought:", "--model", str(tiny_lm_path), "--max-new-tokens", "4",
                            "--dtype", "fp32"])
    assert result.exit_code == 0, result.output
    assert "on cpu/float32" in result.output


def test_generate_unknown_model_is_a_clear_error() -> None:
    result = runner.invoke(build_app(new_registry()), ["generate", "hi", "--model", "nope/nothing-here"])
    assert result.exit_code != 0
    assert "cannot resolve model 'nope/nothing-here' offline" in str(result.exception)
