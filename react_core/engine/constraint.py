"""Constrained decoding: a grammar decides which tokens a request may pick next.

A request that carries a grammar (a Lark grammar in llguidance's dialect: JSON schemas can be
embedded with ``%json {...}``, rules can be bounded with ``[max_tokens=N]``) gets a
``Matcher``: before each token is picked, every token the grammar cannot continue with is
masked out of the logits; the picked token is fed back; when the grammar is complete and
admits nothing more the request ends (``finish_reason`` "stop"). The model stays free
inside the grammar (a free-text rule is free text).

Why llguidance (``benchmarks/constrained_decoding.py`` measures it beside xgrammar on Gemma 3's
262k-token vocabulary): a mask costs ~0.05 ms a token on two CPU cores, a grammar compiles in
~10 ms, JSON schemas embed in a context-free grammar, and ``max_tokens`` bounds a free-text
rule, so a step finishes within its token budget by construction. vLLM, SGLang and llama.cpp
use the same library, so a grammar written here also works there.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

_INSTALL = "constrained decoding needs llguidance: pip install 'llguidance>=1.0'"


class GrammarError(ValueError):
    """The grammar does not compile (the message says where)."""


def _llguidance() -> Any:
    try:
        import llguidance
        import llguidance.hf
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError(_INSTALL) from exc
    return llguidance


class Constrainer:
    """Compiles grammars against one tokenizer and makes a ``Matcher`` per request.

    Wrapping a tokenizer for llguidance reads its whole vocabulary (~4 s for Gemma 3's 262k
    tokens), so it happens once, on the first grammar; compiled grammars are kept (LRU).
    Thread-safe.
    """

    def __init__(self, tokenizer: Any, *, vocab_size: int | None = None, max_grammars: int = 64) -> None:
        self.tokenizer = tokenizer
        self._vocab_size = vocab_size
        self._ll_tokenizer: Any = None
        self._grammars: OrderedDict[str, Any] = OrderedDict()
        self._max = max_grammars
        self._lock = threading.Lock()

    def _tokenizer(self) -> Any:
        if self._ll_tokenizer is None:
            ll = _llguidance()
            self._ll_tokenizer = ll.hf.from_tokenizer(self.tokenizer, n_vocab=self._vocab_size)
        return self._ll_tokenizer

    def warm(self) -> None:
        """Read the vocabulary now (an engine does it on a thread of its own when it starts), so the
        first grammar does not wait for it. Failures are left for the first grammar to report."""
        try:
            with self._lock:
                self._tokenizer()
        except Exception:  # noqa: BLE001 - reported by matcher() when a grammar is used
            pass

    def matcher(self, grammar: str) -> Matcher:
        """A fresh matcher for ``grammar`` (``GrammarError`` when it does not compile)."""
        ll = _llguidance()
        with self._lock:
            tokenizer = self._tokenizer()
            compiled = self._grammars.get(grammar)
            if compiled is None:
                compiled = ll.grammar_from("lark", grammar)
                failed, messages = ll.LLMatcher.validate_grammar_with_warnings(compiled, tokenizer)
                if failed:
                    raise GrammarError(f"the grammar does not compile: {'; '.join(messages)}")
                self._grammars[grammar] = compiled
                while len(self._grammars) > self._max:
                    self._grammars.popitem(last=False)
            else:
                self._grammars.move_to_end(grammar)
        inner = ll.LLMatcher(tokenizer, compiled, log_level=0)
        if inner.is_error():
            raise GrammarError(f"the grammar does not compile: {inner.get_error()}")
        return Matcher(inner, tokenizer.vocab_size)


class Matcher:
    """One request's position in its grammar."""

    def __init__(self, inner: Any, vocab_size: int) -> None:
        self._inner = inner
        self.vocab_size = vocab_size

    def allowed(self, size: int) -> Any:
        """A boolean tensor of ``size`` (the logits' width): True where a token may come next."""
        import numpy as np
        import torch

        words = np.frombuffer(self._inner.compute_bitmask(), dtype=np.uint8)
        bits = np.unpackbits(words, bitorder="little")[:size]
        allowed = torch.from_numpy(bits.astype(bool))
        if allowed.shape[0] < size:  # the model's output layer is wider than the vocabulary
            allowed = torch.cat([allowed, torch.zeros(size - allowed.shape[0], dtype=torch.bool)])
        return allowed

    def mask(self, logits: Any) -> Any:
        """``logits`` (one row) with every token the grammar forbids set to -inf (a new tensor)."""
        allowed = self.allowed(int(logits.shape[-1])).to(logits.device)
        return logits.masked_fill(~allowed, float("-inf"))

    def accept(self, token: int) -> bool:
        """Feed the picked token; False when the grammar rejects it (the matcher is then in error)."""
        return bool(self._inner.consume_token(int(token)))

    @property
    def done(self) -> bool:
        """The grammar is complete and admits no further token: the request ends here."""
        return bool(self._inner.is_stopped())

    @property
    def accepting(self) -> bool:
        """The text so far is a complete sentence of the grammar (end of sequence is allowed)."""
        return bool(self._inner.is_accepting())

    @property
    def error(self) -> str:
        return str(self._inner.get_error() or "")


class GrammarLogits:
    """A transformers logits processor (batch of one): masks what ``matcher`` forbids."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        return self.matcher.mask(scores[0]).unsqueeze(0)


class GrammarStop:
    """A transformers stopping criterion (batch of one): feeds each new token to ``matcher`` and
    stops when the grammar is complete. Runs after every generated token, before the next mask."""

    def __init__(self, matcher: Matcher, eos_token_id: int | None) -> None:
        self.matcher = matcher
        self.eos = eos_token_id

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        token = int(input_ids[0, -1])
        if token != self.eos and not self.matcher.accept(token):
            raise RuntimeError(f"the grammar rejected token {token}: {self.matcher.error}")
        return torch.tensor([self.matcher.done], device=input_ids.device)
