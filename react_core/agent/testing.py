"""A scripted generation backend, for tests of agents, tools and domains (no model needed)::

    from react_core.agent.testing import ScriptedBackend
    backend = ScriptedBackend([" I should look it up.\\nAction: search[Paris]",
                               " I know it.\\nFinal Answer: Paris"])
    result = Agent(backend, [search]).run("Capital of France?")
    assert backend.calls[1].prompt.endswith("Thought:")

Responses are returned in order, cut at the stop strings the agent passes (as a real
backend does) unless ``honor_stop=False``. A response may be an exception (raised) or a
callable that gets the prompt and returns the text. ``supports_grammar=True`` makes it a
backend that takes ``grammar=`` (recorded in ``calls``, not applied): the agent then asks for
constrained steps, and a test can check which grammar each step was given.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Union

from react_core.engine.backend import Generation, cut_at_stop

Response = Union[str, BaseException, Callable[[str], str]]


class ScriptExhausted(RuntimeError):
    """The agent asked for more responses than the script has."""


@dataclass(frozen=True)
class Call:
    """One request the agent made."""

    prompt: str
    stop: tuple[str, ...]
    max_new_tokens: int
    temperature: float
    adapter: str | None
    grammar: str | None = None


class ScriptedBackend:
    """A ``GenerationBackend`` that replays ``responses``; ``calls`` records every request.

    Token counts are whitespace-separated words, so usage numbers are deterministic.
    ``stream`` yields the response in chunks of ``chunk_chars`` characters.
    """

    def __init__(self, responses: Sequence[Response], *, honor_stop: bool = True, chunk_chars: int = 4,
                 repeat_last: bool = False, supports_grammar: bool = False) -> None:
        self.supports_grammar = supports_grammar
        self.responses = list(responses)
        self.honor_stop = honor_stop
        self.chunk_chars = chunk_chars
        self.repeat_last = repeat_last
        self.calls: list[Call] = []

    def _next(self, prompt: str, stop: Sequence[str], max_new_tokens: int, temperature: float,
              adapter: str | None, grammar: str | None = None) -> Generation:
        if grammar is not None and not self.supports_grammar:
            raise TypeError("this ScriptedBackend was made without supports_grammar=True")
        self.calls.append(Call(prompt, tuple(stop), max_new_tokens, temperature, adapter, grammar))
        index = len(self.calls) - 1
        if index >= len(self.responses):
            if not (self.repeat_last and self.responses):
                raise ScriptExhausted(f"the script has {len(self.responses)} responses; request {index + 1}")
            index = len(self.responses) - 1
        response = self.responses[index]
        if isinstance(response, BaseException):
            raise response
        text = response(prompt) if callable(response) else response
        found = None
        if self.honor_stop:
            text, found = cut_at_stop(text, stop)
        return Generation(text=text, finish_reason="stop", prompt_tokens=len(prompt.split()),
                          completion_tokens=len(text.split()), stop=found)

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Generation:
        return self._next(prompt, stop, max_new_tokens, temperature, adapter, grammar)

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None,
               grammar: str | None = None) -> Generator[str, None, Generation]:
        generation = self._next(prompt, stop, max_new_tokens, temperature, adapter, grammar)
        text = generation.text
        for i in range(0, len(text), self.chunk_chars):
            yield text[i:i + self.chunk_chars]
        return generation  # the usage, as backends that know it report it
