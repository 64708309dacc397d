"""Prompts for the agent's rewrite steps: the question into English, the answer back.

A customer writes in German; the domain adapter reasons in English; the translation adapter
writes the final answer in German. With the core's ``Rewrite`` (``react_core.Rewrite``)::

    from react_translation import answer_in_language_of, query_to_english
    agent = Agent(backend, tools, adapter="customer_service",
                  query_rewrite=Rewrite("to_english", query_to_english, adapter="translation"),
                  answer_rewrite=Rewrite("to_customer_language", answer_in_language_of, adapter="translation"))

Both return ``None`` (skip the step) when the question is in English, so one agent serves
every language. ``rewrites()`` builds the pair; with ``glossary=`` the terms a text contains
are written into its prompt (``Karte = card`` keeps a bank's "Karte" from becoming a "map";
the adapter learnt on image captions). The rewrite step returns the model's text as it is:
the after-generation repair of ``translate_texts`` does not run there.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from react_translation.detect import detect_language
from react_translation.glossary import Glossary
from react_translation.languages import translation_prompt

ADAPTER = "translation"


def _prompt(text: str, source: str, target: str, glossary: Glossary | None) -> str:
    terms = glossary.find(text, source, target) if glossary is not None else []
    return translation_prompt(text, source, target, [(e.source, e.target) for e in terms])


def query_to_english(query: str, text: str, glossary: Glossary | None = None) -> str | None:
    """The prompt that translates ``text`` (the question) into English; ``None`` if it is English."""
    lang = detect_language(query)
    return None if lang == "en" else _prompt(text, lang, "en", glossary)


def answer_in_language_of(query: str, text: str, glossary: Glossary | None = None) -> str | None:
    """The prompt that translates ``text`` (an English answer) into the language of ``query``."""
    lang = detect_language(query)
    return None if lang == "en" else _prompt(text, "en", lang, glossary)


def rewrites(adapter: str | None = ADAPTER, max_new_tokens: int = 256,
             glossary: Glossary | None = None) -> tuple[Any, Any]:
    """``(query_rewrite, answer_rewrite)`` for ``react_core.Agent``, written by ``adapter``."""
    from react_core import Rewrite

    return (Rewrite("to_english", partial(query_to_english, glossary=glossary), adapter=adapter,
                    max_new_tokens=max_new_tokens, stop=("\n",)),
            Rewrite("to_query_language", partial(answer_in_language_of, glossary=glossary), adapter=adapter,
                    max_new_tokens=max_new_tokens, stop=("\n",)))
