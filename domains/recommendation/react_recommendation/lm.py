"""The language model's interest score: how much more likely " Yes" is than " No" after a prompt
listing the movies the user liked and describing the candidate.

Both answers are one Gemma 3 token, so each prompt costs one forward pass
(``react_core.score_continuations`` reads both options off the last position).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from react_recommendation.movielens import Movie

YES, NO = " Yes", " No"


def interest_prompt(liked_titles: Sequence[str], candidate: Movie, taste: str = "") -> str:
    """The direct-task prompt (training pairs use exactly this)."""
    if liked_titles:
        context = "Movies the user liked: " + "; ".join(liked_titles) + "."
    else:
        context = "The user's taste: " + " ".join(taste.split())[:300]
    return f"{context}\nCandidate: {candidate.text}\nWill the user like the candidate? Answer:"


def interest_scores(model: Any, tokenizer: Any, prompts: Sequence[str], *, batch_size: int = 16,
                    progress: Callable[[int], None] | None = None) -> list[float]:
    """``log p(" Yes") - log p(" No")`` for each prompt."""
    from react_core import score_continuations

    scores = score_continuations(model, tokenizer, list(prompts), [[YES, NO]] * len(prompts),
                                 batch_size=batch_size, progress=progress)
    return [yes - no for yes, no in scores]
