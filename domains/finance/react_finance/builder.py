"""Training data: sentiment and entity pairs (one adapter for both tasks) plus ReAct trajectories.

``build_training_data(data_dir)`` yields records in the core's formats, interleaved so that any
prefix (``react train --limit N``) holds every kind in the same proportions: in each block of
four, two CoNLL-2003 entity pairs, one Financial PhraseBank and one Twitter sentiment pair, with
a trajectory after every ``trajectory_every`` pairs until they run out.

- ``{"prompt": "Financial news: ...\\nSentiment:", "completion": " negative"}`` for the train
  splits of both sentiment sets (validation and test held out, see :mod:`react_finance.data`);
- ``{"prompt": "Sentence: ...\\nEntities:", "completion": " PER: John Smith; ORG: Reuters"}``
  for eng.train sentences;
- ``{"messages": [...]}`` ReAct trajectories whose observations come from the real tools:
  ``search_news`` passages are the knowledge base's chunks (as the index chunks them),
  ``entities`` and ``sentiment`` observations are the tools' own output without a model
  (the rule-based fallback, which is what the tools answer inside ``react chat``); a
  sentiment trajectory is kept only where that output agrees with the gold label.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from itertools import zip_longest
from pathlib import Path
from typing import Any

from react_finance.analyzer import LexiconAnalyzer
from react_finance.data import conll, phrasebank, twitter
from react_finance.formats import entity_prompt, format_entities, sentiment_prompt
from react_finance.tools import entities_text, sentiment_text

READING = re.compile(r"Market reading: (positive|negative|neutral)\.")


def knowledge_dir() -> Path:
    """The news documents shipped with the package."""
    return Path(str(resources.files("react_finance").joinpath("knowledge")))


@lru_cache(maxsize=1)
def news_chunks() -> tuple[Any, ...]:
    """The knowledge chunks exactly as the index holds them (same loader, same chunking)."""
    from react_core.retrieval import chunk_documents, load_documents

    return tuple(chunk_documents(load_documents([knowledge_dir()]), domain="finance"))


def _company(title: str) -> str:
    """The company a news item is about: the capitalised words its headline starts with."""
    headline = title.split(" > ")[-1]
    words = []
    for word in headline.split():
        if not word[:1].isupper():
            break
        words.append(word)
    return " ".join(words)


def _observation(chunks: list[Any], query: str) -> str:
    from react_core.retrieval import Hit, format_hits

    scores = (0.0328, 0.0161)
    text = format_hits([Hit(c, s, "hybrid") for c, s in zip(chunks, scores)], query)
    first, *rest = text.split("\n")
    return "\n".join(["Observation: " + first, *("  " + line for line in rest)])


def news_trajectory(chunk: Any, other: Any, analyzer: LexiconAnalyzer) -> dict[str, Any]:
    """Ask about a company: search the archive, read the entities of the headline, answer with the
    item's market reading and cite it."""
    company = _company(chunk.title)
    headline = chunk.title.split(" > ")[-1]
    reading = READING.search(chunk.text)
    if reading is None:
        raise ValueError(f"knowledge item {chunk.id} has no 'Market reading: ...' line")
    body = " ".join(chunk.text.split())
    first = re.split(r"(?<=[.!?])\s+", body.split(". ", 1)[1] if body[:4].isdigit() else body)[0]
    messages = [
        {"role": "user", "content": f"What does the news archive say about {company}, and is it good or bad for investors?"},
        {"role": "assistant", "content": f"Thought: I will search the news archive for {company}.\n"
                                         f"Action: search_news[{company}]"},
        {"role": "user", "content": _observation([chunk, other], company)},
        {"role": "assistant", "content": "Thought: I will check who the headline names.\n"
                                         f"Action: entities[{headline}]"},
        {"role": "user", "content": "Observation: " + entities_text(analyzer, headline)},
        {"role": "assistant", "content": "Thought: I can answer now.\nFinal Answer: "
                                         f"{headline} ({reading.group(1)} for investors): {first} "
                                         f"(source: [{chunk.id}])"},
    ]
    return {"messages": messages, "meta": {"kind": "trajectory", "tool": "search_news"}}


def sentiment_trajectory(text: str, label: str, analyzer: LexiconAnalyzer) -> dict[str, Any]:
    return {"messages": [
        {"role": "user", "content": f"Is this good or bad news for investors? {text}"},
        {"role": "assistant", "content": f"Thought: I will score the sentence.\nAction: sentiment[{text}]"},
        {"role": "user", "content": "Observation: " + sentiment_text(analyzer, text)},
        {"role": "assistant", "content": f"Thought: I can answer now.\nFinal Answer: Sentiment: {label}."},
    ], "meta": {"kind": "trajectory", "tool": "sentiment"}}


def trajectories(data_dir: Path, *, n_sentiment: int = 40, seed: int = 0) -> list[dict[str, Any]]:
    analyzer = LexiconAnalyzer()
    rng = random.Random(seed)
    chunks = [c for c in news_chunks() if READING.search(c.text)]
    out = [news_trajectory(c, rng.choice([o for o in chunks if o.id != c.id]), analyzer) for c in chunks]
    rows = phrasebank(data_dir, "train")
    rng.shuffle(rows)
    agreeing = [(t, y) for t, y in rows if y != "neutral" and analyzer.sentiments([t])[0] == y]
    out += [sentiment_trajectory(t, y, analyzer) for t, y in agreeing[:n_sentiment]]
    rng.shuffle(out)
    return out


def build_training_data(data_dir: Path, *, trajectory_every: int = 40, seed: int = 0) -> Iterator[dict[str, Any]]:
    """Interleaved sentiment pairs, entity pairs and trajectories from the train splits only."""
    data_dir = Path(data_dir)
    ner = [{"prompt": entity_prompt(s.text), "completion": " " + format_entities(s.entities)}
           for s in conll(data_dir, "train")]
    random.Random(seed).shuffle(ner)
    pb = [{"prompt": sentiment_prompt(t), "completion": f" {y}"} for t, y in phrasebank(data_dir, "train")]
    tw = [{"prompt": sentiment_prompt(t), "completion": f" {y}"} for t, y in twitter(data_dir, "train")]
    trajs = iter(trajectories(data_dir, seed=seed))
    n = 0
    for block in zip_longest(ner[0::2], pb, ner[1::2], tw):
        for record in block:
            if record is None:
                continue
            yield record
            n += 1
            if n % trajectory_every == 0:
                traj = next(trajs, None)
                if traj is not None:
                    yield traj
    yield from trajs
