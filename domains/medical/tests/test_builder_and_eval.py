"""The training-data builder, the scoring, and `react train` / `react eval` on a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

from react_core import new_registry
from react_core.agent import parse_step
from react_core.cli import build_app
from react_core.retrieval import HashingEmbedder
from react_core.training import load_examples
from typer.testing import CliRunner

from react_medical import plugin, pubmedqa, safety
from react_medical.builder import build_training_data
from react_medical.evaluation import (
    accuracy_and_macro_f1,
    load_pubmedqa,
    load_pubmedqa_retrieved,
    make_retrieved_predictor,
    score_letters,
    score_retrieved,
)

runner = CliRunner()


def test_builder_yields_training_pairs_then_trajectories_the_core_reads(data_dir: Path, tmp_path: Path) -> None:
    records = list(build_training_data(data_dir))
    pairs = [r for r in records if "prompt" in r]
    trajectories = [r for r in records if "messages" in r]
    assert records[: len(pairs)] == pairs  # pairs first, so --limit keeps them
    train = pubmedqa.read_split(data_dir, "train")
    held_out = pubmedqa.read_split(data_dir, "validation") + pubmedqa.read_split(data_dir, "test")
    assert len(pairs) == len(train) and {p["completion"] for p in pairs} <= {" yes", " no", " maybe"}
    assert pairs[0] == {"prompt": pubmedqa.prompt(train[0].question, train[0].contexts),
                        "completion": f" {train[0].label}"}
    assert not any(i.question in p["prompt"] for p in pairs for i in held_out)
    assert trajectories and all(t["meta"]["pmid"] in {i.pmid for i in train} for t in trajectories)
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(load_examples(path)) == len(records)  # every record parses with the core's reader


def test_trajectories_search_cite_a_retrieved_pmid_and_pass_the_policy(data_dir: Path) -> None:
    for t in (r for r in build_training_data(data_dir) if "messages" in r):
        user, call, observation, final = t["messages"]
        step = parse_step(" " + call["content"].removeprefix("Thought:").strip())
        assert step.action == "search_literature" and step.action_input == user["content"]
        assert observation["content"].startswith("Observation: [PMID:")
        assert f"[PMID:{t['meta']['pmid']}]" in observation["content"]  # the real tool found the gold abstract
        answer = final["content"].split("Final Answer: ", 1)[1]
        assert answer.startswith(t["meta"]["label"].capitalize() + ". ") and answer.endswith(safety.DISCLAIMER)
        assert safety.UNSOURCED not in answer


def test_scores() -> None:
    scores = accuracy_and_macro_f1(["yes", "no", "yes", "maybe"], ["yes", "no", "no", "maybe"])
    assert scores["accuracy"] == 0.75
    assert abs(scores["macro_f1"] - (2 / 3 + 2 / 3 + 1) / 3) < 1e-9  # yes 2/3, no 2/3, maybe 1
    assert accuracy_and_macro_f1(["yes"], ["yes"]) == {"accuracy": 1.0, "macro_f1": 1.0}
    assert score_letters(["A", " B", "C"], [{"reference": "A"}, {"reference": "B"}, {"reference": "D"}]) == 2 / 3
    retrieved = score_retrieved([{"label": "yes", "retrieved": ["1", "2"]}, {"label": "no", "retrieved": ["3", "4"]}],
                                [{"reference": "yes", "pmid": "2"}, {"reference": "yes", "pmid": "3"}])
    assert retrieved["hit_at_1"] == 0.5 and retrieved["hit_at_k"] == 1.0 and retrieved["accuracy"] == 0.5


def test_loaders_limit_and_prompts(data_dir: Path) -> None:
    rows = load_pubmedqa(data_dir, "test", 4)
    assert len(rows) == 4 and rows[0]["prompt"].endswith("Answer (yes, no or maybe):")
    agent_rows = load_pubmedqa_retrieved(data_dir, "test", None)
    assert len(agent_rows) == 12 and "Abstract:" not in agent_rows[0]["prompt"]


def test_retrieved_predictor_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_lm_path)
    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_path)
    examples = load_pubmedqa_retrieved(data_dir, "test", 6)
    predict = make_retrieved_predictor(lambda: HashingEmbedder(256), tmp_path / "index")
    predictions = predict(model, tokenizer, examples, 4)
    assert len(predictions) == 6 and all(p["label"] in pubmedqa.LABELS for p in predictions)
    assert all(len(p["retrieved"]) == 3 for p in predictions)
    assert (tmp_path / "index" / "manifest.json").is_file()  # built once, saved, reused
    assert predict(model, tokenizer, examples[:2], 4)[0]["retrieved"] == predictions[0]["retrieved"]
    assert score_retrieved(predictions, examples)["hit_at_k"] > 0.5  # the question words find their abstract


def test_label_offsets_move_the_choice_and_zero_offsets_are_the_plain_choice(data_dir: Path, tiny_lm) -> None:
    from react_core import choose

    from react_medical.evaluation import LABEL_BIAS, choose_label

    model, tokenizer = tiny_lm
    prompts = [e["prompt"] for e in load_pubmedqa(data_dir, "test", 6)]
    plain = [p.strip() for p in choose(model, tokenizer, prompts, list(pubmedqa.OPTIONS), batch_size=4)]
    assert choose_label(model, tokenizer, prompts, 4, bias={}) == plain
    assert choose_label(model, tokenizer, prompts, 4, bias={"maybe": 100.0}) == ["maybe"] * 6
    assert set(LABEL_BIAS) == set(pubmedqa.LABELS) and LABEL_BIAS["yes"] == 0.0


def test_react_train_and_eval_run_on_a_tiny_model(data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> None:
    app = build_app(new_registry([("medical", plugin)]))
    out = tmp_path / "adapter"
    result = runner.invoke(app, ["train", "medical", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--out", str(out), "--max-steps", "2", "--set", "dtype=fp32", "--set",
                                 "batch_size=4", "--set", "eval_steps=0", "--set", "max_length=256"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "react_adapter.json").read_text())["name"] == "medical"
    result = runner.invoke(app, ["eval", "medical", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--adapter", str(out), "--alpha", "0.5", "--limit", "3", "--task", "pubmedqa",
                                 "--task", "medqa", "--task", "medmcqa", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["task"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"pubmedqa", "medqa", "medmcqa"} and all(r["n"] == 3 for r in rows.values())
    assert set(rows["pubmedqa"]["metrics"]) == {"accuracy", "macro_f1"}
