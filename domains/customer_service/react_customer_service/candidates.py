"""Intent candidates: MiniLM sentence embeddings and a logistic regression over the intents.

The ranked intent task combines two views of a query: this classifier's probability of
each intent (cheap, strong on wording it has seen) and the adapter's likelihood of writing
the intent's label (the language model's reading). The classifier proposes the ``k`` most
likely intents; the adapter scores only those.

The classifier is trained on the plugin's train split (Banking77 train minus validation,
plus the out-of-scope training queries) on first use and cached as ``.npz`` arrays
(no pickle, written atomically) under ``<cache>/customer_service/``, keyed by the data
files and the embedder.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from react_customer_service.intents import OUT_OF_SCOPE, dataset_dir, oos_queries, read_split

EMBEDDER = "all-MiniLM-L6-v2"
C = 10.0  # inverse regularization, as in benchmarks/customer_service_baselines.py


@dataclass(frozen=True)
class IntentClassifier:
    """Softmax regression over sentence embeddings: ``labels``, ``weights`` [labels, dim], ``bias``."""

    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    embedder: Any

    def log_probs(self, texts: list[str]) -> np.ndarray:
        """``[len(texts), len(labels)]`` log-probabilities."""
        x = np.asarray(self.embedder.embed_queries(texts), dtype=np.float64)
        z = x @ self.weights.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def top_k(self, texts: list[str], k: int) -> list[list[tuple[str, float]]]:
        """The ``k`` most likely labels of each text with their log-probabilities, best first."""
        lp = self.log_probs(texts)
        order = np.argsort(-lp, axis=1)[:, :k]
        return [[(self.labels[j], float(lp[i, j])) for j in row] for i, row in enumerate(order)]


def _fingerprint(data_dir: Path) -> str:
    h = hashlib.sha256(EMBEDDER.encode())
    for name in ("train.csv", "categories.json"):
        h.update((dataset_dir(data_dir) / name).read_bytes())
    h.update("\n".join(oos_queries("train")).encode())
    h.update(str(C).encode())
    return h.hexdigest()[:16]


def train_classifier(data_dir: Path, embedder: Any) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    rows = read_split(Path(data_dir), "train") + [(q, OUT_OF_SCOPE) for q in oos_queries("train")]
    x = np.asarray(embedder.embed_documents([t for t, _ in rows]), dtype=np.float64)
    clf = LogisticRegression(C=C, max_iter=2000).fit(x, [y for _, y in rows])
    return tuple(str(c) for c in clf.classes_), clf.coef_, clf.intercept_


def load_classifier(data_dir: Path, *, embedder: Any = None, cache: Path | None = None) -> IntentClassifier:
    """The cached classifier for ``data_dir``'s Banking77 (trained and cached on first use)."""
    from react_core import cache_dir, write_bytes_atomic
    from react_core.retrieval import load_embedder

    embedder = embedder or load_embedder(EMBEDDER)
    cache = cache or cache_dir() / "customer_service"
    path = cache / f"intent_classifier-{_fingerprint(data_dir)}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            return IntentClassifier(tuple(str(x) for x in data["labels"]), data["weights"], data["bias"], embedder)
    labels, weights, bias = train_classifier(data_dir, embedder)
    buffer = io.BytesIO()
    np.savez(buffer, labels=np.array(labels), weights=weights, bias=bias)
    write_bytes_atomic(path, buffer.getvalue())
    return IntentClassifier(labels, weights, bias, embedder)
