"""Prompts for the agent's rewrite steps: the question into English, the answer back.

A customer writes in German; the domain adapter reasons in English; the translation adapter
writes the final answer in German. With the core's ``Rewrite`` (``react_core.Rewrite``)::

    from react_translation import answer_in_language_of, query_to_english
    agent = Agent(backend, tools, adapter="customer_service",
                  query_rewrite=Rewrite("to_english", query_to_english, adapter="translation"),
                  answer_rewrite=Rewrite("to_customer_language", answer_in_language_of, adapter="translation"))

Both return ``None`` (skip the step) when the question is in English, so one agent serves
every language. ``rewrites()`` builds the pair.
"""

from __future__ import annotations

from typing import Any

from react_translation.detect import detect_language
from react_translation.languages import translation_prompt

ADAPTER = "translation"


def query_to_english(query: str, text: str) -> str | None:
    """The prompt that translates ``text`` (the question) into English; ``None`` if it is English."""
    lang = detect_language(query)
    return None if lang == "en" else translation_prompt(text, lang, "en")


def answer_in_language_of(query: str, text: str) -> str | None:
    """The prompt that translates ``text`` (an English answer) into the language of ``query``."""
    lang = detect_language(query)
    return None if lang == "en" else translation_prompt(text, "en", lang)


def rewrites(adapter: str | None = ADAPTER, max_new_tokens: int = 256) -> tuple[Any, Any]:
    """``(query_rewrite, answer_rewrite)`` for ``react_core.Agent``, written by ``adapter``."""
    from react_core import Rewrite

    return (Rewrite("to_english", query_to_english, adapter=adapter, max_new_tokens=max_new_tokens, stop=("\n",)),
            Rewrite("to_query_language", answer_in_language_of, adapter=adapter, max_new_tokens=max_new_tokens,
                    stop=("\n",)))
