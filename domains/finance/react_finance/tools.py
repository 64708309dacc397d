"""The agent's tools: ``sentiment[text]``, ``entities[text]`` and ``search_news[query]``.

``sentiment`` and ``entities`` run an :class:`~react_finance.analyzer.Analyzer`: the model with
the finance adapter when one is given (``make_tools(analyzer=ModelAnalyzer(runtime.engine,
adapter))``), otherwise the rule-based fallback, and every observation names which one
answered. Empty input is an observation saying what to pass, never an exception.

Inside an agent's run both read the passage from the user's own message when the model's copy
of it is not in that message (:func:`user_text`): a small model garbles long sentences it
copies into an action (on PhraseBank it mixed in the entity format, ``ORG: ...; LOC: ...``).
"""

from __future__ import annotations

import re
from typing import Any

from react_core import Tool, tool
from react_core.agent import current_message

from react_finance.analyzer import Analyzer, LexiconAnalyzer
from react_finance.formats import format_entities

MAX_CHARS = 2000
SOURCES = {"model": "finance adapter", "lexicon": "rule-based fallback, no model attached"}


def _clean(text: Any) -> str:
    return " ".join(str(text).split())[:MAX_CHARS]


# a message that asks first and then gives the passage: "Is this good or bad news? <passage>",
# "What is the sentiment of this headline: <passage>"
_PASSAGE = re.compile(r"^[^?:\n]{0,120}[?:]\s*(\S.*)$", re.DOTALL)
MIN_PASSAGE_WORDS = 3


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def user_text(text: str) -> str:
    """``text``, or the passage of the user's newest message when ``text`` is not in that message.

    Only inside an agent's run (:func:`react_core.agent.current_message`), and only when the
    message first asks and then gives a passage of at least three words that is not itself a
    question (``Is this good or bad news for investors? <passage>``); otherwise, e.g. for a
    headline read from a search result, ``text`` is kept as the model wrote it."""
    message = current_message()
    if not message or _norm(text) in _norm(message):
        return text
    return message_passage(message) or text


def message_passage(message: str) -> str | None:
    """The passage a message gives after its question (``Is this good or bad news? <passage>``):
    at least three words, not itself a question; None when there is none (no passage, or a
    second question: "... about X? And is that bad for the stock?")."""
    passage = _PASSAGE.match(message.strip())
    if passage is None or len(passage.group(1).split()) < MIN_PASSAGE_WORDS or passage.group(1).endswith("?"):
        return None
    return passage.group(1)


def required_sentiment(question: str) -> list[tuple[str, str]]:
    """The policy of the ``sentiment_lookup`` guard: a message that gives a passage gets the
    ``sentiment`` tool on it before any answer (the label is the tool's, not the model's)."""
    from react_core.agent import latest_message

    passage = message_passage(latest_message(question))
    return [("sentiment", passage)] if passage else []


def _source(analyzer: Analyzer) -> str:
    return SOURCES.get(analyzer.name, analyzer.name)


def sentiment_text(analyzer: Analyzer, text: str) -> str:
    text = _clean(user_text(str(text)))
    if not text:
        return "Give the news text to score, e.g. sentiment[Northwind Metals cuts output guidance]."
    return f"{analyzer.sentiments([text])[0]} ({_source(analyzer)})"


def entities_text(analyzer: Analyzer, text: str) -> str:
    text = _clean(user_text(str(text)))
    if not text:
        return "Give the news text to read, e.g. entities[Reuters reported that Nokia opened a plant in Oulu]."
    return f"{format_entities(analyzer.entities([text])[0])} ({_source(analyzer)})"


def analysis_tools(analyzer: Analyzer | None = None) -> list[Tool]:
    """``sentiment`` and ``entities`` on ``analyzer`` (default: the rule-based fallback)."""
    analyzer = analyzer or LexiconAnalyzer()

    @tool
    def sentiment(text: str) -> str:
        """Sentiment of a financial news sentence for investors: positive, negative or neutral.

        Args:
            text: The news sentence or headline.
        """
        return sentiment_text(analyzer, text)

    @tool
    def entities(text: str) -> str:
        """Named entities in a news sentence as TYPE: name; ... (PER person, ORG organisation, LOC place, MISC other).

        Args:
            text: The news sentence.
        """
        return entities_text(analyzer, text)

    return [sentiment, entities]


def news_search_tool(index: Any, k: int = 2) -> Tool:
    """``search_news[query]`` over the news knowledge base (a ``KnowledgeIndex`` or anything with ``search``)."""
    from react_core import make_search_tool

    return make_search_tool(index, k=k, name="search_news",
                            description=("Search the news archive; returns items as [id] title (score): text. "
                                         "Cite the item you use by its [id]."))


def make_tools(index: Any | None = None, analyzer: Analyzer | None = None, k: int = 2) -> list[Tool]:
    """All the domain's tools; ``search_news`` only when an index is given."""
    tools = [news_search_tool(index, k)] if index is not None else []
    return tools + analysis_tools(analyzer)
