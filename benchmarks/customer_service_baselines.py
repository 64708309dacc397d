"""Cheap Banking77 baselines on the customer-service plugin's splits (what a user could pick instead).

MiniLM (all-MiniLM-L6-v2, the packaged embedder) sentence embeddings + logistic regression, and
TF-IDF + linear SVM, trained on the plugin's train split (Banking77 train minus the held-out
validation share), reported on validation and test. Writes benchmarks/results/customer_service_baselines.json.

    .venv/bin/python benchmarks/customer_service_baselines.py
"""

from __future__ import annotations

import argparse
import time

from react_core.paths import data_dir
from react_core.retrieval import load_embedder

from react_customer_service.intents import read_split

from results_io import write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    root = data_dir(args.data_dir)
    splits = {s: read_split(root, s) for s in ("train", "validation", "test")}
    texts = {s: [t for t, _ in rows] for s, rows in splits.items()}
    labels = {s: [y for _, y in rows] for s, rows in splits.items()}
    figures: dict[str, dict] = {}

    start = time.perf_counter()
    embedder = load_embedder()
    vectors = {s: embedder.embed_documents(texts[s]) for s in splits}
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(vectors["train"], labels["train"])
    figures["minilm_logreg"] = {s: round(float((clf.predict(vectors[s]) == labels[s]).mean()), 4)
                                for s in ("validation", "test")} | {"seconds": round(time.perf_counter() - start, 1)}

    start = time.perf_counter()
    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    x_train = tfidf.fit_transform(texts["train"])
    svm = LinearSVC(C=1.0).fit(x_train, labels["train"])
    figures["tfidf_linear_svm"] = {s: round(float((svm.predict(tfidf.transform(texts[s])) == labels[s]).mean()), 4)
                                   for s in ("validation", "test")} | {"seconds": round(time.perf_counter() - start, 1)}
    figures["sizes"] = {s: len(rows) for s, rows in splits.items()}
    path = write_result("customer_service_baselines", figures)
    for name, row in figures.items():
        print(name, row)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
