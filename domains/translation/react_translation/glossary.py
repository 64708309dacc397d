"""Glossaries (term bases): load a user's file, find its terms in a sentence, check and repair output.

A glossary file has one term a line: source term, target term and language pair, separated
by tabs (``.tsv``) or commas (``.csv``, quoted as CSV; other names are sniffed from the first
term line). Blank lines and lines starting with ``#`` are skipped, as is a header line whose
first field is ``source``/``term``::

    # source	target	pair
    bicycle	Velo	en-de
    sidewalk	Trottoir	en-de
    cell phone	portable	en-fr

Every malformed line is reported at once, with its file and line number
(``GlossaryError``). Pairs are written ``en-de``, ``en_de``, ``en>de`` or ``en→de``.

Terms are found by exact matching on lower-cased words, tolerant of a plural or
inflection suffix on words of three letters or more (``bicycle`` matches ``bicycles``,
``Velo`` matches ``Velos``); multi-word terms match as a word sequence, longest first,
without overlaps. This is lexical matching, not the core's embedding retrieval: a term is
a string the user wants translated one way, and its near neighbours must not trigger it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from react_translation.languages import LANGUAGES

SUFFIXES = ("", "s", "es", "e", "en", "n", "er", "ern", "x")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_PAIR = re.compile(r"^\s*([a-zA-Z]{2})\s*(?:-|_|>|→|->|/)\s*([a-zA-Z]{2})\s*$")
_HEADER_FIRST = {"source", "source term", "source_term", "term", "src"}


class GlossaryError(ValueError):
    """A glossary file has malformed lines; ``problems`` lists them as ``file:line: message``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the glossary:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: ``source`` (in ``source_lang``) is to be translated as ``target`` (in ``target_lang``)."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    line: int = 0

    @property
    def pair(self) -> str:
        return f"{self.source_lang}-{self.target_lang}"


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased words of ``text`` with their character spans."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _word_matches(word: str, term_word: str) -> bool:
    if word == term_word:
        return True
    if len(term_word) < 3 or not word.startswith(term_word):
        return False
    return word[len(term_word):] in SUFFIXES


def find_spans(term: str, text: str) -> list[tuple[int, int]]:
    """Character spans where ``term`` occurs in ``text`` (word-sequence match, suffix-tolerant)."""
    words = [w for w, _, _ in tokens(term)]
    toks = tokens(text)
    if not words:
        return []
    spans = []
    for i in range(len(toks) - len(words) + 1):
        if all(_word_matches(toks[i + k][0], words[k]) for k in range(len(words))):
            spans.append((toks[i][1], toks[i + len(words) - 1][2]))
    return spans


def term_present(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` (as :func:`find_spans` matches it)."""
    return bool(find_spans(term, text))


class Glossary:
    """Terms for one or more language pairs; ``find`` returns those a sentence contains."""

    def __init__(self, entries: Iterable[GlossaryEntry], path: Path | None = None) -> None:
        self.entries = list(entries)
        self.path = path

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Glossary({len(self.entries)} terms{f', {self.path}' if self.path else ''})"

    def pairs(self) -> list[str]:
        return sorted({e.pair for e in self.entries})

    def for_pair(self, source: str, target: str) -> list[GlossaryEntry]:
        return [e for e in self.entries if e.source_lang == source and e.target_lang == target]

    def find(self, text: str, source: str, target: str) -> list[GlossaryEntry]:
        """The entries for ``source``->``target`` whose term occurs in ``text``, in text order.

        Longer terms win over shorter ones they overlap (``cell phone`` over ``phone``).
        """
        candidates = sorted(self.for_pair(source, target), key=lambda e: -len(e.source))
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, GlossaryEntry]] = []
        for entry in candidates:
            for start, end in find_spans(entry.source, text):
                if all(end <= s or start >= e for s, e in taken):
                    taken.append((start, end))
                    found.append((start, entry))
                    break
        return [e for _, e in sorted(found, key=lambda x: x[0])]


def parse_pair(text: str) -> tuple[str, str] | None:
    m = _PAIR.match(text)
    if not m:
        return None
    src, tgt = m.group(1).lower(), m.group(2).lower()
    return (src, tgt) if src in LANGUAGES and tgt in LANGUAGES and src != tgt else None


def _rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    if delimiter == "\t":
        for number, line in enumerate(text.splitlines(), start=1):
            yield number, line.split("\t")
        return
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, row


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    if path.suffix.lower() == ".csv":
        return ","
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return "\t" if "\t" in line else ","
    return "\t"


def parse_glossary(text: str, name: str = "<glossary>", delimiter: str = "\t") -> Glossary:
    """Entries from the text of a glossary file; ``GlossaryError`` lists every malformed line."""
    entries: list[GlossaryEntry] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], GlossaryEntry] = {}
    first = True
    for number, row in _rows(text, delimiter):
        fields = [f.strip() for f in row]
        if not any(fields) or fields[0].startswith("#"):
            continue
        if first and fields[0].lower() in _HEADER_FIRST:
            first = False
            continue
        first = False
        where = f"{name}:{number}"
        if len(fields) != 3:
            problems.append(f"{where}: expected 3 fields (source term, target term, language pair), "
                            f"got {len(fields)}: {delimiter.join(row)!r}")
            continue
        source, target, pair_text = fields
        pair = parse_pair(pair_text)
        if not source or not target:
            problems.append(f"{where}: empty {'source' if not source else 'target'} term")
            continue
        if pair is None:
            problems.append(f"{where}: language pair {pair_text!r} is not one of the form en-de "
                            f"(languages: {', '.join(LANGUAGES)})")
            continue
        if not tokens(source):
            problems.append(f"{where}: source term {source!r} has no letters")
            continue
        entry = GlossaryEntry(source, target, pair[0], pair[1], number)
        key = (f"{entry.pair}", " ".join(w for w, _, _ in tokens(source)))
        if key in seen:
            if seen[key].target != target:
                problems.append(f"{where}: {source!r} ({entry.pair}) is already {seen[key].target!r} "
                                f"on line {seen[key].line}")
            continue
        seen[key] = entry
        entries.append(entry)
    if problems:
        raise GlossaryError(problems)
    return Glossary(entries)


def load_glossary(path: str | Path) -> Glossary:
    """Read a glossary file (TSV or CSV, UTF-8); ``GlossaryError`` names each malformed line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileNotFoundError(f"glossary file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise GlossaryError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    glossary = parse_glossary(text, str(path), _delimiter(path, text))
    glossary.path = path
    return glossary


# --- the built-in lexicon (default translations, for repairs and training constraints) ----------

@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, str], ...]:
    """Rows of ``data/lexicon.tsv``: ``{"en": ..., "de": ..., "fr": ...}``."""
    text = resources.files("react_translation").joinpath("data/lexicon.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    return tuple(dict(zip(header, line.split("\t"))) for line in lines[1:])


def default_translations(term: str, source: str, target: str) -> list[str]:
    """What the lexicon translates ``term`` as (to spot a default translation a glossary overrides)."""
    key = " ".join(w for w, _, _ in tokens(term))
    return [row[target] for row in lexicon() if " ".join(w for w, _, _ in tokens(row[source])) == key]


@dataclass(frozen=True)
class Enforced:
    """A translation after the glossary check: which terms were there, repaired or missing."""

    text: str
    met: tuple[GlossaryEntry, ...] = ()
    repaired: tuple[GlossaryEntry, ...] = ()
    missing: tuple[GlossaryEntry, ...] = ()


def _replace(text: str, span: tuple[int, int], new: str) -> str:
    start, end = span
    old = text[start:end]
    if old[:1].isupper() and new[:1].islower() and (start == 0 or text[:start].rstrip().endswith((".", "!", "?"))):
        new = new[:1].upper() + new[1:]
    return text[:start] + new + text[end:]


def enforce(translation: str, entries: Sequence[GlossaryEntry]) -> Enforced:
    """Check that each entry's target term is in ``translation``; repair what can be repaired.

    A missing term is repaired when the output holds the source term untranslated or the
    lexicon's default translation of it: that word is replaced by the glossary's term.
    Otherwise the term is reported ``missing`` (the text is left as the model wrote it).
    """
    text = translation
    met, repaired, missing = [], [], []
    for entry in entries:
        if term_present(entry.target, text):
            met.append(entry)
            continue
        for candidate in [entry.source, *default_translations(entry.source, entry.source_lang, entry.target_lang)]:
            spans = find_spans(candidate, text)
            if spans:
                text = _replace(text, spans[0], entry.target)
                repaired.append(entry)
                break
        else:
            missing.append(entry)
    return Enforced(text, tuple(met), tuple(repaired), tuple(missing))
