"""Readers and fixed splits for the three public data sets (read from the data directory).

- Financial PhraseBank (``financial_phrasebank/``): no official split. ``Sentences_50Agree.txt``
  (latin-1, ``sentence@label``) is deduplicated (first occurrence kept: 8 sentences repeat, 2 of
  them with a different label) and split 80/10/10 per label with ``random.Random(SPLIT_SEED)``.
  The all-agree subset of a split is its sentences that also occur in ``Sentences_AllAgree.txt``.
- Twitter financial news (``twitter_financial_news_sentiment/``): ``sent_valid.csv`` is the test
  split (as in the literature); validation is a seeded 10 % of ``sent_train.csv`` per label.
  Labels 0 bearish / 1 bullish / 2 neutral become negative / positive / neutral.
- CoNLL-2003 (``conll2003/``): ``eng.train`` / ``eng.testa`` (validation) / ``eng.testb`` (test),
  IOB1 tags read into entity spans ``(type, text)`` (tokens joined by single spaces).

Malformed lines raise :class:`DataError` naming the file and line.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPLIT_SEED = 20261129
SPLITS = ("train", "validation", "test")
LABELS = ("negative", "neutral", "positive")
TWITTER_LABELS = {"0": "negative", "1": "positive", "2": "neutral"}
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")


class DataError(ValueError):
    """A data file that cannot be read as expected; the message names the file and line."""


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")


def _read_phrasebank_file(path: Path, encoding: str) -> list[tuple[str, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (set REACT_DATA_DIR to the folder holding financial_phrasebank/)")
    rows: list[tuple[str, str]] = []
    for lineno, line in enumerate(path.read_text(encoding=encoding).splitlines(), 1):
        if not line.strip():
            continue
        sentence, sep, label = line.rpartition("@")
        label = label.strip()
        if not sep or label not in LABELS or not sentence.strip():
            raise DataError(f"{path}:{lineno}: expected 'sentence@label' with label in {LABELS}, got {line[:80]!r}")
        rows.append((sentence.strip(), label))
    return rows


def _stratified(rows: list[tuple[str, str]], seed: int, shares: tuple[float, float]) -> dict[str, list[tuple[str, str]]]:
    """Per label: shuffle with ``seed``, first ``shares[0]`` to train, next ``shares[1]`` to validation."""
    out: dict[str, list[tuple[str, str]]] = {s: [] for s in SPLITS}
    for label in LABELS:
        group = [r for r in rows if r[1] == label]
        random.Random(f"{seed}-{label}").shuffle(group)
        n_train = round(len(group) * shares[0])
        n_val = round(len(group) * shares[1])
        out["train"] += group[:n_train]
        out["validation"] += group[n_train:n_train + n_val]
        out["test"] += group[n_train + n_val:]
    for split in SPLITS:  # interleave the labels so any prefix holds all of them
        random.Random(f"{seed}-{split}").shuffle(out[split])
    return out


@lru_cache(maxsize=4)
def _phrasebank_splits(root: str) -> dict[str, list[tuple[str, str]]]:
    rows = _read_phrasebank_file(Path(root) / "financial_phrasebank" / "Sentences_50Agree.txt", "latin-1")
    seen: set[str] = set()
    unique = []
    for sentence, label in rows:
        if sentence not in seen:
            seen.add(sentence)
            unique.append((sentence, label))
    return _stratified(unique, SPLIT_SEED, (0.8, 0.1))


def phrasebank(data_dir: Path, split: str) -> list[tuple[str, str]]:
    """``(sentence, label)`` of the 50 %-agreement file in ``split`` (train / validation / test)."""
    _check_split(split)
    return list(_phrasebank_splits(str(data_dir))[split])


def phrasebank_allagree(data_dir: Path, split: str) -> list[tuple[str, str]]:
    """The sentences of ``split`` that all annotators agreed on (``Sentences_AllAgree.txt``, UTF-8)."""
    agreed = dict(_read_phrasebank_file(Path(data_dir) / "financial_phrasebank" / "Sentences_AllAgree.txt", "utf-8"))
    return [(s, agreed[s]) for s, _ in phrasebank(data_dir, split) if s in agreed]


def _read_twitter(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != ["text", "label"]:
            raise DataError(f"{path}:1: expected the header 'text,label', got {header}")
        for row in reader:
            lineno = reader.line_num
            if len(row) != 2 or row[1] not in TWITTER_LABELS or not row[0].strip():
                raise DataError(f"{path}:{lineno}: expected 'text,label' with label 0, 1 or 2, got {row!r:.80}")
            rows.append((" ".join(row[0].split()), TWITTER_LABELS[row[1]]))
    return rows


@lru_cache(maxsize=4)
def _twitter_splits(root: str) -> dict[str, list[tuple[str, str]]]:
    folder = Path(root) / "twitter_financial_news_sentiment"
    split = _stratified(_read_twitter(folder / "sent_train.csv"), SPLIT_SEED, (0.9, 0.1))
    return {"train": split["train"] + split["test"], "validation": split["validation"],
            "test": _read_twitter(folder / "sent_valid.csv")}


def twitter(data_dir: Path, split: str) -> list[tuple[str, str]]:
    """``(tweet, label)``: test = ``sent_valid.csv``; validation = a seeded 10 % of ``sent_train.csv``."""
    _check_split(split)
    return list(_twitter_splits(str(data_dir))[split])


@dataclass(frozen=True)
class Sentence:
    """One CoNLL sentence: its tokens and its entities as ``(type, text)`` in order of appearance."""

    tokens: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def iob_spans(tokens: list[str], tags: list[str]) -> list[tuple[str, str]]:
    """Entity spans from IOB1 or IOB2 tags: a span starts at ``B-X``, or at ``I-X`` after another type or ``O``."""
    spans: list[tuple[str, list[str]]] = []
    prev = "O"
    for token, tag in zip(tokens, tags):
        if tag == "O":
            prev = "O"
            continue
        prefix, _, kind = tag.partition("-")
        if prefix == "B" or prev == "O" or prev.partition("-")[2] != kind:
            spans.append((kind, [token]))
        else:
            spans[-1][1].append(token)
        prev = tag
    return [(kind, " ".join(words)) for kind, words in spans]


CONLL_FILES = {"train": "eng.train", "validation": "eng.testa", "test": "eng.testb"}


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a CoNLL-2003 file (``word POS chunk NER`` per line; ``-DOCSTART-`` lines skipped)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (set REACT_DATA_DIR to the folder holding conll2003/)")
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            sentences.append(Sentence(tuple(tokens), tuple(iob_spans(tokens, tags))))
            tokens.clear()
            tags.clear()

    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="strict").splitlines(), 1):
        if not line.strip():
            flush()
            continue
        if line.startswith("-DOCSTART-"):
            flush()
            continue
        cols = line.split()
        tag = cols[-1] if cols else ""
        kind = tag.partition("-")[2]
        if len(cols) != 4 or not (tag == "O" or (tag[:2] in ("B-", "I-") and kind in ENTITY_TYPES)):
            raise DataError(f"{path}:{lineno}: expected 'word POS chunk NER' with an IOB tag, got {line[:80]!r}")
        tokens.append(cols[0])
        tags.append(tag)
    flush()
    return sentences


@lru_cache(maxsize=6)
def _conll(root: str, split: str) -> tuple[Sentence, ...]:
    return tuple(read_conll(Path(root) / "conll2003" / CONLL_FILES[split]))


def conll(data_dir: Path, split: str) -> list[Sentence]:
    """CoNLL-2003 English: train = eng.train, validation = eng.testa, test = eng.testb."""
    _check_split(split)
    return list(_conll(str(data_dir), split))
