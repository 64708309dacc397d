"""Batches of one prompt head vs transformers' length grouping, on a data set that mixes heads.

The data: FireAct trajectories behind the agent's prompt head, Banking77 pairs behind a long
instruction, and bare Banking77 pairs (no head), as a user who trains one adapter on all three
would have them. Two samplers, the same examples, batch size and seed:

- length: transformers' ``group_by_length`` (what ``react train`` used before);
- head: ``react_core.training.sampling.head_grouped`` (what it uses now).

Reported: the share of batches whose head the collator can run once, and the tokens the
forward pass computes in one epoch (per batch: the shared head once, plus batch size x the
longest remainder), medians over ``--orders`` seeds; with ``--epochs N`` also the wall time of
N epochs of real training on the default base, the two samplers in turn (median of N).

    .venv/bin/python benchmarks/head_grouping.py --orders 5 --epochs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import write_result  # noqa: E402
from training_throughput import INSTRUCTION, agent_head_trajectories, short_answer_examples  # noqa: E402

from react_core.paths import data_dir  # noqa: E402
from react_core.training.tokenize import Collator, encode_all  # noqa: E402


def epoch_cost(rows, order: list[int], batch: int) -> tuple[int, float]:
    """Tokens the forward pass computes over ``order`` in batches of ``batch``, and the share of
    batches that share a head."""
    collator = Collator(0, side="left", share_prefix=True)
    tokens, shared = 0, 0
    batches = [order[i:i + batch] for i in range(0, len(order), batch)]
    for b in batches:
        items = [{"input_ids": rows[i].input_ids, "labels": rows[i].labels} for i in b]
        head = collator.shared_length(items)
        tokens += head + len(b) * max(len(rows[i].input_ids) - head for i in b)
        shared += head > 0
    return tokens, shared / len(batches)


def orders(rows, batch: int, sampler: str, seed: int) -> list[int]:
    import torch
    from transformers.trainer_pt_utils import get_length_grouped_indices

    from react_core.training.sampling import head_grouped

    torch.manual_seed(seed)
    if sampler == "head":
        return head_grouped(rows, batch)
    return get_length_grouped_indices([len(r.input_ids) for r in rows], batch)


def train_epoch(loaded, rows, *, sampler: str, batch: int) -> float:
    """Seconds for one epoch of real training over ``rows`` with ``sampler`` (the trainer's loss,
    collator and settings; only the sampler differs)."""
    import tempfile

    import torch

    from react_core.training.config import TrainConfig
    from react_core.training.trainer import (_Rows, build_peft_model, make_collator, make_trainer_class,
                                             training_arguments)

    cfg = TrainConfig(epochs=1, batch_size=batch, eval_steps=0, seed=0, group_by_length=True, share_prefix=True)
    model = build_peft_model(loaded.model, cfg)
    collator = make_collator(cfg, loaded.tokenizer, loaded.model)
    trainer_class = make_trainer_class(True, group_heads=collator.min_prefix if sampler == "head" else 0)
    with tempfile.TemporaryDirectory() as tmp:
        args = training_arguments(cfg, Path(tmp), has_eval=False, use_cpu=loaded.device.device == "cpu")
        args.save_strategy = "no"
        trainer = trainer_class(model=model, args=args, train_dataset=_Rows(rows), data_collator=collator)
        start = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - start
    model.unload()  # the base model back without LoRA layers for the next run
    torch.manual_seed(0)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--per-kind", type=int, default=16, help="examples of each of the three kinds")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--max-length", type=int, default=1024)
    ap.add_argument("--orders", type=int, default=5, help="seeds for the token count")
    ap.add_argument("--epochs", type=int, default=0, help="timed epochs of real training per sampler (0: none)")
    ap.add_argument("--output", default="head_grouping", help="results file name (benchmarks/results/NAME.json)")
    args = ap.parse_args()

    from react_core.models.loading import load_causal_lm

    root = data_dir(args.data_dir)
    n = args.per_kind
    examples = (agent_head_trajectories(root, n) + short_answer_examples(root, n, instruction=INSTRUCTION)
                + short_answer_examples(root, 2 * n)[n:])
    loaded = load_causal_lm(args.model)
    rows, _ = encode_all(examples, loaded.tokenizer, max_length=args.max_length)
    result: dict = {"examples": len(rows), "batch": args.batch, "max_length": args.max_length,
                    "tokens_in_data": sum(len(r.input_ids) for r in rows)}
    for sampler in ("length", "head"):
        costs = [epoch_cost(rows, orders(rows, args.batch, sampler, seed), args.batch) for seed in range(args.orders)]
        result[sampler] = {"epoch_tokens_median": statistics.median(c[0] for c in costs),
                           "batches_sharing_a_head_median": round(statistics.median(c[1] for c in costs), 3)}
        print(sampler, result[sampler], flush=True)
    result["token_ratio_length_over_head"] = round(
        result["length"]["epoch_tokens_median"] / result["head"]["epoch_tokens_median"], 2)
    if args.epochs:
        loaded.model.train()
        seconds: dict[str, list[float]] = {"length": [], "head": []}
        for _ in range(args.epochs):
            for sampler in seconds:
                seconds[sampler].append(train_epoch(loaded, rows, sampler=sampler, batch=args.batch))
                print(sampler, f"{seconds[sampler][-1]:.0f} s", flush=True)
        for sampler, values in seconds.items():
            result[sampler]["epoch_seconds_median"] = round(statistics.median(values), 1)
            result[sampler]["epoch_seconds"] = [round(v, 1) for v in values]
        result["time_ratio_length_over_head"] = round(
            result["length"]["epoch_seconds_median"] / result["head"]["epoch_seconds_median"], 2)
        result["device"] = loaded.device.device
    print("wrote", write_result(args.output, result))


if __name__ == "__main__":
    main()
