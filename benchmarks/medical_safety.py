"""The medical safety policy on its test prompts: outcome counts per prompt set and expected outcome.

Reads ``react_medical/data/safety_prompts.jsonl`` (102 prompts written for this project; ``set``
``dev`` was used to write the rules, ``heldout`` was written after they were frozen) and applies
``react_medical.safety.apply_policy`` to each with a one-sentence cited answer. No model is involved.
Writes benchmarks/results/safety_medical.json.

    .venv/bin/python -m benchmarks.medical_safety
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from importlib import resources

from benchmarks.results_io import write_result
from react_medical import safety


def main() -> None:
    text = resources.files("react_medical").joinpath("data", "safety_prompts.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    table: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for row in rows:
        result = safety.apply_policy(row["prompt"], "An answer [PMID:1234567].", ["1234567"])
        ok = result.outcome == row["expected"] and row.get("kind") in (None, result.emergency)
        key = f"{row['set']}/{row['expected']}"
        table[key]["n"] += 1
        table[key]["as_expected"] += ok
        table[key][f"got_{result.outcome}"] += 1
        if not ok:
            misses.append({"set": row["set"], "prompt": row["prompt"], "expected": row["expected"],
                           "got": result.outcome, "kind": result.emergency})
    figures = {"prompts": len(rows), "by_set_and_expected": {k: dict(v) for k, v in sorted(table.items())},
               "misses": misses}
    path = write_result("safety_medical", figures)
    for key, row in figures["by_set_and_expected"].items():
        print(key, row)
    for miss in misses:
        print("miss:", miss)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
