"""Training throughput: ReAct Core's trainer vs a plain transformers Trainer + PEFT (full logits).

Same base model, data, LoRA settings, batch size and sampler. Three settings, run in turn
(ours, ours without shared heads, plain, ours, ...):

- ours: the trainer's defaults: logits only at labelled positions (left padding, so short
  answers share positions) and a head every example of a batch starts with run once per batch;
- label logits only: the same without shared heads (what the first figure owes to each part);
- plain: the stock Trainer loss, logits over every position.

The figure is the median of per-step tokens/s (every token of every example, the shared head
counted once per example), first step of each run excluded.

    .venv/bin/python benchmarks/training_throughput.py --repeats 3
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import write_result  # noqa: E402

from react_core.paths import data_dir  # noqa: E402
from react_core.training.config import TrainConfig  # noqa: E402
from react_core.training.data import from_prompt_completion, parse_record  # noqa: E402
from react_core.training.tokenize import encode_all  # noqa: E402


INSTRUCTION = (
    "You are the support assistant of a retail bank. Read the customer's message and name the one intent it "
    "expresses, using the bank's list of 77 intents (card arrival, card activation, exchange rates, top-ups, "
    "transfers, refunds, fees, lost or stolen cards, identity checks, PIN and passcode problems, and so on). "
    "Answer with the intent's identifier only, in lower case with underscores, and nothing else. If the message "
    "matches no intent, answer out_of_scope.\n"
)


def short_answer_examples(root: Path, n: int, *, instruction: str = ""):
    with (root / "banking77" / "train.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:: max(1, 10003 // n)][:n]
    return [from_prompt_completion(f"{instruction}Customer: {r['text']}\nIntent:", f" {r['category']}") for r in rows]


def trajectory_examples(root: Path, n: int):
    path = root / "fireact_trajectories" / "hotpotqa_react_gpt_format.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [parse_record(json.loads(line)) for _, line in zip(range(n), fh)]


def agent_head_trajectories(root: Path, n: int):
    """FireAct trajectories behind the agent's prompt head, as ``fireact_hotpotqa.py train`` renders them."""
    from fireact_hotpotqa import training_records

    return [parse_record(r) for r in training_records(root)[:n]]


SETTINGS = {"ours": dict(label_logits_only=True, share_prefix=True),
            "label logits only": dict(label_logits_only=True, share_prefix=False),
            "plain": dict(label_logits_only=False, share_prefix=False)}


def run_once(loaded, examples, *, setting: str, steps: int, batch: int, max_length: int) -> list[float]:
    """Train ``steps`` steps; return tokens/s of each step after the first."""
    import torch
    from transformers import Trainer, TrainerCallback

    from react_core.training.trainer import (_Rows, build_peft_model, make_collator, make_trainer_class,
                                             training_arguments)

    cfg = TrainConfig(max_steps=steps, batch_size=batch, max_length=max_length, eval_steps=0,
                      group_by_length=True, **SETTINGS[setting])
    rows, _ = encode_all(examples, loaded.tokenizer, max_length=max_length)
    model = build_peft_model(loaded.model, cfg)
    collator = make_collator(cfg, loaded.tokenizer, loaded.model)
    times: list[float] = []
    tokens: list[int] = []

    class Clock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.t = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            times.append(time.perf_counter() - self.t)

    class CountingCollator:
        def __call__(self, batch_rows):
            out = collator(batch_rows)
            tokens.append(sum(len(r["input_ids"]) for r in batch_rows))
            return out

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        args = training_arguments(cfg, Path(tmp), has_eval=False, use_cpu=loaded.device.device == "cpu")
        args.save_strategy = "no"
        cls = make_trainer_class(True) if cfg.label_logits_only else Trainer  # plain: the stock Trainer loss
        trainer = cls(model=model, args=args, train_dataset=_Rows(rows), data_collator=CountingCollator(),
                      callbacks=[Clock()])
        trainer.train()
    model.unload()  # give the base model back without LoRA layers for the next run
    del trainer
    torch.manual_seed(0)
    return [tok / t for tok, t in zip(tokens[1:], times[1:])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()

    from react_core.models.loading import load_causal_lm

    root = data_dir(args.data_dir)
    loaded = load_causal_lm(args.model)
    loaded.model.train()
    suites = {
        "short answers (Banking77 query only, ~27 tokens)": (short_answer_examples(root, 8 * args.steps), 8, 256),
        "short answers (instruction + Banking77 query, ~115 tokens)": (
            short_answer_examples(root, 8 * args.steps, instruction=INSTRUCTION), 8, 256),
        "long answers (FireAct trajectories)": (trajectory_examples(root, 4 * args.steps), 4, 512),
        "long answers (FireAct trajectories behind the agent's prompt head)": (
            agent_head_trajectories(root, 4 * args.steps), 4, 512),
    }
    results = {}
    for name, (examples, batch, max_length) in suites.items():
        per: dict[str, list[float]] = {label: [] for label in SETTINGS}
        for _ in range(args.repeats):
            for label in SETTINGS:
                per[label].extend(run_once(loaded, examples, setting=label, steps=args.steps, batch=batch,
                                           max_length=max_length))
                print(f"{name} {label}: median {statistics.median(per[label]):.0f} tok/s", flush=True)
        ours_m, label_m, plain_m = (statistics.median(per[k]) for k in SETTINGS)
        results[name] = {"ours_tokens_per_s": round(ours_m, 1), "label_only_tokens_per_s": round(label_m, 1),
                         "plain_tokens_per_s": round(plain_m, 1), "speedup": round(ours_m / plain_m, 2),
                         "label_only_speedup": round(label_m / plain_m, 2), "batch": batch, "max_length": max_length,
                         "steps_measured": len(per["ours"]), "device": loaded.device.device,
                         "dtype": loaded.device.dtype_name}
        print(json.dumps({name: results[name]}), flush=True)
    print("wrote", write_result("training_throughput", results))


if __name__ == "__main__":
    main()
