"""Does a linear probe on the model's hidden states beat the likelihood rule on PubMedQA?

The shipped rule reads the adapter's log-likelihoods of " yes" / " no" / " maybe" (plus the
validation-chosen offsets). A logistic regression on hidden states is the other cheap way to
get a classifier out of a language model with 400 labelled questions. This script extracts,
for the same prompt the ``pubmedqa`` task uses, each layer's mean-pooled and last-token
hidden state, from the base model and from the shipped adapter; for each (model, layer,
pooling) it chooses the regularisation C by 5-fold cross-validation on the train split, fits
on train, and scores the validation split, next to the shipped rule on the same questions.

Caveat: the adapter was trained on these 400 train questions, so its features are fitted on
examples it has seen (its cross-validated figures are optimistic); the base model's are not.

Writes benchmarks/results/medical_probe.json. The test split is not read.

    .venv/bin/python -m benchmarks.medical_probe
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from benchmarks.results_io import write_result
from react_core import attach_adapter, load_causal_lm
from react_core.paths import data_dir
from react_medical import pubmedqa
from react_medical.evaluation import accuracy_and_macro_f1, label_scores, pick_labels
from react_medical.spec import SPEC

LAYERS = (4, 8, 12, 15, 18)
POOLINGS = ("mean", "last")
CS = (0.001, 0.003, 0.01, 0.03, 0.1)


def hidden_features(model: Any, tokenizer: Any, prompts: list[str], batch_size: int) -> dict[tuple[int, str], Any]:
    """``{(layer, pooling): array [len(prompts), hidden]}`` for every layer in ``LAYERS``."""
    import numpy as np
    import torch

    parts: dict[tuple[int, str], list[Any]] = {(layer, p): [] for layer in LAYERS for p in POOLINGS}
    device = next(model.parameters()).device
    with torch.inference_mode():
        for start in range(0, len(prompts), batch_size):
            enc = tokenizer(prompts[start:start + batch_size], return_tensors="pt", padding=True).to(device)
            out = model(**enc, output_hidden_states=True, logits_to_keep=1)
            mask = enc["attention_mask"].unsqueeze(-1).float()
            if tokenizer.padding_side == "left":
                last = torch.full((mask.shape[0],), mask.shape[1] - 1, device=device)
            else:
                last = enc["attention_mask"].sum(1) - 1
            rows = torch.arange(mask.shape[0], device=device)
            for layer in LAYERS:
                h = out.hidden_states[layer].float()
                parts[(layer, "mean")].append(((h * mask).sum(1) / mask.sum(1)).cpu().numpy())
                parts[(layer, "last")].append(h[rows, last].cpu().numpy())
    return {key: np.concatenate(chunks) for key, chunks in parts.items()}


def probe(train_x: Any, train_y: list[str], val_x: Any, val_y: list[str]) -> dict[str, Any]:
    """C by 5-fold CV on train, fit on train, score validation."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def pipeline(c: float) -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000))

    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = {c: float(cross_val_score(pipeline(c), train_x, train_y, cv=folds).mean()) for c in CS}
    best = max(CS, key=lambda c: (cv[c], -c))
    predicted = [str(p) for p in pipeline(best).fit(train_x, train_y).predict(val_x)]
    return {"C": best, "train_cv_accuracy": cv[best], "validation": accuracy_and_macro_f1(predicted, val_y)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    root = data_dir(args.data_dir)
    splits = {s: pubmedqa.read_split(root, s) for s in ("train", "validation")}
    prompts = {s: [pubmedqa.prompt(i.question, i.contexts) for i in items] for s, items in splits.items()}
    gold = {s: [i.label for i in items] for s, items in splits.items()}
    loaded = load_causal_lm("gemma-3-270m")
    figures: dict[str, Any] = {"splits": {s: len(v) for s, v in splits.items()}, "layers": list(LAYERS),
                               "poolings": list(POOLINGS), "C_grid": list(CS), "dtype": str(loaded.device.dtype)}
    models = (("base", lambda: loaded.model), ("adapter", lambda: attach_adapter(loaded, Path(SPEC.adapter_path))))
    for name, get_model in models:  # base first: attaching the adapter wraps the loaded model
        model = get_model()
        start = time.perf_counter()
        feats = {s: hidden_features(model, loaded.tokenizer, prompts[s], args.batch_size) for s in splits}
        rows = {f"layer{layer}_{pooling}": probe(feats["train"][(layer, pooling)], gold["train"],
                                                 feats["validation"][(layer, pooling)], gold["validation"])
                for layer in LAYERS for pooling in POOLINGS}
        chosen = max(rows, key=lambda k: rows[k]["train_cv_accuracy"])
        figures[name] = {"probes": rows, "chosen_by_train_cv": chosen, "chosen": rows[chosen],
                         "seconds": round(time.perf_counter() - start, 1)}
        print(name, "chosen", chosen, rows[chosen], flush=True)
        if name == "adapter":
            scores = label_scores(model, loaded.tokenizer, prompts["validation"], 16)
            figures["adapter"]["likelihood_rule_validation"] = accuracy_and_macro_f1(pick_labels(scores), gold["validation"])
            print("likelihood rule", figures["adapter"]["likelihood_rule_validation"], flush=True)
    print("written to", write_result("medical_probe", figures))


if __name__ == "__main__":
    main()
