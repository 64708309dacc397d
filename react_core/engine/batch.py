"""A decoding batch: rows with their KV cache, attention mask and positions, and its operations.

Rows are left-padded. A batch can take new rows between decode steps (their prompts are
prefilled on their own, then the two caches are padded to one length and concatenated)
and drop finished rows (their cache rows are removed, and leading columns that only hold
padding are trimmed). Each row names the PEFT adapter it runs with; the model's forward
receives them as ``adapter_names`` so one step serves many adapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch


@dataclass
class Batch:
    """Rows decoding together. ``mask`` is [rows, columns]; ``positions`` the next position per row."""

    cache: Any  # transformers DynamicCache holding full-length layers
    mask: torch.Tensor
    positions: torch.Tensor
    adapters: list[str]

    @property
    def size(self) -> int:
        return int(self.mask.shape[0])


def _forward(model: Any, input_ids: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor, cache: Any,
             adapters: Sequence[str], peft: bool) -> torch.Tensor:
    kwargs: dict[str, Any] = {}
    if peft:
        kwargs["adapter_names"] = list(adapters)
    # The last position as an index tensor, not ``logits_to_keep=1``: an int slices the hidden
    # states into a non-contiguous view, and torch's CPU bf16 linear with such an input and a
    # frozen weight (PEFT freezes the tied output layer) is ~500x slower (25 s for one prefill
    # of 32 rows); an index tensor gathers a contiguous copy.
    last = torch.tensor([input_ids.shape[1] - 1], device=input_ids.device)
    out = model(input_ids=input_ids, attention_mask=mask, position_ids=positions, cache=cache,
                use_cache=True, logits_to_keep=last, **kwargs)
    return out.logits[:, -1, :]


def prefill(model: Any, prompts: Sequence[Sequence[int]], adapters: Sequence[str], *, pad_id: int,
            peft: bool) -> tuple[Batch, torch.Tensor]:
    """Run the prompts (one row each) and return the new batch and each row's next-token logits."""
    from transformers import DynamicCache

    width = max(len(p) for p in prompts)
    device = next(model.parameters()).device
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, width - len(p):] = torch.tensor(list(p), dtype=torch.long)
        mask[i, width - len(p):] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    ids, mask, positions = ids.to(device), mask.to(device), positions.to(device)
    cache = DynamicCache()
    logits = _forward(model, ids, mask, positions, cache, adapters, peft)
    batch = Batch(cache=cache, mask=mask, positions=mask.sum(-1), adapters=list(adapters))
    return batch, logits


def prefill_after(model: Any, kv: Sequence[tuple[torch.Tensor, torch.Tensor]], suffix: Sequence[int],
                  adapter: str, *, peft: bool) -> tuple[Batch, torch.Tensor]:
    """One row whose first tokens' keys and values ``kv`` already holds: run only ``suffix``.

    Returns the new one-row batch (the given cache followed by the suffix's) and its next-token
    logits, as ``prefill`` would for the whole prompt.
    """
    from transformers import DynamicCache

    done = int(kv[0][0].shape[-2])
    device = kv[0][0].device
    cache = DynamicCache(ddp_cache_data=[(k, v) for k, v in kv])  # copies: the kept entry stays as it is
    total = done + len(suffix)
    ids = torch.tensor([list(suffix)], dtype=torch.long, device=device)
    mask = torch.ones((1, total), dtype=torch.long, device=device)
    positions = torch.arange(done, total, device=device).view(1, -1)
    logits = _forward(model, ids, mask, positions, cache, [adapter], peft)
    return Batch(cache=cache, mask=mask, positions=torch.tensor([total], device=device), adapters=[adapter]), logits


def row_kv(batch: Batch, row: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Row ``row``'s keys and values without its padding, per layer ``[1, heads, tokens, head_dim]``."""
    columns = batch.mask[row].nonzero().view(-1)
    return [(layer.keys[row:row + 1].index_select(2, columns), layer.values[row:row + 1].index_select(2, columns))
            for layer in _layers(batch.cache)]


def step(model: Any, batch: Batch, tokens: torch.Tensor, *, peft: bool) -> torch.Tensor:
    """Feed one token per row; extend the batch in place; return next-token logits per row."""
    ones = torch.ones((batch.size, 1), dtype=batch.mask.dtype, device=batch.mask.device)
    batch.mask = torch.cat([batch.mask, ones], dim=1)
    logits = _forward(model, tokens.view(-1, 1).to(batch.mask.device), batch.mask,
                      batch.positions.view(-1, 1), batch.cache, batch.adapters, peft)
    batch.positions = batch.positions + 1
    return logits


def _layers(cache: Any) -> list[Any]:
    return [layer for layer in cache.layers if getattr(layer, "keys", None) is not None and layer.keys.numel()]


def _left_pad(t: torch.Tensor, width: int, dim: int) -> torch.Tensor:
    missing = width - t.shape[dim]
    if missing <= 0:
        return t
    shape = list(t.shape)
    shape[dim] = missing
    return torch.cat([t.new_zeros(shape), t], dim=dim)


def join(a: Batch, b: Batch) -> Batch:
    """Batch ``a``'s rows followed by ``b``'s (``a`` is reused; ``b`` must not be used after)."""
    width = max(a.mask.shape[1], b.mask.shape[1])
    for la, lb in zip(_layers(a.cache), _layers(b.cache), strict=True):
        la.keys = torch.cat([_left_pad(la.keys, width, -2), _left_pad(lb.keys, width, -2)], dim=0)
        la.values = torch.cat([_left_pad(la.values, width, -2), _left_pad(lb.values, width, -2)], dim=0)
    a.mask = torch.cat([_left_pad(a.mask, width, 1), _left_pad(b.mask, width, 1)], dim=0)
    a.positions = torch.cat([a.positions, b.positions])
    a.adapters = a.adapters + b.adapters
    return a


def select(batch: Batch, keep: Sequence[int]) -> Batch | None:
    """Keep only rows ``keep`` (in order); trim columns no kept row uses; None if no row is left."""
    if not keep:
        return None
    if len(keep) == batch.size:
        return batch
    index = torch.tensor(list(keep), dtype=torch.long, device=batch.mask.device)
    mask = batch.mask.index_select(0, index)
    start = int((mask.cumsum(-1) == 0).sum(-1).min())  # leading all-padding columns
    for layer in _layers(batch.cache):
        layer.keys = layer.keys.index_select(0, index)[:, :, start:, :]
        layer.values = layer.values.index_select(0, index)[:, :, start:, :]
    batch.mask = mask[:, start:]
    batch.positions = batch.positions.index_select(0, index)
    batch.adapters = [batch.adapters[i] for i in keep]
    return batch
