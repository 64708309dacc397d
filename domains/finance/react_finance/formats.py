"""The prompts the adapter is trained and evaluated on, the entity format, and the metrics.

Sentiment: ``Financial news: {text}\\nSentiment:`` followed by `` positive``, `` negative`` or
`` neutral`` (each one Gemma 3 token, so likelihood classification costs one forward pass).

Entities: ``Sentence: {text}\\nEntities:`` followed by `` PER: John Smith; ORG: Reuters`` in order
of appearance, or `` none``. :func:`parse_entities` reads that back, tolerating extra spaces
and ignoring lines after the first.

Entity-level micro-F1 (:func:`entity_prf`) compares, per sentence, the multiset of gold
``(type, text)`` pairs with the predicted one: a prediction is a true positive when the same
type and exact text is in the gold set (each gold entity matched at most once). This is
conlleval's exact-match criterion with spans replaced by their text, because a generated
answer names entities, not token offsets; it differs from conlleval only when one sentence has
the same string twice and the model finds one of them (both count it once).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from react_finance.data import ENTITY_TYPES, LABELS

SENTIMENT_OPTIONS = tuple(f" {label}" for label in LABELS)
NO_ENTITIES = "none"
_ITEM = re.compile(r"^\s*(PER|ORG|LOC|MISC)\s*:\s*(.+?)\s*$")


def sentiment_prompt(text: str) -> str:
    return f"Financial news: {' '.join(str(text).split())}\nSentiment:"


def entity_prompt(text: str) -> str:
    return f"Sentence: {' '.join(str(text).split())}\nEntities:"


def format_entities(entities: Iterable[tuple[str, str]]) -> str:
    """``PER: John Smith; ORG: Reuters``, or ``none``."""
    items = [f"{kind}: {text}" for kind, text in entities]
    return "; ".join(items) if items else NO_ENTITIES


def parse_entities(generated: str) -> list[tuple[str, str]]:
    """``(type, text)`` pairs from the first line of a generation; unreadable items are dropped."""
    line = str(generated).strip().split("\n", 1)[0].strip()
    if not line or line.lower().rstrip(".") == NO_ENTITIES:
        return []
    out = []
    for item in line.split(";"):
        match = _ITEM.match(item)
        if match:
            text = " ".join(match.group(2).split())  # no period stripping: "U.S." is an entity
            if text:
                out.append((match.group(1), text))
    return out


def parse_label(generated: str) -> str:
    """The sentiment label a generation starts with, or ``""``."""
    words = str(generated).strip().split()
    word = words[0].strip(".,;:!").lower() if words else ""
    return word if word in LABELS else ""


def entity_prf(predicted: Sequence[Iterable[tuple[str, str]]],
               gold: Sequence[Iterable[tuple[str, str]]]) -> dict[str, float]:
    """Entity-level micro precision, recall and F1 over sentences (see the module docstring)."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} sentences")
    tp = n_pred = n_gold = 0
    for p, g in zip(predicted, gold):
        pc, gc = Counter(p), Counter(g)
        tp += sum((pc & gc).values())
        n_pred += sum(pc.values())
        n_gold += sum(gc.values())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def classification_scores(predicted: Sequence[str], gold: Sequence[str],
                          labels: Sequence[str] = LABELS) -> dict[str, float]:
    """Accuracy and macro-F1 (the unweighted mean of per-label F1; an unpredicted label scores 0)."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} references")
    if not gold:
        return {"accuracy": 0.0, "macro_f1": 0.0}
    accuracy = sum(p == g for p, g in zip(predicted, gold)) / len(gold)
    f1s = []
    for label in labels:
        tp = sum(p == label and g == label for p, g in zip(predicted, gold))
        fp = sum(p == label and g != label for p, g in zip(predicted, gold))
        fn = sum(p != label and g == label for p, g in zip(predicted, gold))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"accuracy": accuracy, "macro_f1": sum(f1s) / len(f1s)}


__all__ = ["ENTITY_TYPES", "LABELS", "NO_ENTITIES", "SENTIMENT_OPTIONS", "classification_scores", "entity_prf",
           "entity_prompt", "format_entities", "parse_entities", "parse_label", "sentiment_prompt"]
