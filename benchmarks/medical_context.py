"""Does the shipped medical adapter answer better when it reads more of the abstract?

The ``pubmedqa`` prompt cuts the abstract's context to ``pubmedqa.CONTEXT_CHARS`` (800)
characters, keeping its end, and the adapter was trained on such prompts. This script scores the
100 validation questions with the shipped adapter at several cuts (4,000 characters is the whole
context of every validation question: the longest is 2,725), with the shipped label offsets and without.

Writes benchmarks/results/medical_context.json. The test split is not read.

    .venv/bin/python -m benchmarks.medical_context
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.results_io import write_result
from react_core import attach_adapter, load_causal_lm
from react_core.paths import data_dir
from react_medical import pubmedqa
from react_medical.evaluation import accuracy_and_macro_f1, label_scores, pick_labels
from react_medical.spec import SPEC


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--chars", default="800,1200,1600,4000", help="context cuts, comma-separated")
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()
    items = pubmedqa.read_split(data_dir(args.data_dir), "validation")
    gold = [i.label for i in items]
    loaded = load_causal_lm("gemma-3-270m")
    model = attach_adapter(loaded, Path(SPEC.adapter_path))
    rows = []
    for chars in (int(c) for c in args.chars.split(",")):
        start = time.perf_counter()
        prompts = [pubmedqa.prompt(i.question, i.contexts, max_chars=chars) for i in items]
        scores = label_scores(model, loaded.tokenizer, prompts, args.batch_size)
        rows.append({"context_chars": chars, "with_offsets": accuracy_and_macro_f1(pick_labels(scores), gold),
                     "without_offsets": accuracy_and_macro_f1(pick_labels(scores, {}), gold),
                     "seconds": round(time.perf_counter() - start, 1)})
        print(rows[-1], flush=True)
    figures = {"split": "validation", "n": len(items), "trained_at": pubmedqa.CONTEXT_CHARS,
               "dtype": loaded.device.dtype_name, "cuts": rows}
    print("written to", write_result("medical_context", figures))


if __name__ == "__main__":
    main()
