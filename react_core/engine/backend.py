"""The generation backend protocol and the local transformers backend.

An agent asks a backend for text: ``generate(prompt, stop=[...], max_new_tokens=N)``. The
backend stops at any stop string (so a model never writes its own Observation) and says
why it stopped. ``stream`` yields text deltas as they are produced.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass
class Generation:
    """One completion: text (stop string excluded), why it ended, and token counts."""

    text: str
    finish_reason: str  # "stop" (a stop string or end of sequence) or "length"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stop: str | None = None  # the stop string that ended it, if any


@runtime_checkable
class GenerationBackend(Protocol):
    """What the agent needs from a language model.

    ``stream`` yields text deltas. A backend that knows the usage returns the finished
    ``Generation`` as the generator's return value; the agent then counts streamed steps'
    tokens too (otherwise they count as zero).

    A backend whose ``supports_grammar`` attribute is true also takes ``grammar=`` (a Lark
    grammar, ``react_core.engine.constraint``) in both methods and writes only text the grammar
    allows; the agent then constrains its actions (``react_core.agent.grammar``).
    """

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None) -> Generation: ...

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None) -> Iterator[str]: ...


BackendFactory = Callable[..., GenerationBackend]


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, str | None]:
    """Cut ``text`` at the earliest stop string; return the kept text and the stop found."""
    best, found = len(text), None
    for s in stop:
        if not s:
            continue
        i = text.find(s)
        if i != -1 and i < best:
            best, found = i, s
    return text[:best], found


class LocalBackend:
    """Generate with a transformers causal LM in this process (greedy unless temperature > 0).

    ``adapter`` names a PEFT adapter loaded on a ``PeftModel``; ``None`` uses the base.
    ``grammar`` constrains the text (a logits processor over ``react_core.engine.constraint``).
    """

    supports_grammar = True

    def __init__(self, model: Any, tokenizer: Any, *, lock: threading.Lock | None = None) -> None:
        from react_core.engine.constraint import Constrainer

        self.model = model
        self.tokenizer = tokenizer
        self._lock = lock or threading.Lock()
        self.constrainer = Constrainer(tokenizer)

    @classmethod
    def from_name(cls, name: str, **kwargs: Any) -> LocalBackend:
        from react_core.models.loading import load_causal_lm

        loaded = load_causal_lm(name, **kwargs)
        return cls(loaded.model, loaded.tokenizer)

    def _inputs(self, prompt: str) -> Any:
        enc = self.tokenizer(prompt, return_tensors="pt")
        return enc.to(self.model.device)

    def _gen_kwargs(self, max_new_tokens: int, temperature: float, stop: Sequence[str],
                    adapter: str | None, grammar: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "do_sample": temperature > 0,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if temperature > 0:
            kwargs["temperature"] = temperature
        if stop:
            kwargs["stop_strings"] = list(stop)
            kwargs["tokenizer"] = self.tokenizer
        if adapter is not None:
            kwargs["adapter_names"] = [adapter]
        if grammar is not None:
            from transformers import LogitsProcessorList, StoppingCriteriaList

            from react_core.engine.constraint import GrammarLogits, GrammarStop

            matcher = self.constrainer.matcher(grammar)
            kwargs["logits_processor"] = LogitsProcessorList([GrammarLogits(matcher)])
            kwargs["stopping_criteria"] = StoppingCriteriaList([GrammarStop(matcher, self.tokenizer.eos_token_id)])
        return kwargs

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Generation:
        import torch

        inputs = self._inputs(prompt)
        n_prompt = int(inputs["input_ids"].shape[1])
        kwargs = self._gen_kwargs(max_new_tokens, temperature, stop, adapter, grammar)
        with self._lock, torch.inference_mode():
            out = self.model.generate(**inputs, **kwargs)
        new_ids = out[0, n_prompt:]
        raw = self.tokenizer.decode(new_ids, skip_special_tokens=True)
        text, found = cut_at_stop(raw, stop)
        ended_eos = bool(len(new_ids)) and int(new_ids[-1]) == self.tokenizer.eos_token_id
        reason = "stop" if found is not None or ended_eos or len(new_ids) < max_new_tokens else "length"
        return Generation(text=text, finish_reason=reason, prompt_tokens=n_prompt,
                          completion_tokens=int(len(new_ids)), stop=found)

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = self._gen_kwargs(max_new_tokens, temperature, stop, adapter, grammar)
        inputs = self._inputs(prompt)

        def work() -> None:
            with self._lock, torch.inference_mode():
                self.model.generate(**inputs, streamer=streamer, **kwargs)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        emitted = ""
        held = ""  # text that may be the start of a stop string
        longest = max((len(s) for s in stop), default=0)
        try:
            for delta in streamer:
                held += delta
                cut, found = cut_at_stop(emitted + held, stop)
                if found is not None:
                    if len(cut) > len(emitted):
                        yield cut[len(emitted):]
                    return
                safe = len(held) - max(longest - 1, 0)
                if safe > 0:
                    emitted += held[:safe]
                    yield held[:safe]
                    held = held[safe:]
            if held:
                yield held
        finally:
            thread.join()
