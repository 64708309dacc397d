"""Evaluation tasks for ``react eval customer_service``.

- ``intent``: Banking77 intent accuracy (``validation``: the held-out share of train.csv;
  ``test``: test.csv). A prediction counts when its first line is exactly the label. Also
  ``refused``: the share of these banking queries labelled ``out_of_scope``.
- ``out_of_scope``: refusal rate on out-of-scope queries written for this project: the share
  the model labels ``out_of_scope`` instead of making up an intent.
- ``intent_classifier`` / ``out_of_scope_classifier``: the same two measures for the plugin's
  intent classifier (``candidates.py``: MiniLM embeddings + TF-IDF, logistic regression). The
  language model is not used, so the figure is the same in every setting.

``ranked_components`` / ``combine`` answer by ranking instead: a MiniLM + logistic-regression
classifier (``candidates.py``) proposes the ``TOP_K`` most likely intents, scored by the
classifier's log-probability plus a weight times the adapter's log-likelihood of the label.
``benchmarks/customer_service_ranked.py`` swept the weight on the validation split: 94.52 % at
0, 94.62 % at 0.05 (one question: noise), 90.9 % at 1, 73.5 % for the adapter alone among the
candidates, so no ranked task is registered: it would be the classifier with the adapter
(nearly) switched off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from react_core import EvalTask, score_continuations

from react_customer_service.intents import OUT_OF_SCOPE, intent_prompt, oos_queries, parse_intent, read_split

MAX_NEW_TOKENS = 17  # the longest label is 16 Gemma 3 tokens, plus the end-of-sequence token
TOP_K = 5  # candidates the classifier proposes (its top-5 holds the right intent ~99 % of the time)
ADAPTER_WEIGHT = 0.0  # the validation sweep (benchmarks/customer_service_ranked.py): 0.05 is one question better, noise


def load_intent(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    rows = read_split(Path(data_dir), split)
    if limit is not None:
        # every k-th row (k = len // limit) so that --limit keeps every intent (rows are sorted by
        # intent); not react_core.evenly_spread, whose k is fractional: the recorded runs used this one
        step = max(1, len(rows) // limit)
        rows = rows[::step][:limit]
    return [{"prompt": intent_prompt(text), "reference": label, "text": text, "data_dir": str(data_dir)}
            for text, label in rows]


def load_out_of_scope(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    queries = oos_queries(split)[:limit]
    return [{"prompt": intent_prompt(q), "reference": OUT_OF_SCOPE, "text": q, "data_dir": str(data_dir)}
            for q in queries]


def ranked_components(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                      progress: Any = None, *, classifier: Any = None) -> tuple[list[list[tuple[str, float]]],
                                                                                  list[list[float]]]:
    """For each example: the classifier's top candidates ``(label, log-prob)`` and the model's
    log-likelihood of writing each candidate label after the prompt."""
    from react_customer_service.candidates import load_classifier

    classifier = classifier or load_classifier(Path(examples[0]["data_dir"]))
    candidates = classifier.top_k([e["text"] for e in examples], TOP_K)
    likelihoods = score_continuations(model, tokenizer, [e["prompt"] for e in examples],
                                      [[" " + label for label, _ in c] for c in candidates],
                                      batch_size=batch_size, progress=progress)
    return candidates, likelihoods


def combine(candidates: list[list[tuple[str, float]]], likelihoods: list[list[float]], weight: float) -> list[str]:
    """The best candidate by classifier log-prob + ``weight`` x model log-likelihood
    (``weight=inf``: the model alone chooses among the candidates)."""
    out = []
    for cands, lls in zip(candidates, likelihoods):
        if weight == float("inf"):
            best = max(range(len(cands)), key=lambda j: lls[j])
        else:
            best = max(range(len(cands)), key=lambda j: cands[j][1] + weight * lls[j])
        out.append(cands[best][0])
    return out


def predict_ranked(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                   progress: Any = None) -> list[str]:
    candidates, likelihoods = ranked_components(model, tokenizer, examples, batch_size, progress)
    return combine(candidates, likelihoods, ADAPTER_WEIGHT)


def predict_with_classifier(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                            progress: Any = None, *, classifier: Any = None) -> list[str]:
    """The intent classifier's top label for each example (the model is not used)."""
    from react_customer_service.candidates import load_classifier

    classifier = classifier or load_classifier(Path(examples[0]["data_dir"]))
    predictions: list[str] = []
    for start in range(0, len(examples), 256):
        chunk = examples[start:start + 256]
        predictions += classifier.predict([e["text"] for e in chunk])
        if progress is not None:
            progress(len(chunk))
    return predictions


def accuracy(predictions: list[str], examples: list[dict[str, Any]]) -> float:
    """Share of predictions whose first line is exactly the reference label."""
    if len(predictions) != len(examples):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        return 0.0
    return sum(parse_intent(p) == e["reference"] for p, e in zip(predictions, examples)) / len(examples)


def intent_scores(predictions: list[str], examples: list[dict[str, Any]]) -> dict[str, float]:
    """``accuracy`` and ``refused``: the share of these (in-scope) queries labelled ``out_of_scope``,
    which the agent's out-of-scope guard would turn away (``scope.py``)."""
    refused = sum(parse_intent(p) == OUT_OF_SCOPE for p in predictions) / len(predictions) if predictions else 0.0
    return {"accuracy": accuracy(predictions, examples), "refused": refused}


TASKS = (
    EvalTask("intent", "accuracy", load_intent, intent_scores, max_new_tokens=MAX_NEW_TOKENS,
             published=(0.9366, "BERT-large, Casanueva et al. 2020")),
    EvalTask("out_of_scope", "refusal_rate", load_out_of_scope, accuracy, max_new_tokens=MAX_NEW_TOKENS),
    EvalTask("intent_classifier", "accuracy", load_intent, intent_scores, predict=predict_with_classifier,
             published=(0.9366, "BERT-large, Casanueva et al. 2020"), uses_model=False),
    EvalTask("out_of_scope_classifier", "refusal_rate", load_out_of_scope, accuracy, predict=predict_with_classifier,
             uses_model=False),
)
