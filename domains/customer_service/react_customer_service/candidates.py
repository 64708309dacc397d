"""The intent classifier: MiniLM sentence embeddings plus word and character TF-IDF, and a
logistic regression over the 77 intents and ``out_of_scope``.

It is the plugin's strongest intent detector (the ``intent_classifier`` and
``out_of_scope_classifier`` evaluation tasks; docs/domains/customer_service.md has the
figures) and proposes candidates for the ranked combination with the adapter
(``evaluation.ranked_components``). The features were chosen on the validation split: the
embedding alone, scaled by ``EMBED_WEIGHT``, next to TF-IDF of word 1-2-grams and of character
2-5-grams within words, which catch the wording (``top up``, ``PIN``) that the sentence
embedding blurs.

It is trained on the plugin's train split (Banking77 train minus validation, plus the
out-of-scope training queries) on first use and cached as ``.npz`` arrays (no pickle, written
atomically) under ``<cache>/customer_service/``, keyed by the data files, the embedder and
the feature settings.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from react_customer_service.intents import OUT_OF_SCOPE, dataset_dir, oos_queries, read_split

log = logging.getLogger(__name__)

EMBEDDER = "all-MiniLM-L6-v2"
C = 10.0  # inverse regularization (validation split)
EMBED_WEIGHT = 2.0  # the embedding's scale next to the unit-norm TF-IDF blocks (validation split)
WORDS = {"ngram_range": (1, 2), "sublinear_tf": True}
CHARS = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}
FEATURES = f"emb*{EMBED_WEIGHT}+words{WORDS['ngram_range']}+chars{CHARS['ngram_range']}"


def _vectorizer(settings: dict[str, Any], terms: np.ndarray | None = None, idf: np.ndarray | None = None) -> Any:
    """A TF-IDF vectorizer with ``settings``; rebuilt from saved ``terms`` and ``idf`` when given."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    fixed = {k: v for k, v in settings.items() if k != "min_df"}
    if terms is None:
        return TfidfVectorizer(**settings)
    vec = TfidfVectorizer(**fixed, vocabulary={str(t): i for i, t in enumerate(terms)})
    vec.idf_ = np.asarray(idf, dtype=np.float64)
    return vec


def _features(embedder: Any, words: Any, chars: Any, texts: list[str]) -> Any:
    """The classifier's input: [embedding x EMBED_WEIGHT, word TF-IDF, char TF-IDF], one sparse row per text."""
    from scipy.sparse import csr_matrix, hstack

    x = np.asarray(embedder.embed_queries(texts), dtype=np.float64) * EMBED_WEIGHT
    return hstack([csr_matrix(x), words.transform(texts), chars.transform(texts)]).tocsr()


def _terms(vec: Any) -> np.ndarray:
    return np.array(sorted(vec.vocabulary_, key=vec.vocabulary_.get))


@dataclass(frozen=True)
class IntentClassifier:
    """Softmax regression over [embedding, word TF-IDF, char TF-IDF]: ``labels``, ``weights``
    [labels, features], ``bias``, the two vectorizers and the embedder."""

    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    words: Any
    chars: Any
    embedder: Any

    def features(self, texts: list[str]) -> Any:
        return _features(self.embedder, self.words, self.chars, texts)

    def log_probs(self, texts: list[str]) -> np.ndarray:
        """``[len(texts), len(labels)]`` log-probabilities."""
        z = np.asarray(self.features(texts) @ self.weights.T, dtype=np.float64) + self.bias
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def top_k(self, texts: list[str], k: int) -> list[list[tuple[str, float]]]:
        """The ``k`` most likely labels of each text with their log-probabilities, best first."""
        lp = self.log_probs(texts)
        order = np.argsort(-lp, axis=1)[:, :k]
        return [[(self.labels[j], float(lp[i, j])) for j in row] for i, row in enumerate(order)]

    def predict(self, texts: list[str]) -> list[str]:
        return [row[0][0] for row in self.top_k(texts, 1)]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, labels=np.array(self.labels), weights=self.weights.astype(np.float32), bias=self.bias,
                 word_terms=_terms(self.words), word_idf=self.words.idf_,
                 char_terms=_terms(self.chars), char_idf=self.chars.idf_)
        return buffer.getvalue()

    @classmethod
    def from_npz(cls, data: Any, embedder: Any) -> IntentClassifier:
        return cls(tuple(str(x) for x in data["labels"]), np.asarray(data["weights"], dtype=np.float64),
                   data["bias"], _vectorizer(WORDS, data["word_terms"], data["word_idf"]),
                   _vectorizer(CHARS, data["char_terms"], data["char_idf"]), embedder)


def _fingerprint(data_dir: Path) -> str:
    h = hashlib.sha256(EMBEDDER.encode())
    for name in ("train.csv", "categories.json"):
        h.update((dataset_dir(data_dir) / name).read_bytes())
    h.update("\n".join(oos_queries("train")).encode())
    h.update(f"{C} {FEATURES}".encode())
    return h.hexdigest()[:16]


def train_classifier(data_dir: Path, embedder: Any) -> IntentClassifier:
    from sklearn.linear_model import LogisticRegression

    rows = read_split(Path(data_dir), "train") + [(q, OUT_OF_SCOPE) for q in oos_queries("train")]
    texts = [t for t, _ in rows]
    words, chars = _vectorizer(WORDS).fit(texts), _vectorizer(CHARS).fit(texts)
    clf = LogisticRegression(C=C, max_iter=3000).fit(_features(embedder, words, chars, texts), [y for _, y in rows])
    weights = clf.coef_.astype(np.float32).astype(np.float64)  # what the cache keeps, so fresh == cached
    return IntentClassifier(tuple(str(c) for c in clf.classes_), weights, clf.intercept_, words, chars, embedder)


def load_classifier(data_dir: Path, *, embedder: Any = None, cache: Path | None = None) -> IntentClassifier:
    """The cached classifier for ``data_dir``'s Banking77 (trained and cached on first use)."""
    from react_core import cache_dir, write_bytes_atomic
    from react_core.retrieval import load_embedder

    embedder = embedder or load_embedder(EMBEDDER)
    cache = cache or cache_dir() / "customer_service"
    path = cache / f"intent_classifier-{_fingerprint(data_dir)}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            return IntentClassifier.from_npz(data, embedder)
    log.info("customer_service: training the intent classifier on %s (first use; cached at %s)",
             dataset_dir(data_dir), path)
    classifier = train_classifier(data_dir, embedder)
    write_bytes_atomic(path, classifier.to_bytes())
    return classifier


class ClassifierUnavailable(RuntimeError):
    """The intent classifier could not be loaded (the message says why)."""


class LazyClassifier:
    """An ``IntentClassifier`` loaded on first ``get()`` and shared after (thread-safe).

    The tool ``classify_intent`` and the out-of-scope guard of one agent share one, so MiniLM
    is loaded once. When loading fails (no Banking77 in the data directory to train it on) the
    failure is kept, logged once, and every ``get()`` raises ``ClassifierUnavailable``."""

    def __init__(self, load: IntentClassifier | Callable[[], IntentClassifier]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: IntentClassifier | None = None
        self._why: str | None = None

    def get(self) -> IntentClassifier:
        with self._lock:
            if self._value is None and self._why is None:
                try:
                    self._value = self._load() if callable(self._load) else self._load
                except Exception as exc:  # noqa: BLE001 - no classifier: callers go on without one
                    self._why = f"{type(exc).__name__}: {exc}"
                    log.warning("customer_service: the intent classifier is not available (%s)", self._why)
        if self._value is None:
            raise ClassifierUnavailable(self._why)
        return self._value

    def warm(self) -> bool:
        """Load it now (when the agent is built, not inside its first run, whose wall-clock limit
        would count the first use's training); False when it is unavailable."""
        try:
            self.get()
        except ClassifierUnavailable:
            return False
        return True


def default_classifier() -> LazyClassifier:
    """The classifier for the data directory's Banking77 (``react_core.data_dir()``), on first use."""
    from react_core import data_dir

    return LazyClassifier(lambda: load_classifier(data_dir()))
