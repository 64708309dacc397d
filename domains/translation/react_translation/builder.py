"""Training data: direct translation pairs from Multi30k train plus ReAct trajectories with ``translate``.

``build_training_data(data_dir)`` yields, in a seeded order that interleaves the three
directions (so ``react train --limit N`` takes a balanced mix):

- ``{"prompt": translation_prompt(src, s, t), "completion": " <reference>"}`` for every
  Multi30k training sentence in each direction (en->de, de->en, en->fr); in about a quarter
  of them (``terms_share``) the prompt carries up to two ``Terms:`` constraints taken from
  the built-in lexicon where the source and the reference both contain the entry, so the
  adapter learns to use the terms a glossary puts in the prompt;
- every ``trajectory_every``-th item, a ReAct trajectory: a request (in English, German or
  French) to translate the sentence, a ``translate`` action, the tool's observation (written
  by the tool's own formatter, with the reference translation standing in for the model's
  output, since the builder runs no model) and the final answer.

Validation and test sentences are never used.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from react_translation.data import read_pairs
from react_translation.glossary import lexicon, term_present
from react_translation.languages import DIRECTIONS, LANGUAGES, translation_prompt
from react_translation.tools import format_observation
from react_translation.translate import Translation

REQUESTS = {
    "en": ["Translate into {lang}: {text}", "How do you say this in {lang}? {text}",
           "Please give me the {lang} for: {text}"],
    "de": ["Übersetze bitte ins {lang_de}: {text}", "Wie sagt man das auf {lang_de}? {text}"],
    "fr": ["Traduis en {lang_fr} : {text}", "Comment dit-on cela en {lang_fr} ? {text}"],
}
NAMES_DE = {"en": "Englische", "de": "Deutsche", "fr": "Französische"}
NAMES_FR = {"en": "anglais", "de": "allemand", "fr": "français"}


def lexicon_terms(source_text: str, target_text: str, source: str, target: str,
                  rng: random.Random, most: int = 2) -> list[tuple[str, str]]:
    """Up to ``most`` lexicon entries found in both the sentence and its reference translation."""
    found = [(row[source], row[target]) for row in lexicon()
             if term_present(row[source], source_text) and term_present(row[target], target_text)]
    rng.shuffle(found)
    return found[:most]


def request(text: str, source: str, target: str, rng: random.Random, asked_in: str) -> str:
    template = rng.choice(REQUESTS[asked_in])
    if asked_in == "de":
        name = NAMES_DE[target].removesuffix("e")  # "ins Deutsche" / "auf Deutsch"
        return template.format(lang_de=NAMES_DE[target] if "ins" in template else name, text=text)
    if asked_in == "fr":
        return template.format(lang_fr=NAMES_FR[target], text=text)
    return template.format(lang=LANGUAGES[target], text=text)


def trajectory(source_text: str, target_text: str, source: str, target: str, rng: random.Random) -> dict[str, Any]:
    """One ReAct trajectory: detect, call ``translate``, answer with the translation."""
    asked_in = rng.choice([lang for lang in LANGUAGES if lang != target])
    question = request(source_text, source, target, rng, asked_in)
    observation = format_observation(Translation(source_text, target_text, source, target), detected=True)
    action = json.dumps({"text": source_text, "target": target}, ensure_ascii=False)
    return {"messages": [
        {"role": "user", "content": question},
        {"role": "assistant", "content": f"Thought: The text is {LANGUAGES[source]} and the user wants "
                                         f"{LANGUAGES[target]}. I will translate it.\nAction: translate[{action}]"},
        {"role": "user", "content": f"Observation: {observation}"},
        {"role": "assistant", "content": f"Thought: I have the translation.\nFinal Answer: {target_text}"},
    ], "meta": {"kind": "trajectory", "direction": f"{source}_{target}"}}


def build_training_data(data_dir: Path, *, terms_share: float = 0.25, trajectory_every: int = 50,
                        seed: int = 0) -> Iterator[dict[str, Any]]:
    """Direct pairs for every Multi30k training sentence and direction, interleaved, plus trajectories."""
    rng = random.Random(seed)
    pairs = {(s, t): read_pairs(Path(data_dir), "train", s, t) for s, t in DIRECTIONS}
    n = min(len(p) for p in pairs.values())
    orders = {d: rng.sample(range(n), n) for d in DIRECTIONS}
    count = 0
    for k in range(n):
        for source, target in DIRECTIONS:
            src_text, tgt_text = pairs[(source, target)][orders[(source, target)][k]]
            terms = lexicon_terms(src_text, tgt_text, source, target, rng) if rng.random() < terms_share else []
            yield {"prompt": translation_prompt(src_text, source, target, terms), "completion": f" {tgt_text}"}
            count += 1
            if trajectory_every and count % trajectory_every == 0:
                yield trajectory(src_text, tgt_text, source, target, rng)
