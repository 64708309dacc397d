"""Four-option medical exam questions: MedQA-USMLE and the MedMCQA single-answer subset.

Neither data set has a training split here (``<data_dir>/medqa_usmle/test.jsonl``, 1,273
questions; ``<data_dir>/medmcqa/test.jsonl``, 2,816 questions from MedMCQA's dev set), so
both are reported as *transfer*: nothing is trained on them.

Splits:

- MedMCQA ``validation``: a seeded :data:`VALIDATION_SIZE` questions of the file;
  MedMCQA ``test``: the rest (2,616).
- MedQA ``test``: all 1,273 questions (the official US 4-option test split). MedQA has no
  split to spare, so its ``validation`` borrows MedMCQA's held-out questions: a setting is
  never chosen on the MedQA test questions.

The answer is read by likelihood over the option letters (`` A`` ... `` D``, one token each).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LETTERS = ("A", "B", "C", "D")
OPTIONS = tuple(f" {letter}" for letter in LETTERS)
SPLITS = ("validation", "test")
VALIDATION_SIZE = 200
SEED = 0
DATASETS = {"medqa": ("medqa_usmle", "MedQA-USMLE"), "medmcqa": ("medmcqa", "MedMCQA")}


class MCQError(ValueError):
    """A question file is missing or malformed (the message names the file and line)."""


@dataclass(frozen=True)
class Question:
    """One 4-option question: ``answer`` is the letter of the correct option."""

    id: str
    question: str
    options: tuple[str, str, str, str]
    answer: str


def _parse_line(path: Path, lineno: int, line: str) -> Question:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MCQError(f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(raw, dict):
        raise MCQError(f"{path}:{lineno}: expected a JSON object, got {type(raw).__name__}")
    missing = [k for k in ("question", "options", "answer_idx") if k not in raw]
    if missing:
        raise MCQError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
    options = raw["options"]
    if not isinstance(options, dict) or sorted(options) != list(LETTERS):
        raise MCQError(f"{path}:{lineno}: options must be an object with keys A, B, C, D, "
                       f"got {sorted(options) if isinstance(options, dict) else type(options).__name__}")
    answer = str(raw["answer_idx"]).strip().upper()
    if answer not in LETTERS:
        raise MCQError(f"{path}:{lineno}: answer_idx {raw['answer_idx']!r} is not one of A, B, C, D")
    return Question(id=str(raw.get("realidx", lineno)), question=" ".join(str(raw["question"]).split()),
                    options=tuple(" ".join(str(options[k]).split()) for k in LETTERS),  # type: ignore[arg-type]
                    answer=answer)


def read_jsonl(path: Path) -> list[Question]:
    """Every question of a JSON Lines file (blank lines skipped)."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return [_parse_line(path, n, line) for n, line in enumerate(fh, start=1) if line.strip()]


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> tuple[Question, ...]:
    return tuple(read_jsonl(Path(path)))


def _load(data_dir: Path, dataset: str) -> tuple[Question, ...]:
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; use one of {sorted(DATASETS)}")
    folder, name = DATASETS[dataset]
    path = Path(data_dir) / folder / "test.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{name} not found: expected {path} (pass --data-dir or set REACT_DATA_DIR)")
    return _cached(str(path), path.stat().st_mtime_ns)


def _held_out(n: int) -> set[int]:
    rng = random.Random(SEED)
    return set(rng.sample(range(n), min(VALIDATION_SIZE, n // 2)))


def read_split(data_dir: Path, dataset: str, split: str) -> list[Question]:
    """The questions of ``dataset`` (``medqa`` or ``medmcqa``) for ``split`` (see the module doc)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS} (these data sets have no train split)")
    if dataset == "medqa" and split == "test":
        return list(_load(data_dir, "medqa"))
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; use one of {sorted(DATASETS)}")
    questions = _load(data_dir, "medmcqa")
    held = _held_out(len(questions))
    return [q for i, q in enumerate(questions) if (i in held) == (split == "validation")]


def prompt(q: Question) -> str:
    """``Question: ...`` then the four options and ``Answer:``; the completion is `` A`` ... `` D``."""
    lines = [f"Question: {q.question}"] + [f"{letter}. {text}" for letter, text in zip(LETTERS, q.options)]
    return "\n".join(lines) + "\nAnswer:"
