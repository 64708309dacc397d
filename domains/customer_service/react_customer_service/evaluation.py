"""Evaluation tasks for ``react eval customer_service``.

- ``intent``: Banking77 intent accuracy (``validation``: the held-out share of train.csv;
  ``test``: test.csv). A prediction counts when its first line is exactly the label.
- ``out_of_scope``: refusal rate on out-of-scope queries written for this project: the share
  the model labels ``out_of_scope`` instead of making up an intent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import EvalTask

from react_customer_service.intents import OUT_OF_SCOPE, intent_prompt, oos_queries, parse_intent, read_split

MAX_NEW_TOKENS = 17  # the longest label is 16 Gemma 3 tokens, plus the end-of-sequence token


def load_intent(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    rows = read_split(Path(data_dir), split)
    if limit is not None:
        # a seeded, evenly spread subset so that --limit keeps every intent (rows are sorted by intent)
        step = max(1, len(rows) // limit)
        rows = rows[::step][:limit]
    return [{"prompt": intent_prompt(text), "reference": label, "text": text} for text, label in rows]


def load_out_of_scope(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    queries = oos_queries(split)[:limit]
    return [{"prompt": intent_prompt(q), "reference": OUT_OF_SCOPE, "text": q} for q in queries]


def accuracy(predictions: list[str], examples: list[dict[str, Any]]) -> float:
    """Share of predictions whose first line is exactly the reference label."""
    if len(predictions) != len(examples):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        return 0.0
    return sum(parse_intent(p) == e["reference"] for p, e in zip(predictions, examples)) / len(examples)


TASKS = (
    EvalTask("intent", "accuracy", load_intent, accuracy, max_new_tokens=MAX_NEW_TOKENS,
             published=(0.9366, "BERT-large, Casanueva et al. 2020")),
    EvalTask("out_of_scope", "refusal_rate", load_out_of_scope, accuracy, max_new_tokens=MAX_NEW_TOKENS),
)
