"""Keyword search: BM25 (bm25s) over a tokenizer that handles CJK text.

Latin, Cyrillic and other space-separated scripts are split into lowercased word tokens;
runs of Chinese, Japanese or Korean characters (written without spaces) become character
unigrams plus bigrams, so a query matches without a language-specific segmenter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

_CJK = (r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
        r"\u3130-\u318f\uff66-\uff9f")
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were what "
    "which who whom with".split()
)


def tokenize(text: str, *, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Tokens of ``text``: words (NFKC, lowercased, stopwords dropped) and CJK uni+bigrams."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text).lower()):
        token = match.group(0)
        if _CJK_RUN.match(token):
            tokens.extend(token)
            tokens.extend(token[i:i + 2] for i in range(len(token) - 1))
        elif token not in stopwords:
            tokens.append(token)
    return tokens


class KeywordIndex:
    """BM25 over a fixed list of texts; rebuild it (cheap) when the corpus changes."""

    def __init__(self, texts: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> None:
        import bm25s

        self.size = len(texts)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if self.size:
            # bm25s needs a non-empty token list per document to keep positions aligned.
            self._bm25.index([tokenize(t) or ["\x00"] for t in texts], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for ``query`` (zeros when no query token is known)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` ``(position, score)`` with a positive score, restricted to ``mask`` if given."""
        scores = self.scores(query)
        if mask is not None and scores.size:
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
        return [(int(i), float(scores[i])) for i in top]
