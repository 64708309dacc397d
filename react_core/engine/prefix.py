"""Reusing the KV cache of finished requests for the prompts that start the same way.

A ReAct step's prompt is the previous step's prompt, what the model wrote and the tool's
observation, and every question of an agent starts with the same system prompt and few-shot
trajectories (about 1,300 tokens for the customer-service agent). So the engine keeps the
keys and values of finished requests, per PEFT adapter row, and a new request whose prompt
tokens begin with a kept entry's tokens prefills only the rest: on 2 CPU cores that agent's
runs were 1.17x (bf16) to 1.35x (fp32) faster one at a time and 1.43x to 1.65x four at once
(docs/benchmarks.md, "Prefix reuse").

Entries are bounded by a token budget (least recently used out first); an entry that is a
prefix of a newer one with the same adapter is dropped as the newer one covers it. The
cache is emptied whenever the adapter store installs an adapter or takes one out of the
model (evicted, unloaded, a merge dropped), so no entry outlives the weights that computed it.
Only the engine's worker thread uses it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch

KV = list[tuple[torch.Tensor, torch.Tensor]]  # per layer: keys, values [1, heads, tokens, head_dim]


@dataclass
class _Entry:
    row: str  # the PEFT adapter the keys and values were computed with
    ids: torch.Tensor  # the tokens they cover, [tokens]
    kv: KV


@dataclass(frozen=True)
class PrefixHit:
    """``tokens`` leading tokens of a prompt whose keys and values ``kv`` holds (cut to length)."""

    tokens: int
    kv: KV


class PrefixCache:
    """Finished requests' keys and values, at most ``max_tokens`` tokens in all (0: off).

    ``min_tokens`` is the shortest shared prefix worth reusing: below it a prompt is
    prefilled whole (the copy and a second forward cost more than they save).
    """

    def __init__(self, max_tokens: int, *, min_tokens: int = 16) -> None:
        if max_tokens < 0:
            raise ValueError(f"max_tokens must be 0 (off) or more, got {max_tokens}")
        self.max_tokens = max_tokens
        self.min_tokens = max(1, min_tokens)
        self._entries: OrderedDict[int, _Entry] = OrderedDict()  # LRU order, oldest first
        self._next = 0
        self._version: object = None

    @property
    def tokens(self) -> int:
        """Tokens held now."""
        return sum(int(e.ids.numel()) for e in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def check_version(self, version: object) -> None:
        """Empty the cache when ``version`` (the adapter store's) differs from the last one seen."""
        if version != self._version:
            self.clear()
            self._version = version

    def put(self, row: str, ids: list[int], kv: KV) -> None:
        """Keep ``kv``, computed with adapter row ``row`` over ``ids`` (too long for the budget: not kept)."""
        if not self.max_tokens or len(ids) < self.min_tokens or len(ids) > self.max_tokens:
            return
        new = torch.tensor(ids, dtype=torch.long)
        for key, entry in list(self._entries.items()):
            n = int(entry.ids.numel())
            if entry.row == row and n <= len(ids) and torch.equal(entry.ids, new[:n]):
                del self._entries[key]  # the new entry covers it
        self._entries[self._next] = _Entry(row, new, [(k.detach(), v.detach()) for k, v in kv])
        self._next += 1
        held = self.tokens
        while held > self.max_tokens:
            _, oldest = self._entries.popitem(last=False)
            held -= int(oldest.ids.numel())

    def longest(self, row: str, ids: list[int]) -> PrefixHit | None:
        """The longest kept prefix of ``ids`` for adapter row ``row``, at most ``len(ids) - 1``
        tokens (the last prompt token is always run, for its logits), or None below ``min_tokens``."""
        if not self._entries or len(ids) <= self.min_tokens:
            return None
        want = torch.tensor(ids, dtype=torch.long)
        best_key, best = None, 0
        for key, entry in self._entries.items():
            if entry.row != row:
                continue
            n = min(int(entry.ids.numel()), len(ids) - 1)
            differ = (entry.ids[:n] != want[:n]).nonzero()
            common = int(differ[0]) if differ.numel() else n
            if common > best:
                best_key, best = key, common
        if best_key is None or best < self.min_tokens:
            return None
        self._entries.move_to_end(best_key)
        kv = [(k[:, :, :best, :], v[:, :, :best, :]) for k, v in self._entries[best_key].kv]
        return PrefixHit(tokens=best, kv=kv)
