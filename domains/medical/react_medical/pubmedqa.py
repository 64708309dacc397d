"""PubMedQA PQA-L: the 1,000 expert-labelled questions, their splits and the task's prompt.

Files (``<data_dir>/pubmedqa``, MIT, Jin et al. 2019): ``pqal_trainval_set.json`` (500) and
``pqal_test_set.json`` (500, the official test PMIDs). Splits used here:

- ``test``: the 500 official test questions;
- ``validation``: a seeded 20 % of each label of the trainval file (100 questions);
- ``train``: the other 400 trainval questions.

The prompt gives the abstract's context paragraphs (the conclusion is not part of them, as in
the paper's reasoning-required setting), cut to :data:`CONTEXT_CHARS` characters by keeping
the *end* of the abstract, where the results are (see :func:`context_text`).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELS = ("yes", "no", "maybe")
OPTIONS = tuple(f" {label}" for label in LABELS)  # one Gemma 3 token each
SPLITS = ("train", "validation", "test")
VALIDATION_SHARE = 0.2
SEED = 0
CONTEXT_CHARS = 800
FILES = {"trainval": "pqal_trainval_set.json", "test": "pqal_test_set.json"}
REQUIRED = ("QUESTION", "CONTEXTS", "final_decision")


class PubMedQAError(ValueError):
    """A PubMedQA file is missing or malformed (the message names the file and the place)."""


@dataclass(frozen=True)
class Item:
    """One PQA-L question: its PMID, question, context paragraphs, label and the authors' conclusion."""

    pmid: str
    question: str
    contexts: tuple[str, ...]
    label: str
    long_answer: str = ""
    year: str = ""
    meshes: tuple[str, ...] = ()

    @property
    def abstract(self) -> str:
        """The context paragraphs joined (what the literature index holds for this PMID)."""
        return "\n\n".join(self.contexts)


def dataset_dir(data_dir: Path) -> Path:
    """``<data_dir>/pubmedqa``, with a clear error when it is missing."""
    path = Path(data_dir) / "pubmedqa"
    if not all((path / name).is_file() for name in FILES.values()):
        raise FileNotFoundError(f"PubMedQA not found under {path}: expected {', '.join(FILES.values())} "
                                "(pass --data-dir or set REACT_DATA_DIR)")
    return path


def _parse_item(path: Path, pmid: str, raw: object) -> Item:
    if not isinstance(raw, dict):
        raise PubMedQAError(f"{path}: entry {pmid} is a {type(raw).__name__}, expected an object")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise PubMedQAError(f"{path}: entry {pmid} lacks {', '.join(missing)}")
    label = str(raw["final_decision"]).strip().lower()
    if label not in LABELS:
        raise PubMedQAError(f"{path}: entry {pmid} has final_decision {raw['final_decision']!r}; "
                            f"expected one of {', '.join(LABELS)}")
    contexts = raw["CONTEXTS"]
    if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts) or not contexts:
        raise PubMedQAError(f"{path}: entry {pmid} has CONTEXTS that is not a non-empty list of strings")
    return Item(pmid=str(pmid), question=" ".join(str(raw["QUESTION"]).split()),
                contexts=tuple(" ".join(c.split()) for c in contexts), label=label,
                long_answer=" ".join(str(raw.get("LONG_ANSWER", "")).split()), year=str(raw.get("YEAR", "")),
                meshes=tuple(str(m) for m in raw.get("MESHES", []) or []))


def read_file(path: Path) -> list[Item]:
    """Every entry of one PQA-L JSON file (an object keyed by PMID), in file order."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PubMedQAError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise PubMedQAError(f"{path}: expected a JSON object keyed by PMID, got {type(data).__name__}")
    return [_parse_item(Path(path), pmid, raw) for pmid, raw in data.items()]


@lru_cache(maxsize=8)
def _cached(path: str, mtime_ns: int) -> tuple[Item, ...]:
    return tuple(read_file(Path(path)))


def _load(data_dir: Path, which: str) -> tuple[Item, ...]:
    path = dataset_dir(data_dir) / FILES[which]
    return _cached(str(path), path.stat().st_mtime_ns)


def validation_pmids(items: tuple[Item, ...] | list[Item]) -> set[str]:
    """The seeded validation share of each label (sorted PMIDs, shuffled with :data:`SEED`)."""
    rng = random.Random(SEED)
    held_out: set[str] = set()
    for label in LABELS:
        pmids = sorted(i.pmid for i in items if i.label == label)
        rng.shuffle(pmids)
        held_out.update(pmids[: round(len(pmids) * VALIDATION_SHARE)])
    return held_out


def read_split(data_dir: Path, split: str) -> list[Item]:
    """The questions of ``split`` (``train``, ``validation`` or ``test``)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS}")
    if split == "test":
        return list(_load(data_dir, "test"))
    items = _load(data_dir, "trainval")
    held_out = validation_pmids(items)
    return [i for i in items if (i.pmid in held_out) == (split == "validation")]


def all_items(data_dir: Path) -> list[Item]:
    """All 1,000 PQA-L entries (trainval then test): the corpus of the literature index."""
    return list(_load(data_dir, "trainval")) + list(_load(data_dir, "test"))


def context_text(contexts: tuple[str, ...] | list[str], max_chars: int = CONTEXT_CHARS) -> str:
    """The abstract's paragraphs, cut to ``max_chars`` by keeping the end (the results come last).

    Paragraphs are taken from the last one backwards; the paragraph that does not fit is cut
    at a word boundary and starts with ``...``; earlier paragraphs are dropped.
    """
    kept: list[str] = []
    used = 0
    for paragraph in reversed([" ".join(c.split()) for c in contexts if c.strip()]):
        room = max_chars - used - (1 if kept else 0)
        if len(paragraph) <= room:
            kept.append(paragraph)
            used += len(paragraph) + (1 if len(kept) > 1 else 0)
            continue
        if room > 40:
            tail = paragraph[len(paragraph) - room + 4:]
            cut = tail.find(" ")
            kept.append("... " + (tail[cut + 1:] if 0 <= cut < 30 else tail))
        break
    return " ".join(reversed(kept))


def prompt(question: str, contexts: tuple[str, ...] | list[str], max_chars: int = CONTEXT_CHARS) -> str:
    """The direct task's prompt; the completion is ``" yes"``, ``" no"`` or ``" maybe"``."""
    return (f"Abstract: {context_text(contexts, max_chars)}\n"
            f"Question: {' '.join(question.split())}\n"
            "Answer (yes, no or maybe):")
