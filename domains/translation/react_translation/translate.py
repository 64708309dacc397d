"""Batched translation: prompts (with glossary terms), greedy generation to the first newline, checks.

``translate_texts(model, tokenizer, texts, source, target, glossary=None, batch_size=8)`` is
the stable entry point: a list of strings in, a list of translations out (same order, same
length). ``translate_with(complete, ...)`` does the same over any completion function, e.g. a
``GenerationBackend`` with the translation adapter (the agent tool uses that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from react_core import fast_output_layer

from react_translation.detect import detect_language
from react_translation.glossary import Glossary, GlossaryEntry, enforce
from react_translation.languages import check_language, one_line, translation_prompt

Complete = Callable[[list[str]], list[str]]
AUTO = "auto"


@dataclass(frozen=True)
class Translation:
    """One translated line, with the glossary terms it was given and what the check found."""

    source_text: str
    text: str
    source: str
    target: str
    terms: tuple[GlossaryEntry, ...] = ()
    repaired: tuple[GlossaryEntry, ...] = ()
    missing: tuple[GlossaryEntry, ...] = field(default=())


def stop_token_ids(tokenizer: Any) -> list[int]:
    """End of sequence and the newline tokens: a translation is one line."""
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    for text in ("\n", "\n\n"):
        piece = tokenizer(text, add_special_tokens=False)["input_ids"]
        if len(piece) == 1:
            ids.add(piece[0])
    return sorted(ids)


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def generate_lines(model: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int | None = None,
                   batch_size: int = 8, progress: Callable[[int], None] | None = None) -> list[str]:
    """Greedy one-line completions, ``batch_size`` prompts at a time (sorted by length, left-padded).

    Each row stops at end of sequence or a newline. ``max_new_tokens=None`` sizes each batch
    from its longest prompt (a translation is rarely 1.6 times longer than its prompt's text).
    """
    import torch

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    outputs: list[str] = [""] * len(prompts)
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    stops = stop_token_ids(tokenizer)
    try:
        with fast_output_layer(model):
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                enc = tokenizer([prompts[i] for i in rows], return_tensors="pt", padding=True).to(model.device)
                limit = max_new_tokens or min(256, int(enc["input_ids"].shape[1] * 0.8) + 16)
                with torch.inference_mode():
                    out = model.generate(**enc, max_new_tokens=limit, do_sample=False, eos_token_id=stops,
                                         pad_token_id=tokenizer.pad_token_id)
                texts = tokenizer.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
                for i, text in zip(rows, texts):
                    outputs[i] = first_line(text)
                if progress:
                    progress(len(rows))
    finally:
        tokenizer.padding_side = side
    return outputs


def translate_with(complete: Complete, texts: Sequence[str], source: str, target: str,
                   glossary: Glossary | None = None) -> list[Translation]:
    """Translate ``texts`` with ``complete(prompts) -> completions``; one :class:`Translation` per text.

    ``source="auto"`` detects each text's language (``detect_language``). Texts are put on one
    line; empty ones stay empty and cost nothing. Glossary terms found in a text are written
    into its prompt and checked (and repaired where possible) in the output. A text already
    in the target language is returned as it is.
    """
    tgt = check_language(target, "target language")
    auto = str(source).strip().lower() == AUTO
    jobs: list[tuple[int, str, str, tuple[GlossaryEntry, ...]]] = []
    results: list[Translation | None] = [None] * len(texts)
    for i, raw in enumerate(texts):
        text = one_line(raw)
        src = detect_language(text) if auto else check_language(source, "source language")
        if not text or src == tgt:
            results[i] = Translation(text, text, src, tgt)
            continue
        terms = tuple(glossary.find(text, src, tgt)) if glossary is not None else ()
        jobs.append((i, text, src, terms))
    prompts = [translation_prompt(text, src, tgt, [(e.source, e.target) for e in terms])
               for _, text, src, terms in jobs]
    completions = complete(prompts) if prompts else []
    if len(completions) != len(prompts):
        raise RuntimeError(f"the model returned {len(completions)} completions for {len(prompts)} prompts")
    for (i, text, src, terms), out in zip(jobs, completions):
        checked = enforce(first_line(out), terms)
        results[i] = Translation(text, checked.text, src, tgt, terms, checked.repaired, checked.missing)
    return [r for r in results if r is not None]


def translate_batch(model: Any, tokenizer: Any, texts: Sequence[str], source: str, target: str, *,
                    glossary: Glossary | None = None, batch_size: int = 8, max_new_tokens: int | None = None,
                    progress: Callable[[int], None] | None = None) -> list[Translation]:
    """:func:`translate_with` on a transformers model: batched greedy generation."""

    def complete(prompts: list[str]) -> list[str]:
        return generate_lines(model, tokenizer, prompts, max_new_tokens=max_new_tokens, batch_size=batch_size,
                              progress=progress)

    return translate_with(complete, texts, source, target, glossary)


def translate_texts(model: Any, tokenizer: Any, texts: Sequence[str], source: str, target: str,
                    glossary: Glossary | None = None, batch_size: int = 8) -> list[str]:
    """Translate ``texts`` from ``source`` (``"en"``, ``"de"``, ``"fr"`` or ``"auto"``) to ``target``.

    ``model`` is a transformers causal LM, normally the base with the translation adapter
    attached (``react_translation.model.load_translator()`` loads both). Returns one string per
    text, in order. Stable API: the core's cross-domain agent builds on it.
    """
    return [t.text for t in translate_batch(model, tokenizer, texts, source, target, glossary=glossary,
                                            batch_size=batch_size)]
