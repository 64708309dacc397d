"""The training-data builder and the evaluation task, and `react train` / `react eval` on a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from react_core import new_registry
from react_core.agent import parse_step
from react_core.cli import build_app
from react_core.training import load_examples
from typer.testing import CliRunner

from react_recommendation import plugin
from react_recommendation.builder import build_training_data
from react_recommendation.evaluation import load_ranking, score_ranking, user_subset
from react_recommendation.lm import NO, YES
from react_recommendation.movielens import MovieLens

runner = CliRunner()


@pytest.fixture()
def records(data_dir: Path, embedder) -> list[dict]:
    return list(build_training_data(data_dir, embedder=embedder, n_trajectories=2))


def test_direct_pairs_are_yes_no_prompts_in_the_lm_format(records: list[dict]) -> None:
    pairs = [r for r in records if "prompt" in r]
    assert {p["completion"] for p in pairs} == {YES, NO}
    assert sum(p["completion"] == YES for p in pairs) * 3 == len(pairs)  # one positive, two negatives
    for p in pairs:
        assert p["prompt"].startswith("Movies the user liked: ")
        assert "\nCandidate: " in p["prompt"] and p["prompt"].endswith("Will the user like the candidate? Answer:")


def test_pairs_never_use_validation_or_test_items(data_dir: Path) -> None:
    from react_recommendation.builder import direct_pairs

    ml = MovieLens.load(data_dir)
    for user in ml.users:  # one user at a time, so each pair is known to be that user's
        single = MovieLens(ml.movies, ml.sequences[user])
        case = single.cases("validation")[0]
        held_out = {ml.movies[case.target].text, ml.movies[single.cases("test")[0].target].text}
        history = {ml.movies[i].text for i in case.history}
        rated = {ml.movies[r.item].text for r in ml.sequences[user]}
        for p in direct_pairs(single, positions=3):
            liked, cand = p["prompt"].split("\nCandidate: ")
            cand = cand.split("\n")[0]
            assert not any(ml.movies[i].title in liked for i in (case.target, single.cases("test")[0].target))
            if p["completion"] == YES:
                assert cand in history and cand not in held_out
            else:
                assert cand not in rated


def test_records_parse_and_trajectories_use_every_tool(records: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(load_examples(path)) == len(records)
    used = set()
    for r in (r for r in records if "messages" in r):
        for msg in r["messages"]:
            if msg["role"] == "assistant":
                step = parse_step(" " + msg["content"].removeprefix("Thought:").strip())
                used.add(step.action)
        assert "Final Answer:" in r["messages"][-1]["content"]
    assert {"recommend", "similar_items", "explain", "finish"} <= used
    text = json.dumps(records)
    assert "Return of the Jedi (1983)" in text and "No user 69: known users are 1-12" in text


def test_user_subset_is_seeded_and_nested() -> None:
    users = list(range(1, 944))
    assert user_subset(users, 10) == user_subset(users, 30)[:10]
    assert len(user_subset(users, None)) == 50 and len(set(user_subset(users, 943))) == 943


def test_scoring_reports_each_stage_and_baseline(data_dir: Path) -> None:
    examples = load_ranking(data_dir, "test", 4)
    assert len(examples) == 4 and {"popularity", "item_knn"} == set(examples[0]["baselines"])
    perfect = [{"final": [e["reference"]], "stage1": [e["reference"]], "lm_only": [0]} for e in examples]
    out = score_ranking(perfect, examples)
    assert out["ndcg@10"] == 1.0 and out["hr@10"] == 1.0 and out["stage1_ndcg@10"] == 1.0
    assert out["lm_only_hr@10"] == 0.0 and 0.0 <= out["item_knn_ndcg@10"] <= 1.0
    assert score_ranking([[e["reference"]] for e in examples], examples)["ndcg@10"] == 1.0


def test_react_train_and_eval_run_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    app = build_app(new_registry([("recommendation", plugin)]))
    out = tmp_path / "adapter"
    result = runner.invoke(app, ["train", "recommendation", "--model", str(tiny_lm_path), "--data-dir",
                                 str(data_dir), "--out", str(out), "--max-steps", "2", "--set", "dtype=fp32",
                                 "--set", "batch_size=4", "--set", "eval_steps=0", "--set", "max_length=256"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "react_adapter.json").read_text())["name"] == "recommendation"
    result = runner.invoke(app, ["eval", "recommendation", "--model", str(tiny_lm_path), "--data-dir",
                                 str(data_dir), "--adapter", str(out), "--alpha", "0.5", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    assert row["task"] == "ranking" and row["metric"] == "ndcg@10" and row["n"] == 3
    assert {"hr@10", "stage1_ndcg@10", "lm_only_ndcg@10", "popularity_hr@10", "item_knn_ndcg@10"} <= set(row["metrics"])
