"""Evaluation tasks for ``react eval medical``; every prediction is by likelihood (``react_core.choose``).

- ``pubmedqa``: PQA-L, question + abstract context -> yes / no / maybe: the most likely label
  after the validation-chosen offsets ``LABEL_BIAS``. Accuracy (headline) and macro-F1, as the
  paper's ``evaluation.py`` computes them (sklearn's macro average over the labels present).
- ``pubmedqa_retrieved``: the agent setting. The abstract is not given: the question is
  searched in the index of all 1,000 abstracts (``search_literature``'s index), the top
  abstract becomes the context. Accuracy (headline), macro-F1, and the retrieval hit rate
  (gold PMID first: ``hit_at_1``; among the top ``RETRIEVAL_K``: ``hit_at_k``).
- ``medqa`` and ``medmcqa``: 4-option exam questions, the most likely letter; transfer only
  (nothing here trains on them); chance is 25 %.

``--limit N`` takes an evenly spread subset (every k-th question of the split), so the label
mix stays close to the full split's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from react_core import EvalTask, apply_offsets, choose, evenly_spread, score_continuations

from react_medical import mcq, pubmedqa

RETRIEVAL_K = 3
# Added to each label's log-likelihood before the choice: the adapter leans to "yes" (the majority
# label), and these offsets, chosen on the validation split (benchmarks/medical_calibration.py),
# undo that lean. Every setting (base, adapter, fused) is scored with the same rule.
LABEL_BIAS = {"yes": 0.0, "no": 0.5, "maybe": 0.0}


def accuracy_and_macro_f1(predicted: Sequence[str], reference: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro-F1 over the labels that occur in either list (as sklearn's ``average='macro'``)."""
    if len(predicted) != len(reference):
        raise ValueError(f"{len(predicted)} predictions for {len(reference)} examples")
    if not reference:
        return {"accuracy": 0.0, "macro_f1": 0.0}
    labels = sorted(set(predicted) | set(reference))
    f1s = []
    for label in labels:
        tp = sum(p == r == label for p, r in zip(predicted, reference))
        fp = sum(p == label != r for p, r in zip(predicted, reference))
        fn = sum(r == label != p for p, r in zip(predicted, reference))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    acc = sum(p == r for p, r in zip(predicted, reference)) / len(reference)
    return {"accuracy": acc, "macro_f1": sum(f1s) / len(f1s)}


# -- PubMedQA with the abstract given -------------------------------------------------------

def load_pubmedqa(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    return [{"prompt": pubmedqa.prompt(i.question, i.contexts), "reference": i.label, "pmid": i.pmid}
            for i in evenly_spread(pubmedqa.read_split(Path(data_dir), split), limit)]


def label_scores(model: Any, tokenizer: Any, prompts: list[str], batch_size: int,
                 progress: Callable[[int], None] | None = None) -> list[list[float]]:
    """Each prompt's log-likelihoods of " yes", " no" and " maybe" (``pubmedqa.LABELS`` order)."""
    return score_continuations(model, tokenizer, prompts, [list(pubmedqa.OPTIONS)] * len(prompts),
                               batch_size=batch_size, progress=progress)


def pick_labels(scores: Sequence[Sequence[float]], bias: dict[str, float] | None = None) -> list[str]:
    """The most likely label of each row of ``label_scores`` after adding ``bias`` (default ``LABEL_BIAS``)."""
    return apply_offsets(scores, pubmedqa.LABELS, LABEL_BIAS if bias is None else bias)


def choose_label(model: Any, tokenizer: Any, prompts: list[str], batch_size: int,
                 progress: Callable[[int], None] | None = None, *, bias: dict[str, float] | None = None) -> list[str]:
    """yes / no / maybe for each prompt: the most likely label after adding ``bias`` (default
    ``LABEL_BIAS``) to the labels' log-likelihoods."""
    return pick_labels(label_scores(model, tokenizer, prompts, batch_size, progress), bias)


def predict_label(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                  progress: Callable[[int], None] | None = None) -> list[str]:
    return choose_label(model, tokenizer, [e["prompt"] for e in examples], batch_size, progress)


def score_pubmedqa(predictions: list[str], examples: list[dict[str, Any]]) -> dict[str, float]:
    return accuracy_and_macro_f1([str(p).strip() for p in predictions], [e["reference"] for e in examples])


# -- PubMedQA, agent setting: retrieve the abstract first --------------------------------------

def load_pubmedqa_retrieved(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    return [{"prompt": i.question, "question": i.question, "reference": i.label, "pmid": i.pmid,
             "data_dir": str(data_dir)}
            for i in evenly_spread(pubmedqa.read_split(Path(data_dir), split), limit)]


def make_retrieved_predictor(embedder_factory: Callable[[], Any] | None = None,
                             index_path: Path | None = None) -> Callable[..., list[dict[str, Any]]]:
    """``predict`` for the agent setting; the index uses ``embedder_factory()`` (default: MiniLM)."""

    def predict(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        from react_medical import literature

        if not examples:
            return []
        data_dir = Path(examples[0]["data_dir"])
        embedder = embedder_factory() if embedder_factory is not None else None
        index = literature.load_or_build(data_dir, embedder=embedder, path=index_path)
        by_pmid = {i.pmid: i for i in pubmedqa.all_items(data_dir)}
        retrieved = [literature.search_pmids(index, e["question"], RETRIEVAL_K) for e in examples]
        prompts = [pubmedqa.prompt(e["question"], by_pmid[r[0]].contexts) if r else pubmedqa.prompt(e["question"], [])
                   for e, r in zip(examples, retrieved)]
        labels = choose_label(model, tokenizer, prompts, batch_size, progress)
        return [{"label": label, "retrieved": r} for label, r in zip(labels, retrieved)]

    return predict


def score_retrieved(predictions: list[dict[str, Any]], examples: list[dict[str, Any]]) -> dict[str, float]:
    scores = accuracy_and_macro_f1([p["label"] for p in predictions], [e["reference"] for e in examples])
    n = len(examples) or 1
    scores["hit_at_1"] = sum(bool(p["retrieved"]) and p["retrieved"][0] == e["pmid"]
                             for p, e in zip(predictions, examples)) / n
    scores["hit_at_k"] = sum(e["pmid"] in p["retrieved"] for p, e in zip(predictions, examples)) / n
    return scores


# -- four-option exams ------------------------------------------------------------------------

def mcq_loader(dataset: str) -> Callable[[Path, str, int | None], list[dict[str, Any]]]:
    def load(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
        return [{"prompt": mcq.prompt(q), "reference": q.answer, "id": q.id}
                for q in evenly_spread(mcq.read_split(Path(data_dir), dataset, split), limit)]

    return load


def predict_letter(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                   progress: Callable[[int], None] | None = None) -> list[str]:
    picked = choose(model, tokenizer, [e["prompt"] for e in examples], list(mcq.OPTIONS),
                    batch_size=batch_size, progress=progress)
    return [p.strip() for p in picked]


def score_letters(predictions: list[str], examples: list[dict[str, Any]]) -> float:
    if len(predictions) != len(examples):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    return sum(str(p).strip() == e["reference"] for p, e in zip(predictions, examples)) / (len(examples) or 1)


def make_tasks(embedder_factory: Callable[[], Any] | None = None, index_path: Path | None = None) -> tuple[EvalTask, ...]:
    """The domain's tasks; tests pass a small embedder and an index path of their own."""
    return (
        EvalTask("pubmedqa", "accuracy", load_pubmedqa, score_pubmedqa, predict=predict_label,
                 published=(0.681, "BioBERT, Jin et al. 2019")),
        EvalTask("pubmedqa_retrieved", "accuracy", load_pubmedqa_retrieved, score_retrieved,
                 predict=make_retrieved_predictor(embedder_factory, index_path)),
        EvalTask("medqa", "accuracy", mcq_loader("medqa"), score_letters, predict=predict_letter,
                 published=(0.676, "Flan-PaLM 540B, Singhal et al. 2023")),
        EvalTask("medmcqa", "accuracy", mcq_loader("medmcqa"), score_letters, predict=predict_letter),
    )


TASKS = make_tasks()
