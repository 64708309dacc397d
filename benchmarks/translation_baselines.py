"""Copy-the-source baseline for the translation plugin: BLEU/chrF when the output is the input.

Names, numbers and loanwords survive translation, so copying scores above zero; a model that
only copies (the prompted base model often does for en->de) lands here. Full test2016
(1,000 sentences per direction) and validation; no model. Writes
benchmarks/results/baselines_translation.json.

    .venv/bin/python -m benchmarks.translation_baselines
"""

from __future__ import annotations

import argparse

from react_core.paths import data_dir

from react_translation.data import read_pairs
from react_translation.evaluation import SIGNATURES, sacrebleu_scores
from react_translation.languages import DIRECTIONS

from benchmarks.results_io import write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    root = data_dir(args.data_dir)
    figures: dict = {"copy_source": {}}
    for split in ("validation", "test"):
        for src, tgt in DIRECTIONS:
            pairs = read_pairs(root, split, src, tgt)
            scores = sacrebleu_scores([s for s, _ in pairs], [t for _, t in pairs])
            figures["copy_source"][f"{split}/{src}_{tgt}"] = {**{k: round(v, 2) for k, v in scores.items()},
                                                              "n": len(pairs)}
            print(f"copy source {split} {src}->{tgt}: BLEU {scores['bleu']:.2f} chrF {scores['chrf']:.2f}")
    figures["signatures"] = dict(SIGNATURES)
    print(f"written to {write_result('baselines_translation', figures)}")


if __name__ == "__main__":
    main()
