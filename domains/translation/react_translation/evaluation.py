"""Evaluation tasks for ``react eval translation``: Multi30k BLEU and chrF per direction.

- ``en_de`` (primary), ``de_en``, ``en_fr``: ``validation`` is Multi30k val (1,014),
  ``test`` is test2016 flickr (1,000); ``test2017``, ``test2018`` and ``mscoco`` work too.
- Scores are sacreBLEU corpus BLEU (13a tokenisation, cased, detokenised output against the
  untokenised references) and chrF, on a 0-100 scale, plus lower-cased BLEU (``bleu_lc``),
  closer to the tokenised lower-cased BLEU of most Multi30k papers. The sacreBLEU signatures
  are printed (stderr) with every score and kept in ``SIGNATURES``.
- Predictions are greedy, one line each, at most ``MAX_NEW_TOKENS`` tokens.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from react_core import EvalTask, evenly_spread

from react_translation.data import read_pairs
from react_translation.languages import DIRECTIONS, translation_prompt
from react_translation.translate import generate_lines

# the longest reference in val / test2016 is 46 Gemma 3 tokens (German); +2 for the stop
MAX_NEW_TOKENS = 48
PUBLISHED_EN_DE = (38.0, "text-only Transformer, Multi30k test2016 (38-41 BLEU in MMT papers, tokenised lower-cased)")
SIGNATURES: dict[str, str] = {}


def loader(source: str, target: str) -> Callable[[Path, str, int | None], list[dict[str, Any]]]:
    def load(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
        pairs = evenly_spread(read_pairs(Path(data_dir), split, source, target), limit)
        return [{"prompt": translation_prompt(s, source, target), "reference": t, "source": s} for s, t in pairs]

    return load


def sacrebleu_scores(predictions: list[str], references: list[str]) -> dict[str, float]:
    """Corpus BLEU, lower-cased BLEU and chrF (0-100); records and prints the signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    hyps = [" ".join(str(p).split()) for p in predictions]
    bleu, bleu_lc, chrf = BLEU(), BLEU(lowercase=True), CHRF()
    scores = {"bleu": bleu.corpus_score(hyps, [references]).score,
              "bleu_lc": bleu_lc.corpus_score(hyps, [references]).score,
              "chrf": chrf.corpus_score(hyps, [references]).score}
    SIGNATURES.update(bleu=str(bleu.get_signature()), bleu_lc=str(bleu_lc.get_signature()),
                      chrf=str(chrf.get_signature()))
    print(f"sacreBLEU signatures: {SIGNATURES['bleu']} | {SIGNATURES['chrf']}", file=sys.stderr)
    return scores


def score(predictions: list[str], examples: list[dict[str, Any]]) -> dict[str, float]:
    return sacrebleu_scores(predictions, [e["reference"] for e in examples])


def predict(model: Any, tokenizer: Any, examples: list[dict[str, Any]], batch_size: int,
            progress: Callable[[int], None] | None = None) -> list[str]:
    """Greedy translations, each cut at the first newline (a base model goes on otherwise)."""
    return generate_lines(model, tokenizer, [e["prompt"] for e in examples], max_new_tokens=MAX_NEW_TOKENS,
                          batch_size=batch_size, progress=progress)


TASKS = tuple(
    EvalTask(f"{src}_{tgt}", "bleu", loader(src, tgt), score, max_new_tokens=MAX_NEW_TOKENS, predict=predict,
             published=PUBLISHED_EN_DE if (src, tgt) == ("en", "de") else None)
    for src, tgt in DIRECTIONS
)
