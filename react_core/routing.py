"""Routing: which installed domain(s) a query belongs to, with weights.

The router embeds each domain's description and example queries once. A query's score
for a domain is its highest cosine similarity to those texts; the weights are a softmax
of the scores divided by ``temperature``. Below ``threshold`` (best score) the base model
answers alone. Domains holding at least ``min_share`` of the weight are kept (at most
``max_domains``) and renormalized: one domain, or a runtime merge when a query spans
several. Optionally ``fit`` trains a logistic regression on embedded labelled queries
(e.g. the domains' training data); its class probabilities then replace the softmax, and
a best probability below ``prob_threshold`` sends the query to the base.

The embedder is any callable ``texts -> array [n, dim]`` with unit-norm rows, so tests
can use ``bag_of_words_embedder`` and real use the packaged MiniLM (``minilm_embedder``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from react_core.adapters.spec import AdapterSpec

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class DomainProfile:
    """What the router knows of a domain: its description and example queries."""

    name: str
    description: str
    examples: tuple[str, ...] = ()

    @classmethod
    def of(cls, spec: Any) -> DomainProfile:
        """The profile of a ``DomainSpec`` (or anything with name, description, example_queries)."""
        return cls(spec.name, spec.description, tuple(getattr(spec, "example_queries", ()) or ()))


@dataclass(frozen=True)
class Route:
    """The router's answer for one query.

    ``weights`` covers every domain (sums to 1); ``domains`` / ``shares`` are the chosen
    ones (empty: the base model answers); ``score`` is the best similarity.
    """

    query: str
    weights: dict[str, float]
    domains: tuple[str, ...]
    shares: tuple[float, ...]
    score: float

    @property
    def top(self) -> str | None:
        return self.domains[0] if self.domains else None

    def adapter_spec(self, with_adapter: Iterable[str] | None = None, *, method: str = "cat") -> str | None:
        """The ``adapter=`` value for this route: one adapter, a merge spec, or None for the base.

        Domains not in ``with_adapter`` (when given) contribute no adapter.
        """
        allowed = None if with_adapter is None else set(with_adapter)
        chosen = {d: s for d, s in zip(self.domains, self.shares) if allowed is None or d in allowed}
        if not chosen:
            return None
        if len(chosen) == 1:
            return next(iter(chosen))
        total = sum(chosen.values())
        return AdapterSpec.merge({d: s / total for d, s in chosen.items()}, method=method).key()


@dataclass
class Router:
    """Embedding-similarity router over domain profiles (see the module docstring)."""

    profiles: Sequence[DomainProfile]
    embed: Embedder
    temperature: float = 0.05
    threshold: float = 0.2
    min_share: float = 0.3
    max_domains: int = 2
    prob_threshold: float = 0.4  # with a trained classifier: best probability below it -> base
    _proto: np.ndarray = field(init=False, repr=False)
    _owner: np.ndarray = field(init=False, repr=False)
    _classifier: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.profiles:
            raise ValueError("a router needs at least one domain profile")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")
        texts, owner = [], []
        for i, p in enumerate(self.profiles):
            for text in (p.description, *p.examples):
                texts.append(text)
                owner.append(i)
        self._proto = _unit(self.embed(texts))
        self._owner = np.asarray(owner)

    @classmethod
    def from_domains(cls, domains: Iterable[Any], embed: Embedder | None = None, **kwargs: Any) -> Router:
        """A router over ``DomainSpec``-like objects; ``embed`` defaults to the packaged MiniLM."""
        return cls([DomainProfile.of(d) for d in domains], embed or minilm_embedder(), **kwargs)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """[queries, domains]: each query's best cosine similarity to each domain's texts."""
        sims = _unit(self.embed(list(queries))) @ self._proto.T
        out = np.full((len(queries), len(self.profiles)), -1.0)
        for d in range(len(self.profiles)):
            out[:, d] = sims[:, self._owner == d].max(axis=1)
        return out

    def route(self, query: str) -> Route:
        return self.route_many([query])[0]

    def route_many(self, queries: Sequence[str]) -> list[Route]:
        """Route a batch of queries (one embedding call)."""
        if not queries:
            return []
        if self._classifier is not None:
            weights = self._classifier.predict_proba(_unit(self.embed(list(queries))))
            return [self._decide(q, w, w, self.prob_threshold) for q, w in zip(queries, weights)]
        scores = self.scores(queries)
        z = scores / self.temperature
        weights = np.exp(z - z.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        return [self._decide(q, s, w, self.threshold) for q, s, w in zip(queries, scores, weights)]

    def _decide(self, query: str, scores: np.ndarray, weights: np.ndarray, threshold: float) -> Route:
        all_weights = {n: float(w) for n, w in zip(self.names, weights)}
        best = float(scores.max())
        if best < threshold:
            return Route(query, all_weights, (), (), best)
        order = [i for i in np.argsort(-weights) if weights[i] >= self.min_share][: self.max_domains]
        if not order:
            order = [int(np.argmax(weights))]
        total = float(sum(weights[i] for i in order))
        return Route(query, all_weights, tuple(self.names[i] for i in order),
                     tuple(float(weights[i]) / total for i in order), best)

    def fit(self, texts: Sequence[str], labels: Sequence[str], *, c: float = 4.0) -> Router:
        """Train a logistic-regression router on labelled queries (labels are domain names)."""
        from sklearn.linear_model import LogisticRegression

        unknown = sorted(set(labels) - set(self.names))
        if unknown:
            raise ValueError(f"labels {unknown} are not domains of this router ({', '.join(self.names)})")
        classifier = LogisticRegression(C=c, max_iter=1000)
        classifier.fit(_unit(self.embed(list(texts))), list(labels))
        order = [list(classifier.classes_).index(n) if n in classifier.classes_ else None for n in self.names]
        self._classifier = _Reordered(classifier, order)
        return self


@dataclass
class _Reordered:
    """A fitted classifier whose probability columns follow the router's domain order."""

    classifier: Any
    order: list[int | None]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = self.classifier.predict_proba(x)
        return np.stack([p[:, i] if i is not None else np.zeros(len(x)) for i in self.order], axis=1)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def minilm_embedder(model: str = "all-MiniLM-L6-v2", *, batch_size: int = 64) -> Embedder:
    """Embed with sentence-transformers on the packaged MiniLM (loaded on first call)."""
    holder: dict[str, Any] = {}

    def embed(texts: Sequence[str]) -> np.ndarray:
        if "model" not in holder:
            from sentence_transformers import SentenceTransformer

            from react_core.models.sources import resolve_model

            holder["model"] = SentenceTransformer(resolve_model(model, kind="embedder").path, device="cpu")
        return holder["model"].encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)

    return embed


_WORD = re.compile(r"\w+")


def bag_of_words_embedder(dim: int = 4096) -> Embedder:
    """A cheap deterministic embedder (hashed word counts, unit norm): for tests, not for quality."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                out[i, zlib.crc32(word.encode()) % dim] += 1.0
        return _unit(out + 1e-9)

    return embed


def routing_profiles(domains: Mapping[str, tuple[str, Sequence[str]]]) -> list[DomainProfile]:
    """Profiles from ``{name: (description, example_queries)}``."""
    return [DomainProfile(n, d, tuple(e)) for n, (d, e) in domains.items()]
