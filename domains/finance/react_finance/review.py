"""The ``sentiment_record`` guard: an answer states the sentiment the run's tool returned.

The agent answers a sentiment question as the few-shot examples do (``Sentiment: positive. ...``)
after calling ``sentiment[text]``. A small model can still write another label than the
observation it just read (the tool says ``negative``, the draft ``Sentiment: positive``). The
review reads the label of the run's ``sentiment`` observations and, when they agree on one
label and the draft states a different one (its ``Sentiment:`` line, else the one label word it
uses, as in ``Positive. The sentiment is positive.``), writes the tool's label wherever the
draft wrote the other. Drafts that state no label or several, and runs that scored several
texts with different labels, are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from react_core import Guard, Step

from react_finance.formats import LABELS, parse_label

_LABEL = "|".join(LABELS)
_STATED = re.compile(rf"Sentiment:\s*({_LABEL})\b", re.IGNORECASE)
_WORD = re.compile(rf"\b({_LABEL})\b", re.IGNORECASE)


def observed_label(steps: Sequence[Step]) -> str | None:
    """The label the run's ``sentiment`` observations agree on (each starts with its label, as
    ``tools.sentiment_text`` writes it); None if none or they differ."""
    found = {parse_label(s.observation) for s in steps if s.action == "sentiment" and s.observation} - {""}
    return found.pop() if len(found) == 1 else None


def answer_label(answer: str | None) -> str | None:
    """The label an answer states: its ``Sentiment:`` line, else the one label word it uses."""
    if not answer:
        return None
    stated = _STATED.search(answer)
    if stated:
        return stated.group(1).lower()
    words = {w.lower() for w in _WORD.findall(answer)}
    return words.pop() if len(words) == 1 else None


def _cased(word: str, like: str) -> str:
    return word.upper() if like.isupper() else word.capitalize() if like[:1].isupper() else word


def sentiment_review(question: str, answer: str, steps: Sequence[Step]) -> str:
    observed = observed_label(steps)
    stated = answer_label(answer)
    if observed is None or stated is None or stated == observed:
        return answer
    return re.sub(rf"\b{stated}\b", lambda m: _cased(observed, m.group(0)), answer, flags=re.IGNORECASE)


SENTIMENT_RECORD_GUARD = Guard("sentiment_record", review=sentiment_review)
