"""``react finance monitor``: input validation with line numbers, sliding windows, alerts, outputs.

The scorer and the entity extractor are injected stubs: no model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from react_core import new_registry
from react_core.cli import build_app
from typer.testing import CliRunner

from react_finance import plugin
from react_finance.monitor import OVERALL, NewsItem, SlidingMonitor, read_items, run_monitor, write_jsonl_atomic

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "news_stream.jsonl"


def stub_scorer(texts):
    """Negative exactly when the text says 'bad' (records what it was asked)."""
    stub_scorer.calls.append(list(texts))
    return ["negative" if "bad" in t else "positive" if "good" in t else "neutral" for t in texts]


stub_scorer.calls = []


def items(*rows: tuple[str, list[str] | None]) -> list[NewsItem]:
    return [NewsItem(line=i + 1, text=t, time=f"t{i}", entities=None if e is None else tuple(e))
            for i, (t, e) in enumerate(rows)]


def test_malformed_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": "fine", "time": "2026-01-01"}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"time": "x"}),
        json.dumps({"text": "ok", "entities": "Nokia"}),
        "",
        json.dumps({"text": "  also fine  ", "entities": ["Nokia", "Nokia", " Kone "], "id": 7}),
        json.dumps({"text": "x", "time": {"a": 1}}),
    ]) + "\n")
    good, problems = read_items(path)
    assert [(i.line, i.text, i.entities, i.id) for i in good] == [
        (1, "fine", None, None), (7, "also fine", ("Nokia", "Kone"), "7")]
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (2, "not valid JSON"), (3, "expected a JSON object, got list"), (4, '"text" must be a non-empty string'),
        (5, '"entities" must be a list of non-empty strings'), (8, '"time" must be a string or a number')]
    assert str(problems[0]).startswith(f"{path}:2: not valid JSON")


def test_overall_window_alerts_once_per_surge_and_rearms() -> None:
    labels = ["good", "bad", "bad", "bad", "good", "good", "good", "good", "bad", "bad", "bad", "bad"]
    result = run_monitor(items(*[(f"{w} news", []) for w in labels]), stub_scorer, window=4, threshold=0.5,
                         min_items=3)
    overall = [a for a in result.alerts if a.entity == OVERALL]
    # line 3: 2/3 negative > 0.5 (first alert); stays high until line 6 (1/4), re-arms; line 11: 3/4
    assert [(a.line, a.negatives, a.window_items) for a in overall] == [(3, 2, 3), (11, 3, 4)]
    assert overall[0].negative_share == pytest.approx(2 / 3, abs=1e-4) and overall[0].time == "t2"
    assert [round(s, 2) for _, s in result.series[OVERALL][:5]] == [0.0, 0.5, 0.67, 0.75, 0.75]


def test_entities_have_their_own_windows() -> None:
    rows = [("bad Nokia", ["Nokia"]), ("good Kone", ["Kone"]), ("bad Nokia again", ["Nokia"]),
            ("good Kone", ["Kone"]), ("neutral Nokia", ["Nokia"]), ("good Kone", ["Kone"])]
    result = run_monitor(items(*rows), stub_scorer, window=3, threshold=0.5, min_items=2)
    # overall: bad, good, bad is 2/3; Nokia: bad, bad is 2/2 and stays above 0.5 (2/3) at line 5
    assert [(a.entity, a.line, a.negatives, a.window_items) for a in result.alerts] == [("*", 3, 2, 3),
                                                                                        ("Nokia", 3, 2, 2)]
    assert [s for _, s in result.series["Kone"]] == [0.0, 0.0, 0.0]
    assert result.entities[0] == ("Nokia",)


def test_entities_are_extracted_when_an_item_lists_none() -> None:
    def extractor(texts):
        return [[("ORG", "Nokia"), ("LOC", "Espoo"), ("ORG", "Nokia")] if "Nokia" in t else [] for t in texts]

    result = run_monitor(items(("bad Nokia in Espoo", None), ("bad", ["Given"]), ("bad Nokia", None)), stub_scorer,
                         extractor, window=2, threshold=0.5, min_items=2)
    assert result.entities == [("Nokia",), ("Given",), ("Nokia",)]
    assert ("Nokia", 3) in [(a.entity, a.line) for a in result.alerts]
    loc = run_monitor(items(("bad Nokia in Espoo", None)), stub_scorer, extractor, window=1, threshold=0.5,
                      min_items=1, entity_types=("LOC",))
    assert loc.entities == [("Espoo",)]


def test_scorer_is_called_once_for_all_items_and_checked() -> None:
    stub_scorer.calls.clear()
    run_monitor(items(("a", []), ("b", [])), stub_scorer, window=2, threshold=0.5, min_items=1)
    assert stub_scorer.calls == [["a", "b"]]
    with pytest.raises(ValueError, match="1 labels for 2 items"):
        run_monitor(items(("a", []), ("b", [])), lambda texts: ["neutral"], window=2, threshold=0.5, min_items=1)


def test_monitor_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="window"):
        SlidingMonitor(window=0)
    with pytest.raises(ValueError, match="threshold"):
        SlidingMonitor(threshold=1.0)
    with pytest.raises(ValueError, match="min_items"):
        SlidingMonitor(window=3, min_items=4)


def test_atomic_write_leaves_no_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    write_jsonl_atomic(path, [{"a": 1}])

    def broken():
        yield {"a": 2}
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl_atomic(path, broken())
    assert path.read_text() == '{"a": 1}\n' and [p.name for p in path.parent.iterdir()] == ["alerts.jsonl"]


def test_cli_writes_alerts_and_plot_with_the_rule_based_scorer(tmp_path: Path) -> None:
    app = build_app(new_registry([("finance", plugin)]))
    source = tmp_path / "news.jsonl"
    source.write_text(EXAMPLE.read_text() + "this line is broken\n")
    out, png = tmp_path / "alerts.jsonl", tmp_path / "plot.png"
    result = runner.invoke(app, ["finance", "monitor", "--input", str(source), "--window", "4", "--threshold",
                                 "0.5", "--min-items", "3", "--scorer", "lexicon", "--out", str(out),
                                 "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "ALERT line" in result.stdout and "Northwind Metals" in result.stdout
    assert f"{source}:22: not valid JSON" in result.output
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    assert alerts and {"line", "time", "id", "entity", "negative_share", "threshold", "text"} <= set(alerts[0])
    assert any(a["entity"] == "Northwind Metals" for a in alerts)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_cli_rejects_bad_input_clearly(tmp_path: Path) -> None:
    app = build_app(new_registry([("finance", plugin)]))
    missing = runner.invoke(app, ["finance", "monitor", "--input", str(tmp_path / "nope.jsonl"), "--scorer",
                                  "lexicon"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("[1]\n")
    result = runner.invoke(app, ["finance", "monitor", "--input", str(empty), "--scorer", "lexicon"])
    assert result.exit_code == 1 and "no valid news item (1 malformed lines)" in result.output
    bad = runner.invoke(app, ["finance", "monitor", "--input", str(empty), "--scorer", "magic"])
    assert bad.exit_code == 2 and "--scorer" in bad.output
    bad = runner.invoke(app, ["finance", "monitor", "--input", str(empty), "--window", "2", "--min-items", "3"])
    assert bad.exit_code == 2 and "--min-items" in bad.output
