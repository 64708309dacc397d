"""The PubMedQA decision rule's label offsets, chosen on the validation split.

The medical adapter scores " yes", " no" and " maybe" after the prompt; left alone it answers
"yes" (the majority label) nearly always. ``react_medical.evaluation.LABEL_BIAS`` adds an offset
to each label's log-likelihood before the choice. This script scores the 100 validation
questions once with the shipped adapter (alpha 0), tries every offset pair on a grid ("yes"
stays at 0) and keeps the most accurate, the smallest offsets on ties. Because the pair is
chosen on the same 100 questions it is then scored on, it also reports a 5-fold
cross-validated accuracy of the choice (three shuffles), a fairer estimate.

Writes benchmarks/results/medical_calibration.json (``--output`` names another file). The test
split is not read. ``--adapter`` scores another adapter directory the same way (a candidate
for the shipped one; see docs/domains/medical.md).

    .venv/bin/python -m benchmarks.medical_calibration [--adapter DIR --output NAME]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.results_io import write_result
from react_core import attach_adapter, best_offsets, load_causal_lm
from react_core.paths import data_dir
from react_core.training.calibration import GRID, cross_validated_accuracy
from react_medical import pubmedqa
from react_medical.evaluation import accuracy_and_macro_f1, label_scores, pick_labels
from react_medical.spec import SPEC

LABELS = list(pubmedqa.LABELS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--adapter", type=Path, default=None, help="adapter directory (default: the shipped one)")
    parser.add_argument("--context-chars", type=int, default=pubmedqa.CONTEXT_CHARS,
                        help="cut the abstract to this many characters (what the adapter was trained on)")
    parser.add_argument("--output", default="medical_calibration", help="results file name (benchmarks/results/NAME.json)")
    args = parser.parse_args()
    items = pubmedqa.read_split(data_dir(args.data_dir), "validation")
    labels = [i.label for i in items]
    loaded = load_causal_lm("gemma-3-270m")
    model = attach_adapter(loaded, args.adapter or Path(SPEC.adapter_path))
    prompts = [pubmedqa.prompt(i.question, i.contexts, max_chars=args.context_chars) for i in items]
    scores = label_scores(model, loaded.tokenizer, prompts, args.batch_size)
    chosen = best_offsets(scores, labels, LABELS, fixed="yes")
    figures = {"split": "validation", "n": len(items), "adapter": str(args.adapter) if args.adapter else "the shipped react_medical/adapter",
               "context_chars": args.context_chars, "alpha": 0.0,
               "grid": [GRID[0], GRID[-1], 0.25],
               "without_offsets": accuracy_and_macro_f1(pick_labels(scores, {}), labels),
               "chosen": chosen,
               "with_offsets": accuracy_and_macro_f1(pick_labels(scores, chosen), labels),
               "cross_validated_accuracy": cross_validated_accuracy(scores, labels, LABELS, fixed="yes")}
    print(figures)
    print("written to", write_result(args.output, figures))


if __name__ == "__main__":
    main()
