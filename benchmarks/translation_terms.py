"""Glossary term accuracy of the translation plugin, with and without the glossary.

The set ships with the package (``react_translation/data/term_sentences.tsv``: 52 sentences
written for this project, en->de, en->fr and de->en, with 89 occurrences of terms from
``term_glossary.tsv``). For the base model and the shipped adapter it translates every
sentence twice: without the glossary, and with it (terms in the prompt, then the
after-generation check that repairs copied or default words). It reports the share of term
occurrences whose glossary translation is in the output, and with the glossary how many the
model wrote itself. Writes benchmarks/results/terms_translation.json. Loads the real model:

    flock /tmp/react-heavy.lock .venv/bin/python -m benchmarks.translation_terms
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from react_translation.model import load_translator
from react_translation.terms import term_accuracy, term_glossary, term_sentences
from react_translation.translate import translate_batch

from benchmarks.results_io import write_result


def run(model: Any, tokenizer: Any, rows: list, glossary: Any, use_glossary: bool, batch_size: int) -> dict:
    by_pair: dict[tuple[str, str], list[int]] = {}
    for i, (_, src, tgt) in enumerate(rows):
        by_pair.setdefault((src, tgt), []).append(i)
    texts: list[str] = [""] * len(rows)
    by_model = repaired = missing = used = 0
    start = time.perf_counter()
    for (src, tgt), idx in by_pair.items():
        results = translate_batch(model, tokenizer, [rows[i][0] for i in idx], src, tgt,
                                  glossary=glossary if use_glossary else None, batch_size=batch_size)
        for i, r in zip(idx, results):
            texts[i] = r.text
            used += len(r.terms)
            repaired += len(r.repaired)
            missing += len(r.missing)
    by_model = used - repaired - missing
    scores = term_accuracy(texts, rows, glossary)
    out = {**scores, "seconds": round(time.perf_counter() - start, 1), "examples": texts[:5]}
    if use_glossary:
        out.update(model_wrote_term=by_model / used if used else 0.0, repaired=repaired, not_applied=missing)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--adapter", default="shipped", help="adapter directory or 'shipped'")
    args = parser.parse_args()
    glossary, rows = term_glossary(), term_sentences()
    model, tokenizer = load_translator(adapter=args.adapter)
    figures: dict[str, Any] = {"n_sentences": len(rows), "glossary_terms": len(glossary)}
    for use in (False, True):
        key = "with_glossary" if use else "without_glossary"
        figures[f"adapter_{key}"] = run(model, tokenizer, rows, glossary, use, args.batch_size)
        with model.disable_adapter():
            figures[f"base_{key}"] = run(model, tokenizer, rows, glossary, use, args.batch_size)
    for key, value in figures.items():
        if isinstance(value, dict):
            extra = f", model wrote {value['model_wrote_term']:.3f}" if "model_wrote_term" in value else ""
            print(f"{key}: term accuracy {value['term_accuracy']:.3f} over {value['terms']} terms{extra}")
    path = write_result("terms_translation", figures)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
