"""Evaluation tasks for ``react eval finance``.

- ``phrasebank``: Financial PhraseBank (50 %-agreement file, our fixed 80/10/10 split);
  accuracy (headline) and macro-F1. Predicted by likelihood over the three label words
  (``react_core.choose``; each label is one token, so one forward pass per sentence).
- ``phrasebank_allagree``: the same, on the split's sentences all annotators agreed on.
- ``twitter``: Twitter financial news sentiment (test = ``sent_valid.csv``), same prompt and
  labels (bearish = negative, bullish = positive).
- ``conll_ner``: CoNLL-2003 entities generated as ``PER: John Smith; ORG: Reuters``; entity-level
  micro-F1 (headline), precision and recall (:func:`react_finance.formats.entity_prf`).

``--limit N`` takes an evenly spread subset (every k-th example of the split).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from react_core import EvalTask, choose, evenly_spread

from react_finance.data import conll, phrasebank, phrasebank_allagree, twitter
from react_finance.formats import (
    SENTIMENT_OPTIONS,
    classification_scores,
    entity_prf,
    entity_prompt,
    parse_entities,
    sentiment_prompt,
)

NER_MAX_NEW_TOKENS = 64  # answers (+ end token) in tokens: 99 % of eng.testb under 42; 12 of 3,453 over 64 (cut)


def _sentiment_loader(read: Callable[[Path, str], list[tuple[str, str]]]):
    def load(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
        rows = evenly_spread(read(Path(data_dir), split), limit)
        return [{"prompt": sentiment_prompt(text), "reference": label, "text": text} for text, label in rows]

    return load


def load_conll(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    rows = evenly_spread(conll(Path(data_dir), split), limit)
    return [{"prompt": entity_prompt(s.text), "reference": [list(e) for e in s.entities], "text": s.text}
            for s in rows]


def predict_sentiment(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
                      progress: Callable[[int], None] | None = None) -> list[str]:
    """The most likely of `` negative`` / `` neutral`` / `` positive`` after each prompt."""
    chosen = choose(model, tokenizer, [e["prompt"] for e in examples], list(SENTIMENT_OPTIONS),
                    batch_size=batch_size, progress=progress)
    return [c.strip() for c in chosen]


def score_sentiment(predictions: list[str], examples: list[dict[str, Any]]) -> dict[str, float]:
    return classification_scores([str(p).strip() for p in predictions], [e["reference"] for e in examples])


def score_entities(predictions: list[str], examples: list[dict[str, Any]]) -> dict[str, float]:
    gold = [[tuple(e) for e in ex["reference"]] for ex in examples]
    return entity_prf([parse_entities(p) for p in predictions], gold)


TASKS = (
    EvalTask("phrasebank", "accuracy", _sentiment_loader(phrasebank), score_sentiment, predict=predict_sentiment,
             published=(0.86, "FinBERT, Araci 2019 (all data)")),
    EvalTask("phrasebank_allagree", "accuracy", _sentiment_loader(phrasebank_allagree), score_sentiment,
             predict=predict_sentiment, published=(0.97, "FinBERT, Araci 2019 (100 % agreement)")),
    EvalTask("twitter", "accuracy", _sentiment_loader(twitter), score_sentiment, predict=predict_sentiment),
    EvalTask("conll_ner", "f1", load_conll, score_entities, max_new_tokens=NER_MAX_NEW_TOKENS,
             published=(0.928, "BERT-large, Devlin et al. 2019")),
)
