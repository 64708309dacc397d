"""A conversation as one question: earlier turns before the newest message, and the way back.

The agent answers one question per run. A chat backend (``react serve``, ``Service.run(...,
history=...)``) puts the most recent earlier turns before the customer's newest message, so the
model sees what was said. A tool or guard that must act on the newest message alone (a hand-over
request said three turns ago was already handled) reads it back with :func:`latest_message`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

HISTORY_OPEN = "(conversation so far)\n"
HISTORY_CLOSE = "\n(now answer)\n"


def compose(query: str, history: Sequence[Mapping[str, str]], max_chars: int) -> str:
    """``query`` with the most recent turns of ``history`` (``{"role", "content"}``, oldest first)
    before it, as many whole turns as fit in ``max_chars``; ``query`` alone when none fit."""
    lines: list[str] = []
    used = 0
    for message in reversed(history):
        line = f"{message.get('role', 'user').capitalize()}: {' '.join(str(message.get('content', '')).split())}"
        if used + len(line) > max_chars:
            break
        lines.append(line)
        used += len(line)
    if not lines:
        return query
    return HISTORY_OPEN + "\n".join(reversed(lines)) + HISTORY_CLOSE + query


def latest_message(question: str) -> str:
    """The newest message of a question :func:`compose` wrote; any other question unchanged."""
    if not question.startswith(HISTORY_OPEN):
        return question
    _, sep, newest = question.rpartition(HISTORY_CLOSE)
    return newest if sep else question
