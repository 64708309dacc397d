"""Cheap baselines for the medical plugin's tasks (what a user could pick instead of the LM).

PubMedQA (the plugin's splits: train 400 / validation 100 / test 500):
- majority class of the training split;
- TF-IDF (1-2 grams) + logistic regression on question + abstract context (the same cut
  context the LM prompt shows), trained on the train split;
Retrieval for the agent setting (question -> its abstract among all 1,000):
- hit@1 and hit@3 of the literature index searched keyword-only (BM25), dense-only (MiniLM)
  and hybrid (RRF of both, what ``search_literature`` uses);
MedQA / MedMCQA: chance (25 %) and the most frequent answer letter of MedMCQA's validation share.

Writes benchmarks/results/baselines_medical.json.

    .venv/bin/python -m benchmarks.medical_baselines
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from react_core.paths import data_dir

from benchmarks.results_io import write_result
from react_medical import literature, mcq, pubmedqa
from react_medical.evaluation import accuracy_and_macro_f1


def _round(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in scores.items()}


def pubmedqa_baselines(root) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    splits = {s: pubmedqa.read_split(root, s) for s in pubmedqa.SPLITS}
    labels = {s: [i.label for i in items] for s, items in splits.items()}
    majority = Counter(labels["train"]).most_common(1)[0][0]
    figures = {"majority_class": {"label": majority} | {
        s: _round(accuracy_and_macro_f1([majority] * len(labels[s]), labels[s])) for s in ("validation", "test")}}
    texts = {s: [f"{i.question} {pubmedqa.context_text(i.contexts)}" for i in items] for s, items in splits.items()}
    start = time.perf_counter()
    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    clf = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    clf.fit(tfidf.fit_transform(texts["train"]), labels["train"])
    figures["tfidf_logreg"] = {s: _round(accuracy_and_macro_f1(list(clf.predict(tfidf.transform(texts[s]))),
                                                               labels[s])) for s in ("validation", "test")}
    figures["tfidf_logreg"]["seconds"] = round(time.perf_counter() - start, 1)
    figures["sizes"] = {s: len(items) for s, items in splits.items()}
    return figures


def retrieval_baselines(root, k: int = 3) -> dict:
    start = time.perf_counter()
    index = literature.load_or_build(root)
    figures: dict = {"index_seconds": round(time.perf_counter() - start, 1), "chunks": len(index), "k": k}
    for split in ("validation", "test"):
        items = pubmedqa.read_split(root, split)
        for mode in ("keyword", "dense", "hybrid"):
            start = time.perf_counter()
            found = [literature.search_pmids(index, i.question, k, mode=mode) for i in items]
            figures[f"{split}_{mode}"] = {
                "hit_at_1": round(sum(bool(f) and f[0] == i.pmid for f, i in zip(found, items)) / len(items), 4),
                f"hit_at_{k}": round(sum(i.pmid in f for f, i in zip(found, items)) / len(items), 4),
                "n": len(items), "seconds": round(time.perf_counter() - start, 1)}
    return figures


def mcq_baselines(root) -> dict:
    val = mcq.read_split(root, "medmcqa", "validation")
    letter = Counter(q.answer for q in val).most_common(1)[0][0]
    out = {"chance": 0.25, "frequent_letter": letter}
    for name in ("medqa", "medmcqa"):
        test = mcq.read_split(root, name, "test")
        out[f"{name}_frequent_letter_test"] = round(sum(q.answer == letter for q in test) / len(test), 4)
        out[f"{name}_n_test"] = len(test)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    root = data_dir(args.data_dir)
    figures = {"pubmedqa": pubmedqa_baselines(root), "retrieval": retrieval_baselines(root),
               "exams": mcq_baselines(root)}
    path = write_result("baselines_medical", figures)
    for name, row in figures.items():
        print(name, row)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
