"""Who scores sentiment and finds entities: the model with the adapter, or the rule-based fallback.

Both analyzers have the same two batch methods, so the tools and ``react finance monitor`` take
either:

- :class:`ModelAnalyzer` runs the domain's prompts through any ``GenerationBackend`` (the
  runtime's batched engine: ``ModelAnalyzer(runtime.engine, runtime.adapter_for("finance"))``).
  Requests are submitted together when the backend can queue (``submit``), so they decode as
  one batch. Sentiment is the greedy first word, which with single-token labels is the most
  likely label among all tokens (evaluation compares the three labels' likelihoods instead).
- :class:`LexiconAnalyzer` uses :mod:`react_finance.lexicon` (no model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from react_finance.formats import entity_prompt, parse_entities, parse_label, sentiment_prompt
from react_finance.lexicon import lexicon_entities, lexicon_sentiment

ENTITY_TOKENS = 64
CHUNK = 128


class Analyzer(Protocol):
    name: str

    def sentiments(self, texts: Sequence[str]) -> list[str]: ...

    def entities(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]: ...


class LexiconAnalyzer:
    """Rule-based sentiment and entities (see :mod:`react_finance.lexicon`)."""

    name = "lexicon"

    def sentiments(self, texts: Sequence[str]) -> list[str]:
        return [lexicon_sentiment(t)[0] for t in texts]

    def entities(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        return [lexicon_entities(t) for t in texts]


class ModelAnalyzer:
    """The domain's prompts on a generation backend, with ``adapter`` (None: the base model)."""

    name = "model"

    def __init__(self, backend: Any, adapter: Any = None) -> None:
        self.backend = backend
        self.adapter = adapter

    def _complete(self, prompts: Sequence[str], max_new_tokens: int) -> list[str]:
        kwargs = {"stop": ["\n"], "max_new_tokens": max_new_tokens, "adapter": self.adapter}
        if hasattr(self.backend, "submit"):  # queue a chunk at a time, below the engine's queue limit
            out: list[str] = []
            for start in range(0, len(prompts), CHUNK):
                handles = [self.backend.submit(p, **kwargs) for p in prompts[start:start + CHUNK]]
                out.extend(h.result().text for h in handles)
            return out
        return [self.backend.generate(p, **kwargs).text for p in prompts]

    def sentiments(self, texts: Sequence[str]) -> list[str]:
        return [parse_label(t) or "neutral" for t in self._complete([sentiment_prompt(x) for x in texts], 2)]

    def entities(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        return [parse_entities(t) for t in self._complete([entity_prompt(x) for x in texts], ENTITY_TOKENS)]
