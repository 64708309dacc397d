"""The term-accuracy set shipped with the package and its metric.

``data/term_sentences.tsv`` holds sentences written for this project, each with a language
pair, and ``data/term_glossary.tsv`` the glossary they are checked against. Term accuracy is
the share of (sentence, glossary term) occurrences whose target term appears in the
translation (the glossary's suffix-tolerant word matching).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from react_translation.glossary import Glossary, GlossaryError, load_glossary, parse_pair, term_present


def data_file(name: str) -> Path:
    return Path(str(resources.files("react_translation").joinpath("data", name)))


def term_glossary() -> Glossary:
    return load_glossary(data_file("term_glossary.tsv"))


def term_sentences(path: Path | None = None) -> list[tuple[str, str, str]]:
    """``(sentence, source, target)`` rows; ``GlossaryError`` names malformed lines."""
    path = path or data_file("term_sentences.tsv")
    rows, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("sentence\t"):
            continue
        fields = line.split("\t")
        pair = parse_pair(fields[1]) if len(fields) == 2 else None
        if pair is None or not fields[0].strip():
            problems.append(f"{path}:{number}: expected 'sentence<TAB>pair' with a pair like en-de, got {line!r}")
            continue
        rows.append((fields[0].strip(), *pair))
    if problems:
        raise GlossaryError(problems)
    return rows


def term_accuracy(translations: Sequence[str], rows: Sequence[tuple[str, str, str]],
                  glossary: Glossary) -> dict[str, Any]:
    """Share of glossary-term occurrences whose target term is in the translation, overall and per pair."""
    if len(translations) != len(rows):
        raise ValueError(f"{len(translations)} translations for {len(rows)} sentences")
    hits: dict[str, list[int]] = {}
    for text, (sentence, src, tgt) in zip(translations, rows):
        for entry in glossary.find(sentence, src, tgt):
            hits.setdefault(entry.pair, []).append(int(term_present(entry.target, text)))
    every = [h for pair in hits.values() for h in pair]
    return {"term_accuracy": sum(every) / len(every) if every else 0.0, "terms": len(every),
            "per_pair": {pair: {"term_accuracy": sum(h) / len(h), "terms": len(h)} for pair, h in sorted(hits.items())}}
