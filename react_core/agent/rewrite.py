"""Steps written with another adapter: the question before the loop, the answer after it.

The ReAct loop runs with one adapter (the domain's). Some runs need another adapter for one
step: a customer writes in German, the banking adapter reasons in English, and the
translation adapter writes the final answer back in German. A ``Rewrite`` is such a step:
a prompt built from the original question and the text to rewrite, and the adapter that
writes it. ``prompt`` returns ``None`` to skip the step (e.g. the question is already in
English), so one agent serves every language.

    agent = Agent(backend, tools, adapter="customer_service",
                  query_rewrite=Rewrite("to_english", to_en_prompt, adapter="translation"),
                  answer_rewrite=Rewrite("to_customer_language", back_prompt, adapter="translation"))

Each rewrite is recorded in the result as a ``Step`` with ``kind="rewrite"`` and its
``adapter``, between the question and the loop's steps (query) or after them (answer); the
draft is the step's ``action_input`` and the rewritten text its ``observation``. If the
rewrite fails (the backend raises, or it writes nothing), the run keeps the text it had and
the step records the error: a rewrite never loses an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rewrite:
    """One step written by ``adapter`` (None: the base) from ``prompt(query, text)``."""

    name: str
    prompt: Callable[[str, str], str | None]
    adapter: str | None = None
    max_new_tokens: int = 256
    stop: Sequence[str] = ("\n",)

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError("a Rewrite needs a name (it is the step's action in the trace)")
        if not callable(self.prompt):
            raise ValueError(f"Rewrite {self.name!r}: prompt must be a callable (query, text) -> str | None")
        if self.max_new_tokens < 1:
            raise ValueError(f"Rewrite {self.name!r}: max_new_tokens must be at least 1")
