"""Choose the customer-service ranked task's adapter weight on the validation split.

The ranked intent task scores each of the classifier's top-5 candidate intents by
``classifier log-prob + w * adapter log-likelihood of the label``. This script computes both
parts once on the validation split (Banking77 validation share + out-of-scope validation
queries), sweeps ``w`` (0 = the MiniLM + logistic-regression classifier alone, inf = the
adapter alone choosing among the candidates) and writes
benchmarks/results/customer_service_ranked_sweep.json. Set ``ADAPTER_WEIGHT`` in
react_customer_service/evaluation.py to the best value.

    .venv/bin/python benchmarks/customer_service_ranked.py [--limit N]
"""

from __future__ import annotations

import argparse
import time

from react_core.models.loading import load_causal_lm
from react_core.paths import data_dir
from react_core.training.evaluate import attach_adapter

from react_customer_service.evaluation import (
    TOP_K,
    accuracy,
    combine,
    load_intent,
    load_out_of_scope,
    ranked_components,
)
from react_customer_service.spec import SPEC

from results_io import write_result

WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, float("inf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    root = data_dir(args.data_dir)
    loaded = load_causal_lm("gemma-3-270m")
    model = attach_adapter(loaded, SPEC.adapter_path)
    figures: dict = {"top_k": TOP_K, "split": "validation", "adapter": str(SPEC.adapter_path)}
    for task, loader in (("intent", load_intent), ("out_of_scope", load_out_of_scope)):
        examples = loader(root, "validation", args.limit)
        start = time.perf_counter()
        candidates, likelihoods = ranked_components(model, loaded.tokenizer, examples, args.batch_size)
        seconds = time.perf_counter() - start
        recall = sum(e["reference"] in [c for c, _ in cands] for e, cands in zip(examples, candidates)) / len(examples)
        sweep = {("inf" if w == float("inf") else f"{w:g}"): round(accuracy(combine(candidates, likelihoods, w), examples), 4)
                 for w in WEIGHTS}
        figures[task] = {"n": len(examples), "top_k_recall": round(recall, 4), "accuracy_by_weight": sweep,
                         "seconds": round(seconds, 1)}
        print(task, figures[task], flush=True)
    best = max(figures["intent"]["accuracy_by_weight"].items(), key=lambda kv: kv[1])
    figures["best_weight_on_intent"] = best[0]
    print("best weight on validation intent accuracy:", best)
    print("wrote", write_result("customer_service_ranked_sweep", figures))


if __name__ == "__main__":
    main()
