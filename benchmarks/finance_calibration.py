"""The finance sentiment decision rule's label offsets, chosen on the validation split.

The finance adapter (fused at the policy's alpha) scores " negative", " neutral" and " positive"
after the prompt. An offset per label, added to each label's log-likelihood before the choice
(``react_core.apply_offsets``), can undo a lean toward one label; the shipped rule uses none
(docs/domains/finance.md says why). This script scores Financial PhraseBank's validation
sentences once, tries every (negative, positive) offset pair on the core's grid ("neutral"
stays at 0) and keeps the most accurate, the smallest offsets on ties
(``react_core.best_offsets``); it also reports a 5-fold cross-validated accuracy of the choice
(three shuffles). The test split is not read.

Writes benchmarks/results/finance_calibration.json.

    .venv/bin/python -m benchmarks.finance_calibration
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.results_io import write_result
from react_core import apply_offsets, attach_adapter, best_offsets, load_causal_lm, score_continuations
from react_core.paths import data_dir
from react_core.training.calibration import cross_validated_accuracy
from react_core.training.evaluate import fused
from react_finance.data import phrasebank
from react_finance.formats import SENTIMENT_OPTIONS, classification_scores, sentiment_prompt
from react_finance.spec import SPEC

LABELS = [option.strip() for option in SENTIMENT_OPTIONS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    rows = phrasebank(data_dir(args.data_dir), "validation")
    truth = [label for _, label in rows]
    loaded = load_causal_lm("gemma-3-270m")
    model = attach_adapter(loaded, Path(SPEC.adapter_path))
    alpha = SPEC.fusion.alpha
    with fused(model, alpha):
        scores = score_continuations(model, loaded.tokenizer, [sentiment_prompt(text) for text, _ in rows],
                                     [list(SENTIMENT_OPTIONS)] * len(rows), batch_size=args.batch_size)
    chosen = best_offsets(scores, truth, LABELS, fixed="neutral")
    figures = {"split": "validation", "task": "phrasebank", "n": len(rows), "alpha": alpha,
               "adapter": "the shipped react_finance/adapter",
               "without_offsets": classification_scores(apply_offsets(scores, LABELS), truth),
               "chosen": chosen,
               "with_offsets": classification_scores(apply_offsets(scores, LABELS, chosen), truth),
               "cross_validated_accuracy": cross_validated_accuracy(scores, truth, LABELS, fixed="neutral")}
    print(figures)
    print("written to", write_result("finance_calibration", figures))


if __name__ == "__main__":
    main()
