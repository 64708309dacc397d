"""The PubMedQA decision rule's label offsets, chosen on the validation split.

The medical adapter scores " yes", " no" and " maybe" after the prompt; left alone it answers
"yes" (the majority label) nearly always. ``react_medical.evaluation.LABEL_BIAS`` adds an offset
to each label's log-likelihood before the choice. This script scores the 100 validation
questions once with the shipped adapter (alpha 0), tries every offset pair on a grid ("yes"
stays at 0) and keeps the most accurate, the smallest offsets on ties. Because the pair is
chosen on the same 100 questions it is then scored on, it also reports a 5-fold
cross-validated accuracy of the choice (three shuffles), a fairer estimate.

Writes benchmarks/results/medical_calibration.json. The test split is not read.

    .venv/bin/python -m benchmarks.medical_calibration
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks.results_io import write_result
from react_core import attach_adapter, load_causal_lm
from react_core.paths import data_dir
from react_medical import pubmedqa
from react_medical.evaluation import accuracy_and_macro_f1, label_scores, pick_labels
from react_medical.spec import SPEC

GRID = np.round(np.arange(-4.0, 4.001, 0.25), 2)


def predict(scores: np.ndarray, bias: tuple[float, float]) -> list[str]:
    """The plugin's decision rule (``pick_labels``) with offsets ``(no, maybe)``."""
    return pick_labels(scores, {"yes": 0.0, "no": bias[0], "maybe": bias[1]})


def best_bias(scores: np.ndarray, labels: list[str]) -> tuple[float, float]:
    """The most accurate (no, maybe) offsets on the grid; ties go to the smallest |offsets|."""
    def key(bias: tuple[float, float]) -> tuple[float, float]:
        accuracy = np.mean([p == y for p, y in zip(predict(scores, bias), labels)])
        return accuracy, -abs(bias[0]) - abs(bias[1])

    return max(((float(a), float(b)) for a in GRID for b in GRID), key=key)


def cross_validated(scores: np.ndarray, labels: list[str], seeds: int = 3) -> list[float]:
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    out = []
    for seed in range(seeds):
        right = 0
        for fit, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(scores, y):
            bias = best_bias(scores[fit], list(y[fit]))
            right += sum(p == t for p, t in zip(predict(scores[held], bias), y[held]))
        out.append(round(right / len(y), 4))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    items = pubmedqa.read_split(data_dir(args.data_dir), "validation")
    labels = [i.label for i in items]
    loaded = load_causal_lm("gemma-3-270m")
    model = attach_adapter(loaded, Path(SPEC.adapter_path))
    prompts = [pubmedqa.prompt(i.question, i.contexts) for i in items]
    scores = np.array(label_scores(model, loaded.tokenizer, prompts, args.batch_size))
    bias = best_bias(scores, labels)
    figures = {"split": "validation", "n": len(items), "adapter": "the shipped react_medical/adapter", "alpha": 0.0,
               "grid": [float(GRID[0]), float(GRID[-1]), 0.25],
               "without_offsets": accuracy_and_macro_f1(predict(scores, (0.0, 0.0)), labels),
               "chosen": {"yes": 0.0, "no": bias[0], "maybe": bias[1]},
               "with_offsets": accuracy_and_macro_f1(predict(scores, bias), labels),
               "cross_validated_accuracy": cross_validated(scores, labels)}
    print(figures)
    print("written to", write_result("medical_calibration", figures))


if __name__ == "__main__":
    main()
