"""The training-data builder and the evaluation tasks, and `react train` / `react eval` on a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

from react_core import new_registry
from react_core.agent import parse_step
from react_core.cli import build_app
from react_core.training import load_examples
import pytest
from typer.testing import CliRunner

from react_finance import plugin
from react_finance.builder import build_training_data, news_chunks
from react_finance.data import conll, phrasebank, twitter
from react_finance.evaluation import TASKS, load_conll, score_entities, score_sentiment

runner = CliRunner()


def test_builder_interleaves_held_out_pairs_and_trajectories(data_dir: Path, tmp_path: Path) -> None:
    records = list(build_training_data(data_dir, trajectory_every=5))
    pairs = [r for r in records if "prompt" in r]
    held_out = {t for s in ("validation", "test") for t, _ in phrasebank(data_dir, s) + twitter(data_dir, s)}
    assert not any(p["prompt"].split("\n")[0].removeprefix("Financial news: ") in held_out for p in pairs)
    kinds = ["ner" if "prompt" in r and r["prompt"].startswith("Sentence:") else
             "sentiment" if "prompt" in r else "trajectory" for r in records]
    assert kinds[:4] == ["ner", "sentiment", "ner", "sentiment"] and kinds[5] == "trajectory"
    assert {p["completion"] for p in pairs if p["prompt"].startswith("Financial")} == {" positive", " negative",
                                                                                       " neutral"}
    first_ner = next(p for p in pairs if p["prompt"].startswith("Sentence:"))
    sentence = next(s for s in conll(data_dir, "train") if f"Sentence: {s.text}\n" in first_ner["prompt"])
    assert first_ner["completion"] == " " + ("; ".join(f"{k}: {t}" for k, t in sentence.entities) or "none")
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(load_examples(path)) == len(records)  # every record parses with the core's reader


def test_trajectories_use_the_real_tools(data_dir: Path) -> None:
    trajectories = [r for r in build_training_data(data_dir) if "messages" in r]
    ids = {c.id for c in news_chunks()}
    actions = set()
    for t in trajectories:
        for msg in t["messages"]:
            if msg["role"] == "assistant":
                step = parse_step(" " + msg["content"].removeprefix("Thought:").strip())
                actions.add(step.action)
        assert t["messages"][-1]["content"].startswith("Thought: I can answer now.\nFinal Answer: ")
    assert {"search_news", "entities", "sentiment", "finish"} <= actions
    text = json.dumps(trajectories)
    assert "(rule-based fallback, no model attached)" in text
    cited = {c for t in trajectories for c in ids if f"(source: [{c}])" in t["messages"][-1]["content"]}
    assert len(cited) == 20  # every news item with a market reading


def test_loaders_and_scores(data_dir: Path) -> None:
    tasks = {t.name: t for t in TASKS}
    rows = tasks["phrasebank"].load(data_dir, "test", 4)
    assert len(rows) == 4 and rows[0]["prompt"].startswith("Financial news: ")
    assert rows[0]["prompt"].endswith("\nSentiment:")
    full = [r["text"] for r in tasks["phrasebank"].load(data_dir, "test", None)]
    assert [r["text"] for r in rows] == [full[int(i * len(full) / 4)] for i in range(4)]  # spread over the split
    allagree = tasks["phrasebank_allagree"].load(data_dir, "test", None)
    assert allagree and all("record high" in r["text"] or "Seppälä" in r["text"] for r in allagree)
    ner = load_conll(data_dir, "test", None)
    assert ner[0]["reference"] == [["ORG", "EU"], ["MISC", "German"]]
    # 3 of 3 predictions right, 3 of the 8 gold entities found
    scores = score_entities([" ORG: EU; MISC: German", "PER: Peter Blackburn", "none", "none"], ner)
    assert scores == {"precision": 1.0, "recall": 0.375, "f1": pytest.approx(6 / 11)}
    scores = score_sentiment(["negative", " neutral"], [{"reference": "negative"}, {"reference": "positive"}])
    assert scores["accuracy"] == 0.5 and 0 < scores["macro_f1"] < 1
    assert tasks["phrasebank"].published[0] == 0.86 and tasks["conll_ner"].published[0] == 0.928


def test_react_train_and_eval_run_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    app = build_app(new_registry([("finance", plugin)]))
    out = tmp_path / "adapter"
    result = runner.invoke(app, ["train", "finance", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--out", str(out), "--max-steps", "2", "--set", "dtype=fp32", "--set",
                                 "batch_size=4", "--set", "eval_steps=0", "--set", "max_length=256"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "react_adapter.json").read_text())["name"] == "finance"
    result = runner.invoke(app, ["eval", "finance", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--adapter", str(out), "--alpha", "0.5", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["task"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"phrasebank", "phrasebank_allagree", "twitter", "conll_ner"}
    assert rows["phrasebank"]["metric"] == "accuracy" and rows["phrasebank"]["n"] == 3
    assert rows["conll_ner"]["metric"] == "f1" and 0.0 <= rows["conll_ner"]["value"] <= 1.0
