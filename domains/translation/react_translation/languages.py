"""Languages, directions and the prompt the translation adapter is trained on."""

from __future__ import annotations

from collections.abc import Sequence

LANGUAGES = {"en": "English", "de": "German", "fr": "French"}
# the directions Multi30k is evaluated in here (en->de is the primary one)
DIRECTIONS = (("en", "de"), ("de", "en"), ("en", "fr"))


def check_language(code: str, what: str = "language") -> str:
    """``code`` lower-cased if it is a supported language, else ``ValueError`` naming the choices."""
    key = str(code).strip().lower()
    if key not in LANGUAGES:
        raise ValueError(f"unsupported {what} {code!r}; choose one of {', '.join(LANGUAGES)}")
    return key


def one_line(text: str) -> str:
    """``text`` with runs of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


def translation_prompt(text: str, source: str, target: str, terms: Sequence[tuple[str, str]] = ()) -> str:
    """The prompt the shipped adapter was trained on; the translation follows it up to a newline.

    ``terms`` are (source term, target term) constraints from a glossary, written on a
    ``Terms:`` line that the adapter learnt to follow::

        Translate English to German.
        Terms: bicycle = Velo
        English: A man rides a bicycle.
        German:

    The text is put on one line (whitespace collapsed); translate multi-line text line by line.
    """
    src, tgt = check_language(source, "source language"), check_language(target, "target language")
    if src == tgt:
        raise ValueError(f"source and target are both {src!r}")
    lines = [f"Translate {LANGUAGES[src]} to {LANGUAGES[tgt]}."]
    if terms:
        lines.append("Terms: " + "; ".join(f"{one_line(s)} = {one_line(t)}" for s, t in terms))
    lines.append(f"{LANGUAGES[src]}: {one_line(text)}")
    lines.append(f"{LANGUAGES[tgt]}:")
    return "\n".join(lines)
