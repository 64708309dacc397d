"""Training the medical adapter on more of the abstract (validation only).

The shipped adapter was trained on prompts whose abstract is cut to ``pubmedqa.CONTEXT_CHARS``
(800) characters; reading more only at inference did not help (benchmarks/medical_context.py).
This script trains with the shipped adapter's command on prompts cut to ``--chars`` instead,
then scores the 100 validation questions as ``benchmarks.medical_calibration`` does (offsets
chosen on them, and cross-validated), at the same cut. The test split is not read.

    .venv/bin/python -m benchmarks.medical_long_context --chars 1600 --out /tmp/med-ctx1600

Writes benchmarks/results/medical_calibration_ctx<chars>.json.
"""

from __future__ import annotations

import argparse
import sys

from react_medical import pubmedqa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1600)
    parser.add_argument("--max-length", type=int, default=640, help="training tokens per example")
    parser.add_argument("--max-steps", type=int, default=150)
    parser.add_argument("--out", required=True, help="adapter directory")
    args = parser.parse_args()

    # The builder's prompts use pubmedqa.prompt's default cut: train on the longer one.
    pubmedqa.prompt.__defaults__ = (args.chars,)
    pubmedqa.context_text.__defaults__ = (args.chars,)
    from react_core.cli import main as react

    try:
        react(["train", "medical", "--limit", "400", "--max-steps", str(args.max_steps),
               "--set", "batch_size=8", "--set", "learning_rate=1e-3", "--set", "validation_fraction=0.02",
               "--set", "eval_steps=0", "--set", f"max_length={args.max_length}", "--set", "save_steps=1000",
               "--out", args.out])
    except SystemExit as exc:  # the command line's own exit
        if exc.code:
            raise

    from benchmarks import medical_calibration

    sys.argv = ["medical_calibration", "--adapter", args.out, "--context-chars", str(args.chars),
                "--output", f"medical_calibration_ctx{args.chars}"]
    medical_calibration.main()


if __name__ == "__main__":
    main()
