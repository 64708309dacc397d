"""The agent's tool: ``translate[text]`` with source-language detection and the user's glossary.

The tool translates with whatever ``complete(prompts) -> completions`` it is given: a
``GenerationBackend`` with the translation adapter (``backend_completer``), or the base model
and the shipped adapter loaded in this process on first use (``local_completer``). Bad input
(empty text, an unknown language) becomes an observation that says how to fix it, never an
exception.
"""

from __future__ import annotations

from typing import Any

from react_core import Tool, tool

from react_translation.glossary import Glossary
from react_translation.languages import LANGUAGES
from react_translation.translate import AUTO, Complete, Translation, translate_with

TOOL_MAX_NEW_TOKENS = 160


def format_observation(t: Translation, *, detected: bool) -> str:
    """``Detected English. German: ...`` plus the glossary terms and whether each was applied."""
    head = f"Detected {LANGUAGES[t.source]}." if detected else f"{LANGUAGES[t.source]} text."
    text = f"{head} {LANGUAGES[t.target]}: {t.text}"
    notes = []
    for entry in t.terms:
        if entry in t.missing:
            state = "NOT applied: the model did not use it, check the translation"
        elif entry in t.repaired:
            state = "applied after generation"
        else:
            state = "applied"
        notes.append(f"{entry.source} = {entry.target} ({state})")
    if notes:
        text += " Glossary: " + "; ".join(notes) + "."
    return text


def backend_completer(backend: Any, adapter: str | None = "translation",
                      max_new_tokens: int = TOOL_MAX_NEW_TOKENS) -> Complete:
    """Completions from a ``GenerationBackend`` (one request per prompt, stopped at a newline)."""

    def complete(prompts: list[str]) -> list[str]:
        return [backend.generate(p, stop=["\n"], max_new_tokens=max_new_tokens, adapter=adapter).text
                for p in prompts]

    return complete


def local_completer(model: str = "gemma-3-270m", batch_size: int = 8) -> Complete:
    """Completions from the base model with the shipped adapter, loaded in this process on first use."""
    state: dict[str, Any] = {}

    def complete(prompts: list[str]) -> list[str]:
        from react_translation.model import load_translator
        from react_translation.translate import generate_lines

        if "model" not in state:
            state["model"], state["tokenizer"] = load_translator(model)
        return generate_lines(state["model"], state["tokenizer"], prompts, batch_size=batch_size)

    return complete


def translate_text(complete: Complete, text: str, target: str = "", source: str = "",
                   glossary: Glossary | None = None, default_target: str = "de") -> str:
    """What ``translate[...]`` observes: the translation, or what is wrong with the request."""
    text = str(text).strip().strip("\"'")
    if not text:
        return "Nothing to translate: give the text, e.g. translate[A dog runs on the beach.]"
    codes = ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items())
    tgt = str(target).strip().lower()
    src = str(source).strip().lower() or AUTO
    if tgt and tgt not in LANGUAGES:
        return f"Unknown target language {target!r}: use one of {codes}."
    if src != AUTO and src not in LANGUAGES:
        return f"Unknown source language {source!r}: use one of {codes}, or leave it out to detect it."
    from react_translation.detect import detect_language

    lines = [line for line in text.splitlines() if line.strip()]
    detected_src = detect_language(text) if src == AUTO else src
    if not tgt:
        tgt = default_target if detected_src == "en" else "en"
    if detected_src == tgt:
        return (f"The text is already {LANGUAGES[tgt]} (detected). Give target=en, de or fr to translate it "
                f"into another language.")
    results = translate_with(complete, lines, detected_src, tgt, glossary)
    if len(results) == 1:
        return format_observation(results[0], detected=src == AUTO)
    return "\n".join(format_observation(r, detected=src == AUTO) for r in results)


def make_translate_tool(complete: Complete, glossary: Glossary | None = None, default_target: str = "de") -> Tool:
    """``translate[text]`` (or ``translate[{"text": ..., "target": "fr"}]``) over ``complete``."""

    @tool
    def translate(text: str, target: str = "", source: str = "") -> str:
        """Translate text between English, German and French; the source language is detected.

        Args:
            text: The text to translate.
            target: Language to translate into: en, de or fr (default: English for German or French text, German for English).
            source: Language of the text: en, de or fr (default: detected).
        """
        return translate_text(complete, text, target, source, glossary, default_target)

    return translate


def make_tools(complete: Complete | None = None, glossary: Glossary | None = None,
               default_target: str = "de") -> list[Tool]:
    """The domain's tools; without ``complete`` the tool loads the base and the shipped adapter on first use."""
    return [make_translate_tool(complete or local_completer(), glossary, default_target)]

