"""Banking77 intents, the splits used for training and evaluation, and the task's prompt format.

The validation split is taken out of Banking77's train file (a seeded 10 % of each intent), so
settings are chosen without touching the test file. Out-of-scope queries are written for this
project (``data/oos_train.txt``, ``data/oos_test.txt``) and carry the label ``out_of_scope``.
"""

from __future__ import annotations

import csv
import json
import random
from functools import lru_cache
from importlib import resources
from pathlib import Path

OUT_OF_SCOPE = "out_of_scope"
SPLITS = ("train", "validation", "test")
VALIDATION_SHARE = 0.1
SEED = 0


def dataset_dir(data_dir: Path) -> Path:
    """``<data_dir>/banking77``, with a clear error when it is missing."""
    path = Path(data_dir) / "banking77"
    if not (path / "train.csv").is_file():
        raise FileNotFoundError(f"Banking77 not found under {path}: expected train.csv, test.csv and "
                                "categories.json (pass --data-dir or set REACT_DATA_DIR)")
    return path


def load_labels(data_dir: Path) -> list[str]:
    """The 77 intent labels, exactly as in ``categories.json``."""
    return list(json.loads((dataset_dir(data_dir) / "categories.json").read_text(encoding="utf-8")))


def _read_csv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["text"].strip(), row["category"].strip()) for row in csv.DictReader(fh)]


def read_split(data_dir: Path, split: str) -> list[tuple[str, str]]:
    """``(text, intent)`` pairs of Banking77: ``train`` (minus validation), ``validation`` or ``test``."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS}")
    root = dataset_dir(data_dir)
    if split == "test":
        return _read_csv(root / "test.csv")
    rows = _read_csv(root / "train.csv")
    by_label: dict[str, list[int]] = {}
    for i, (_, label) in enumerate(rows):
        by_label.setdefault(label, []).append(i)
    rng = random.Random(SEED)
    held_out: set[int] = set()
    for label in sorted(by_label):
        idx = by_label[label][:]
        rng.shuffle(idx)
        held_out.update(idx[: max(1, round(len(idx) * VALIDATION_SHARE))])
    keep = (lambda i: i in held_out) if split == "validation" else (lambda i: i not in held_out)
    return [row for i, row in enumerate(rows) if keep(i)]


@lru_cache(maxsize=None)
def _data_lines(name: str) -> tuple[str, ...]:
    text = resources.files("react_customer_service").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def oos_queries(split: str) -> list[str]:
    """Out-of-scope queries written for this project: every 5th training line is validation."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS}")
    if split == "test":
        return list(_data_lines("oos_test.txt"))
    lines = _data_lines("oos_train.txt")
    return [q for i, q in enumerate(lines) if (i % 5 == 4) == (split == "validation")]


def hand_over_queries() -> list[str]:
    """Requests for a person written for this project (``data/hand_over_test.txt``), for the agent's
    hand-over figure only; training sees only the builder's ``HUMAN_REQUESTS``."""
    return list(_data_lines("hand_over_test.txt"))


def intent_prompt(text: str) -> str:
    """The direct task's prompt; the completion is ``" " + intent``."""
    return f"Customer: {' '.join(text.split())}\nIntent:"


def prompt_query(prompt: str) -> str:
    """The customer's message in an ``intent_prompt``."""
    return prompt.removeprefix("Customer: ").removesuffix("\nIntent:")


def parse_intent(generated: str) -> str:
    """The label a completion names: its first line, stripped of spaces and a final full stop."""
    lines = generated.strip().splitlines()
    first = lines[0].strip() if lines else ""
    return first[:-1] if first.endswith(".") else first
