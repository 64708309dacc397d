"""Batches of one prompt head: the order the training examples are drawn in.

The collator runs a head that every example of a batch starts with once (``Collator``,
``share_prefix``). A batch that mixes heads (bare direct pairs beside trajectories behind the
agent's long system prompt) shares nothing and pays for every example's full length; on two
CPU cores such a batch of 8 ran out of 24 GiB. transformers' length grouping puts examples of
similar *length* together, which mixes heads whenever their lengths overlap. ``head_grouped``
first groups the examples by their head (the first ``min_prefix`` tokens of the untrained
start: what the collator could share; a head too rare to fill a batch counts as none), then
groups each group by length as transformers does, and shuffles the batches: every batch but at
most one per head is a batch of one head.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from react_core.training.tokenize import IGNORE, Encoded


def head_key(row: Encoded, min_prefix: int) -> tuple[int, ...]:
    """The head ``row`` could share in a batch: its first ``min_prefix`` tokens when its untrained
    start is longer than that (as ``Collator.shared_length`` requires), else ``()``: no head."""
    first_trained = next((i for i, label in enumerate(row.labels) if label != IGNORE), len(row.labels))
    return tuple(row.input_ids[:min_prefix]) if first_trained - 1 >= min_prefix else ()


def head_grouped(rows: Sequence[Encoded], batch_size: int, *, min_prefix: int = 16,
                 generator: Any = None) -> list[int]:
    """A permutation of ``range(len(rows))`` whose consecutive ``batch_size`` slices are batches of
    one head and similar lengths, in random order, the longest batch first (an out-of-memory error
    comes at once, not hours in); each head's last partial batch goes to the end, so only those can
    mix heads. ``generator``: a ``torch.Generator`` (default: torch's global one, as transformers'
    samplers use, so the trainer's seed and resumed RNG state apply)."""
    import torch

    from transformers.trainer_pt_utils import get_length_grouped_indices

    keyed: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        keyed[head_key(row, min_prefix)].append(i)
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for key, members in keyed.items():  # a head too rare to fill a batch is no head (direct pairs' prompts)
        groups[key if len(members) >= batch_size else ()].extend(members)
    lengths = [len(row.input_ids) for row in rows]
    batches: list[list[int]] = []
    leftovers: list[int] = []
    for members in groups.values():
        order = get_length_grouped_indices([lengths[i] for i in members], batch_size, generator=generator)
        ordered = [members[j] for j in order]
        full = len(ordered) - len(ordered) % batch_size
        batches += [ordered[k:k + batch_size] for k in range(0, full, batch_size)]
        leftovers += ordered[full:]
    shuffled = [batches[j] for j in torch.randperm(len(batches), generator=generator).tolist()]
    if shuffled:
        longest = max(range(len(shuffled)), key=lambda b: max(lengths[i] for i in shuffled[b]))
        shuffled[0], shuffled[longest] = shuffled[longest], shuffled[0]
    return [i for batch in shuffled for i in batch] + leftovers


class HeadGroupedSampler:
    """A ``torch.utils.data.Sampler`` drawing :func:`head_grouped` anew each epoch."""

    def __init__(self, rows: Sequence[Encoded], batch_size: int, *, min_prefix: int = 16) -> None:
        self.rows, self.batch_size, self.min_prefix = list(rows), batch_size, min_prefix

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[int]:
        return iter(head_grouped(self.rows, self.batch_size, min_prefix=self.min_prefix))
