"""Fit the LM stage's weight on validation users and measure every stage on them (real model).

Loads the default base with the shipped recommendation adapter (alpha 0), scores stage 1's top
20 candidates of a seeded subset of validation users with the adapter (" Yes" vs " No"), and
chooses ``lm_weight`` (grid 0.0-2.0, step 0.1) by NDCG@10. Reports, on the same users:
popularity, item-kNN, stage 1, LM only (top 20 ordered by the LM) and the final ranking.
Heavy (about 1.5 s per user on two CPU cores): run under the lock.

    flock /tmp/react-heavy.lock .venv/bin/python -m benchmarks.recommendation_lm_stage --users 80 --write-ranker
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from react_core import data_dir

from react_recommendation.evaluation import load_ranking, recommender, score_ranking
from react_recommendation.lm import interest_scores
from react_recommendation.ranker import DEFAULT_PATH, RankerWeights

from benchmarks.results_io import write_result

GRID = [round(0.1 * i, 1) for i in range(21)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--users", type=int, default=80)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--write-ranker", action="store_true")
    args = parser.parse_args()
    from react_core.models.loading import load_causal_lm
    from react_core.training.evaluate import attach_adapter

    from react_recommendation.spec import SPEC

    root = data_dir(args.data_dir)
    examples = load_ranking(root, "validation", args.users)
    rec = recommender(str(root.resolve()), "validation", None)
    prepared = [rec.prepare(e["case"]) for e in examples]
    loaded = load_causal_lm("gemma-3-270m")
    if SPEC.adapter_path is None:
        raise SystemExit("the package ships no adapter; train one first")
    model = attach_adapter(loaded, SPEC.adapter_path)
    start = time.perf_counter()
    prompts = [q for p in prepared for q in p.prompts]
    flat = interest_scores(model, loaded.tokenizer, prompts, batch_size=args.batch_size)
    seconds = time.perf_counter() - start
    k = rec.weights.top_k
    lm = [flat[i * k:(i + 1) * k] for i in range(len(prepared))]
    by_weight = {}
    for w in GRID:
        preds = [p.rankings(s, w) for p, s in zip(prepared, lm)]
        by_weight[w] = score_ranking(preds, examples)
    best = max(GRID, key=lambda w: (round(by_weight[w]["ndcg@10"], 10), -w))
    figures = {
        "split": "validation", "users": len(examples), "top_k": k, "forwards": len(prompts),
        "lm_seconds": round(seconds, 1), "prompts_per_second": round(len(prompts) / seconds, 2),
        "lm_weight": best, "at_best": {m: round(v, 4) for m, v in by_weight[best].items()},
        "sweep_ndcg@10": {str(w): round(by_weight[w]["ndcg@10"], 4) for w in GRID},
        "adapter": str(SPEC.adapter_path), "alpha": 0.0,
    }
    if args.write_ranker:
        weights = RankerWeights.load(DEFAULT_PATH)
        weights.lm_weight = best
        weights.notes = dict(weights.notes, lm_weight=f"grid 0-2 by NDCG@10 on {len(examples)} validation users "
                                                      "(benchmarks/recommendation_lm_stage.py), adapter alpha 0")
        print("ranker written to", weights.save(DEFAULT_PATH))
    path = write_result("lm_stage_recommendation", figures)
    for name, value in figures.items():
        print(name, value)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
