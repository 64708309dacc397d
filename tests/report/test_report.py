"""`react report`: blocks of markdown files and PNG plots rendered from results files."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from react_core import DomainSpec, EvalTask, FusionPolicy, hookimpl, new_registry
from react_core.cli import build_app
from react_core.report.collect import ResultSet
from react_core.report.render import Context, render_text
from react_core.results import write_result

runner = CliRunner()

DOC = """# Benchmarks

Hand-written text stays.

<!-- react-report:headline -->
old table
<!-- /react-report -->

## Toy

<!-- react-report:domain:toy -->
<!-- /react-report -->

<!-- react-report:sweep:toy -->
<!-- /react-report -->

<!-- react-report:plots -->
<!-- /react-report -->

Trailing text stays too.
"""


def _eval(directory: Path, name: str, value: float, n: int = 50, **extra: float) -> None:
    write_result(directory / f"{name}.json", {"domain": "toy", "tasks": [
        {"task": "intent", "metric": "accuracy", "value": value, "n": n, "metrics": {"accuracy": value, **extra}}]})


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    d = tmp_path / "results"
    _eval(d, "eval_toy_base_test", 0.10, macro_f1=0.05)
    _eval(d, "eval_toy_adapter_test", 0.80, macro_f1=0.70)
    write_result(d / "eval_toy_adapter_test_ranked.json", {"domain": "toy", "tasks": [
        {"task": "ranked", "metric": "accuracy", "value": 0.9, "n": 50},
        {"task": "classifier", "metric": "accuracy", "value": 0.95, "n": 50, "setting": "no model"}]})
    for alpha, value in ((0, 0.78), (0.5, 0.60), (1, 0.12)):
        _eval(d, f"sweep_toy_alpha{alpha}", value, n=20)
    write_result(d / "training_throughput.json", {"short": {"ours_tokens_per_s": 300.0, "plain_tokens_per_s": 100.0,
                                                            "speedup": 3.0, "batch": 8, "device": "cpu"}})
    (d / "broken.json").write_text("{not json")
    return d


def _app():
    spec = DomainSpec(name="toy", description="toy", fusion=FusionPolicy(alpha=0.0), eval_tasks=[
        EvalTask("intent", "accuracy", lambda *a: [], lambda p, e: 0.0, published=(0.9366, "BERT-large"))])
    plugin = types.SimpleNamespace(react_register_domains=hookimpl(lambda register: register(spec)))
    return build_app(new_registry([("toy", plugin)]))


def test_report_renders_blocks_and_plots_and_keeps_the_rest(results: Path, tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "benchmarks.md"
    doc.parent.mkdir()
    doc.write_text(DOC)
    plots = tmp_path / "docs" / "plots"
    result = runner.invoke(_app(), ["report", "--results", str(results), "--doc", str(doc), "--plots", str(plots)])
    assert result.exit_code == 0, result.output
    text = doc.read_text()
    assert "Hand-written text stays." in text and "Trailing text stays too." in text and "old table" not in text
    headline = text.split("<!-- react-report:headline -->")[1].split("<!-- /react-report -->")[0]
    assert "| toy | intent | accuracy | 10.0 % | **80.0 %** (adapter) | 93.7 % (BERT-large) | 50 |" in headline
    assert "macro_f1 70.0 %" in text  # the domain block shows every metric
    assert "| ranked | adapter | accuracy **90.0 %**" in text  # a second file of the same setting adds its tasks
    assert "| classifier | no model | accuracy **95.0 %**" in text  # a task that ran without the model says so
    assert "0 (chosen)" in text and "12.0 % (n=20)" in text  # the sweep marks the policy's alpha
    for stem in ("domains", "fusion_sweeps", "training"):
        png = plots / f"{stem}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"(plots/{stem}.png)" in text
    assert "serving" not in {p.stem for p in plots.iterdir()}  # no serving results, no plot
    assert "broken.json: not JSON" in result.output  # a bad file is reported, the rest renders

    # nothing changed since: --check passes; a new result makes the document stale
    assert runner.invoke(_app(), ["report", "--results", str(results), "--doc", str(doc), "--plots", str(plots),
                                  "--check"]).exit_code == 0
    _eval(results, "eval_toy_fused_test", 0.85)
    stale = runner.invoke(_app(), ["report", "--results", str(results), "--doc", str(doc), "--plots", str(plots),
                                   "--check"])
    assert stale.exit_code == 1 and "out of date" in stale.output and doc.read_text() == text


def test_missing_results_say_what_to_run(tmp_path: Path) -> None:
    text = render_text(DOC, Context(ResultSet.load(tmp_path / "nothing")))
    assert "No results yet for toy: run `react eval toy" in text
    assert "No results yet for the toy fusion sweep" in text


def test_unknown_block_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"doc.md:3: unknown report block 'weather'"):
        render_text("a\n\n<!-- react-report:weather -->\n<!-- /react-report -->\n", Context(ResultSet()), where="doc.md")
    with pytest.raises(ValueError, match="unknown report block 'domain'"):
        render_text("<!-- react-report:domain -->\n<!-- /react-report -->\n", Context(ResultSet()))


def test_a_results_file_without_task_rows_is_reported(tmp_path: Path) -> None:
    write_result(tmp_path / "eval_toy_adapter_test.json", {"domain": "toy"})
    found = ResultSet.load(tmp_path)
    assert any("no task figures" in p for p in found.problems)
    data = json.loads((tmp_path / "eval_toy_adapter_test.json").read_text())
    assert {"command", "date", "versions", "hardware"} <= data.keys()


def test_results_name_the_processor(tmp_path: Path) -> None:
    path = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in path.read_text().splitlines()
             if line.startswith("model name")] if path.exists() else []
    if not names:
        pytest.skip("no /proc/cpuinfo model name on this system")
    data = json.loads(write_result(tmp_path / "r.json", {}).read_text())
    assert data["hardware"]["processor"] == names[0]
