"""The label-position loss and a whole (tiny) training run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from react_core.adapters.manifest import AdapterError, check_base, read_manifest
from react_core.training.config import TrainConfig, parse_override
from react_core.training.data import from_prompt_completion, parse_record
from react_core.training.loss import full_logits_loss, label_position_loss
from react_core.training.tokenize import Collator, encode
from react_core.training.trainer import make_collator


def _batch(tokenizer, side: str):
    exs = [from_prompt_completion("Query: where is my card?\nIntent:", " card_arrival"),
           from_prompt_completion("Query: hi\nIntent:", " greeting"),
           parse_record({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "Thought: a\nAction: b[c]"},
                                      {"role": "user", "content": "Observation: d"}, {"role": "assistant", "content": "Final Answer: e"}]})]
    rows = [encode(e, tokenizer) for e in exs]
    return Collator(tokenizer.pad_token_id, side=side)([{"input_ids": r.input_ids, "labels": r.labels} for r in rows])


def test_label_position_loss_equals_the_full_loss(tiny_lm) -> None:
    model, tokenizer = tiny_lm
    seen = []
    hook = model.get_output_embeddings().register_forward_hook(lambda m, args, out: seen.append(tuple(args[0].shape)))
    with torch.no_grad():
        fast, computed = label_position_loss(model, _batch(tokenizer, "left"))
    hook.remove()
    assert seen == [(computed, model.config.hidden_size)]  # the output layer saw labelled rows only
    with torch.no_grad():
        full = full_logits_loss(model, _batch(tokenizer, "right"))
    assert torch.allclose(fast, full, atol=1e-5), (fast, full)
    labels = _batch(tokenizer, "left")["labels"]
    assert computed == int((labels[:, 1:] != -100).sum())  # one logit row per labelled token, no more
    assert computed < labels.numel() / 2


def _shared_head_rows(tokenizer, head: str = "Name the intent of the message. "):
    exs = [from_prompt_completion(f"{head}Q: {q}\nA:", f" {a}")
           for q, a in (("my card?", "card"), ("hi", "hello"), ("transfer is late", "transfer"))]
    return [{"input_ids": r.input_ids, "labels": r.labels} for r in (encode(e, tokenizer) for e in exs)]


def _loss_and_grads(model, batch):
    params = [p for p in model.parameters() if p.requires_grad]
    loss, _ = label_position_loss(model, batch)
    return loss, torch.autograd.grad(loss, params)


@pytest.mark.parametrize("head", ["Name the intent of the message. ",
                                  "Name the intent of the message a bank customer wrote to us today. "],
                         ids=["within the window", "beyond the window"])
def test_shared_head_runs_once_with_the_same_loss_and_gradients(tiny_lm, head) -> None:
    from peft import LoraConfig, get_peft_model

    model, tokenizer = tiny_lm
    model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    rows = _shared_head_rows(tokenizer, head)
    beyond = max(len(r["input_ids"]) for r in rows) > model.config.sliding_window
    assert beyond == ("today" in head)
    shared = make_collator(TrainConfig(), tokenizer, model)(rows)  # the collator training uses
    plain = Collator(tokenizer.pad_token_id, side="left")(rows)
    assert shared["prefix_ids"].shape[0] == 1 and shared["prefix_ids"].shape[1] >= 16
    assert shared["input_ids"].shape[1] + shared["prefix_ids"].shape[1] == plain["input_ids"].shape[1]
    # Beyond the window the remainders are padded on the right (no padding between head and rest).
    assert bool(shared["attention_mask"][:, 0].all()) == beyond
    (loss_plain, grads_plain), (loss_shared, grads_shared) = (_loss_and_grads(model, b) for b in (plain, shared))
    assert torch.allclose(loss_plain, loss_shared, atol=1e-5), (loss_plain, loss_shared)
    for a, b in zip(grads_plain, grads_shared):
        assert torch.allclose(a, b, atol=1e-5)
    assert any(g.abs().sum() > 0 for g in grads_shared)


def test_a_head_is_shared_only_when_it_is_long_and_untrained() -> None:
    def rows(*examples):
        return [{"input_ids": ids, "labels": labels} for ids, labels in examples]

    head = list(range(10, 30))  # 20 shared tokens
    a = (head + [40, 41, 42], [-100] * 21 + [41, 42])
    b = (head + [50, 51], [-100] * 21 + [51])
    col = Collator(0, side="left", share_prefix=True)
    # The head stops before the token ahead of the first trained token (its prediction needs the row).
    assert col.shared_length(rows(a, b)) == 20
    early = (head + [60], [-100] * 5 + head[5:] + [60])  # trained from token 5 on
    assert col.shared_length(rows(a, early)) == 0  # 4 tokens is under min_prefix
    assert col.shared_length(rows(a)) == 0  # one example: nothing to share
    assert "prefix_ids" not in Collator(0, side="left")(rows(a, b))
    with pytest.raises(ValueError, match="side='left'"):
        Collator(0, side="right", share_prefix=True)


def test_config_from_yaml_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text("rank: 4\nepochs: 2\ntarget_modules: [q_proj, v_proj]\n")
    cfg = TrainConfig.from_yaml(path, {"epochs": 3, "learning_rate": None})
    assert (cfg.rank, cfg.epochs, cfg.target_modules, cfg.learning_rate) == (4, 3, ["q_proj", "v_proj"], 2e-4)
    with pytest.raises(ValueError, match="unknown training setting"):
        TrainConfig.from_yaml(None, {"rnak": 4})
    assert parse_override("max_steps=20") == ("max_steps", 20)
    assert parse_override("learning_rate=4e-4") == ("learning_rate", 4e-4)
    assert parse_override("base_model=gemma-3-270m") == ("base_model", "gemma-3-270m")
    assert parse_override("target_modules=[q_proj]") == ("target_modules", ["q_proj"])


def test_training_writes_an_adapter_with_a_manifest(tiny_lm_path: Path, tmp_path: Path) -> None:
    from react_core.models.sources import resolve_model
    from react_core.registry import new_registry
    from react_core.training.trainer import train_adapter

    exs = [from_prompt_completion(f"Query: item {i}\nIntent:", f" label_{i % 3}") for i in range(24)]
    cfg = TrainConfig(base_model=str(tiny_lm_path), epochs=2, batch_size=8, eval_steps=2, dtype="fp32",
                      learning_rate=5e-3, rank=4)
    out = tmp_path / "adapter"
    result = train_adapter(cfg, exs[:20], exs[20:], name="intents", out_dir=out)
    assert {"adapter_config.json", "adapter_model.safetensors", "react_adapter.json"} <= {p.name for p in out.iterdir()}
    manifest = read_manifest(out)
    assert manifest.rank == 4 and manifest.name == "intents"
    assert manifest.base_fingerprint == resolve_model(str(tiny_lm_path), registry=new_registry()).fingerprint
    assert manifest.metrics["steps"] == 6 and "eval_loss" in manifest.metrics
    assert result.tokens_per_second > 0
    check_base(manifest, manifest.base_fingerprint)
    with pytest.raises(AdapterError, match="trained on .* retrain it"):
        check_base(manifest, "gguf-sha256:another-base")
    assert not list(tmp_path.glob(".adapter*")), "staging directories left behind"


def test_tokens_per_second_counts_every_epoch_that_max_steps_runs(tiny_lm_path: Path, tmp_path: Path) -> None:
    from react_core.training.trainer import train_adapter

    exs = [from_prompt_completion(f"Query: item {i}\nIntent:", f" label_{i % 3}") for i in range(8)]
    base = {"base_model": str(tiny_lm_path), "batch_size": 4, "eval_steps": 0, "dtype": "fp32", "rank": 4}
    one_epoch = train_adapter(TrainConfig(**base, epochs=1), exs, [], name="a", out_dir=tmp_path / "a")
    three = train_adapter(TrainConfig(**base, epochs=1, max_steps=6), exs, [], name="b", out_dir=tmp_path / "b")
    assert (one_epoch.metrics["steps"], three.metrics["steps"]) == (2, 6)
    # six steps of four over eight examples are three epochs' tokens, not one epoch's
    assert three.train_tokens == 3 * one_epoch.train_tokens > 0


def test_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "react_adapter.json").write_text("{bad")
    with pytest.raises(AdapterError, match="not valid JSON"):
        read_manifest(tmp_path)
    (tmp_path / "react_adapter.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(AdapterError, match="lacks base_model"):
        read_manifest(tmp_path)
    with pytest.raises(AdapterError, match="has no react_adapter.json"):
        read_manifest(tmp_path / "..")


def test_resume_continues_from_the_latest_checkpoint(tiny_lm_path: Path, tmp_path: Path) -> None:
    from react_core.training.trainer import train_adapter

    exs = [from_prompt_completion(f"Query: item {i}\nIntent:", f" label_{i % 3}") for i in range(16)]
    out = tmp_path / "adapter"
    first = TrainConfig(base_model=str(tiny_lm_path), max_steps=2, batch_size=4, eval_steps=0, save_steps=2,
                        dtype="fp32")
    train_adapter(first, exs, [], name="r", out_dir=out)
    assert (tmp_path / "adapter.work" / "checkpoints" / "checkpoint-2").is_dir()
    longer = TrainConfig(base_model=str(tiny_lm_path), max_steps=4, batch_size=4, eval_steps=0, save_steps=2,
                         dtype="fp32")
    result = train_adapter(longer, exs, [], name="r", out_dir=out, resume=True)
    assert result.resumed_from is not None and result.resumed_from.name == "checkpoint-2"
    assert result.metrics["steps"] == 4
    assert (tmp_path / "adapter.work" / "checkpoints" / "checkpoint-4").is_dir()


def test_init_adapter_continues_an_adapter_and_keeps_its_shape(tiny_lm_path: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from react_core.training.trainer import train_adapter

    exs = [from_prompt_completion(f"Query: item {i}\nIntent:", f" label_{i % 3}") for i in range(16)]
    first = tmp_path / "first"
    train_adapter(TrainConfig(base_model=str(tiny_lm_path), max_steps=2, batch_size=4, eval_steps=0, dtype="fp32",
                              rank=4, learning_rate=1e-2), exs, [], name="a", out_dir=first)
    more = tmp_path / "more"
    # rank 16 is asked for, but continuing keeps the adapter's own rank 4
    train_adapter(TrainConfig(base_model=str(tiny_lm_path), max_steps=2, batch_size=4, eval_steps=0, dtype="fp32",
                              rank=16, learning_rate=1e-2, init_adapter=str(first)), exs, [], name="a", out_dir=more)
    assert read_manifest(more).rank == 4
    before, after = load_file(first / "adapter_model.safetensors"), load_file(more / "adapter_model.safetensors")
    assert before.keys() == after.keys()
    assert any(not torch.equal(before[k], after[k]) for k in before), "the continued adapter did not train"
    # an adapter made for another base is refused before any training
    manifest = json.loads((first / "react_adapter.json").read_text())
    manifest["base_fingerprint"] = "gguf-sha256:0000"
    (first / "react_adapter.json").write_text(json.dumps(manifest))
    with pytest.raises(AdapterError, match="retrain it"):
        train_adapter(TrainConfig(base_model=str(tiny_lm_path), max_steps=1, batch_size=4, eval_steps=0,
                                  dtype="fp32", init_adapter=str(first)), exs, [], name="a", out_dir=tmp_path / "x")
