"""`react train`, `react eval` and `react adapters` end to end on a tiny model and a toy domain."""

from __future__ import annotations

import csv
import json
import types
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from react_core import DomainSpec, EvalTask, hookimpl, new_registry
from react_core.cli import build_app

runner = CliRunner()
LABELS = ["card", "fee", "transfer"]


def _load(data_dir: Path, split: str, limit: int | None) -> list[dict]:
    with (data_dir / "toy" / f"{split}.csv").open() as fh:
        rows = list(csv.DictReader(fh))[:limit]
    return [{"prompt": f"Query: {r['text']}\nIntent:", "reference": r["label"]} for r in rows]


def _accuracy(predictions: list[str], examples: list[dict]) -> float:
    return sum(p.strip().startswith(e["reference"]) for p, e in zip(predictions, examples)) / len(examples)


def _toy_plugin() -> types.SimpleNamespace:
    def build(data_dir: Path):
        for ex in _load(data_dir, "train", None):
            yield {"prompt": ex["prompt"], "completion": " " + ex["reference"]}

    spec = DomainSpec(name="toy", description="toy intents", build_training_data=build,
                      eval_tasks=[EvalTask("intent", "accuracy", _load, _accuracy, max_new_tokens=3)])
    return types.SimpleNamespace(react_register_domains=hookimpl(lambda register: register(spec)))


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "toy").mkdir()
    for split, n in (("train", 24), ("test", 6)):
        with (tmp_path / "toy" / f"{split}.csv").open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text", "label"])
            for i in range(n):
                w.writerow([f"question {i}", LABELS[i % 3]])
    return tmp_path


@pytest.fixture()
def app():
    return build_app(new_registry([("toy", _toy_plugin())]))


@pytest.fixture()
def trained(app, data_dir: Path, tiny_lm_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "adapter"
    result = runner.invoke(app, ["train", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--out", str(out), "--max-steps", "3", "--set", "eval_steps=2",
                                 "--set", "dtype=fp32", "--set", "batch_size=4"])
    assert result.exit_code == 0, result.output
    return out


def test_train_a_domain_writes_an_adapter(trained: Path) -> None:
    manifest = json.loads((trained / "react_adapter.json").read_text())
    assert manifest["name"] == "toy" and manifest["metrics"]["steps"] == 3


def test_preview_shows_the_mask(app, data_dir: Path, tiny_lm_path: Path) -> None:
    result = runner.invoke(app, ["train", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir), "--preview"])
    assert result.exit_code == 0, result.output
    assert "trained (green)" in result.output and "question" in result.output


def test_bad_user_data_names_the_line(app, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "a", "completion": "b"}\n{"prompt": "a", "completion": "b"}\n{oops\n')
    result = runner.invoke(app, ["train", "--data", str(bad), "--name", "mine"])
    assert result.exit_code == 2
    assert "bad.jsonl:3: not valid JSON" in result.output


def test_train_needs_a_domain_or_data(app) -> None:
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 2 and "give a DOMAIN or --data" in result.output


def test_eval_base_adapter_and_fused_are_one_command_each(app, trained: Path, data_dir: Path,
                                                         tiny_lm_path: Path) -> None:
    common = ["eval", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir), "--json"]
    for extra, setting in ((["--adapter", "none"], "base"), (["--adapter", str(trained), "--alpha", "0"], "adapter"),
                           (["--adapter", str(trained), "--alpha", "0.5"], "adapter alpha=0.5")):
        result = runner.invoke(app, common + extra)
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert rows[0]["task"] == "intent" and rows[0]["metric"] == "accuracy" and rows[0]["n"] == 6
        assert 0.0 <= rows[0]["value"] <= 1.0 and rows[0]["setting"] == setting


def test_eval_custom_predict_several_metrics_and_results_file(trained: Path, data_dir: Path, tiny_lm_path: Path,
                                                               tmp_path: Path) -> None:
    from react_core import choose

    def predict(model, tokenizer, examples, batch_size, progress):
        return choose(model, tokenizer, [e["prompt"] for e in examples], [" " + x for x in LABELS],
                      batch_size=batch_size, progress=progress)

    def score(predictions, examples):
        hits = [p.strip() == e["reference"] for p, e in zip(predictions, examples)]
        return {"accuracy": sum(hits) / len(hits), "errors": float(len(hits) - sum(hits))}

    spec = DomainSpec(name="toy", description="toy intents",
                      eval_tasks=[EvalTask("intent", "accuracy", _load, score, predict=predict)])
    app = build_app(new_registry([("toy", types.SimpleNamespace(
        react_register_domains=hookimpl(lambda register: register(spec))))]))
    out = tmp_path / "results" / "toy.json"
    result = runner.invoke(app, ["eval", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--adapter", str(trained), "--json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    assert row["metrics"]["accuracy"] == row["value"] and row["metrics"]["errors"] == round((1 - row["value"]) * 6)
    saved = json.loads(out.read_text())
    assert {"command", "date", "versions", "hardware"} <= saved.keys()
    assert saved["results"]["domain"] == "toy" and saved["results"]["tasks"][0]["metrics"] == row["metrics"]
    # the figures depend on the dtype (bf16 where the CPU has it, else fp32): the file says which ran
    from react_core.models.device import choose_device

    assert saved["results"]["device"] == {"device": "cpu", "dtype": choose_device().dtype_name}

    def wrong(predictions, examples):
        return {"f1": 0.5}

    bad = DomainSpec(name="toy", description="toy", eval_tasks=[EvalTask("intent", "accuracy", _load, wrong, predict=predict)])
    app = build_app(new_registry([("toy", types.SimpleNamespace(
        react_register_domains=hookimpl(lambda register: register(bad))))]))
    result = runner.invoke(app, ["eval", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir), "--adapter", "none"])
    assert result.exit_code == 2 and "headline metric is 'accuracy'" in result.output


def test_eval_refuses_an_adapter_for_another_base(app, trained: Path, data_dir: Path, tiny_lm_path: Path) -> None:
    manifest = json.loads((trained / "react_adapter.json").read_text())
    manifest["base_fingerprint"] = "gguf-sha256:0000"
    (trained / "react_adapter.json").write_text(json.dumps(manifest))
    result = runner.invoke(app, ["eval", "toy", "--model", str(tiny_lm_path), "--data-dir", str(data_dir),
                                 "--adapter", str(trained)])
    assert result.exit_code == 2 and "retrain it on this base" in result.output


def test_a_limit_below_one_is_refused_before_any_work(app) -> None:
    for command in (["eval", "toy", "--limit", "0"], ["train", "toy", "--limit", "0"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2 and "--limit" in result.output


def test_eval_unknown_domain(app) -> None:
    result = runner.invoke(app, ["eval", "weather"])
    assert result.exit_code == 2 and "available: toy" in result.output


def test_fused_alpha_one_is_the_base(trained: Path, tiny_lm_path: Path) -> None:
    from react_core.models.loading import load_causal_lm
    from react_core.training.evaluate import attach_adapter, fused

    loaded = load_causal_lm(str(tiny_lm_path), dtype="fp32", registry=new_registry())
    ids = loaded.tokenizer("Query: question 1\nIntent:", return_tensors="pt")
    with torch.no_grad():
        base = loaded.model(**ids).logits
        model = attach_adapter(loaded, trained)
        adapted = model(**ids).logits
        with fused(model, 1.0):
            at_one = model(**ids).logits
        with fused(model, 0.5):
            half = model(**ids).logits
    assert torch.allclose(at_one, base, atol=1e-5)
    assert not torch.allclose(adapted, base, atol=1e-4)
    assert not torch.allclose(half, adapted, atol=1e-5)


def test_adapters_inspect_and_export(app, trained: Path, tmp_path: Path, tiny_lm_path: Path) -> None:
    result = runner.invoke(app, ["adapters", "inspect", str(trained)])
    assert result.exit_code == 0 and json.loads(result.stdout)["name"] == "toy"
    merged = tmp_path / "merged"
    result = runner.invoke(app, ["adapters", "export", str(trained), "--merged", str(merged)])
    assert result.exit_code == 0, result.output
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(merged)
    assert not hasattr(model, "peft_config")


def test_eval_of_tasks_without_the_model_does_not_load_it(data_dir: Path, tmp_path: Path) -> None:
    def by_keyword(model, tokenizer, examples, batch_size, progress):
        assert model is None and tokenizer is None
        return [LABELS[int(e["prompt"].split()[2]) % 3] for e in examples]

    keyword = EvalTask("intent_keyword", "accuracy", _load, _accuracy, predict=by_keyword, uses_model=False)
    spec = DomainSpec(name="toy", description="toy intents",
                      eval_tasks=[EvalTask("intent", "accuracy", _load, _accuracy), keyword])
    app = build_app(new_registry([("toy", types.SimpleNamespace(
        react_register_domains=hookimpl(lambda register: register(spec))))]))
    missing = str(tmp_path / "no-such-model")  # loading it would fail
    result = runner.invoke(app, ["eval", "toy", "--model", missing, "--data-dir", str(data_dir), "--json",
                                 "--task", "intent_keyword", "--output", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["value"] == 1.0
    assert json.loads((tmp_path / "r.json").read_text())["results"]["model"] is None
    result = runner.invoke(app, ["eval", "toy", "--model", missing, "--data-dir", str(data_dir)])
    assert result.exit_code != 0  # the generative task needs the model
    with pytest.raises(ValueError, match="needs a predict"):
        EvalTask("x", "accuracy", _load, _accuracy, uses_model=False)
