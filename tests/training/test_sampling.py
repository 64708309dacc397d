"""Batches of one prompt head: the order training examples are drawn in."""

from __future__ import annotations

import torch

from react_core.training.sampling import HeadGroupedSampler, head_grouped, head_key
from react_core.training.tokenize import IGNORE, Collator, Encoded

AGENT_HEAD = list(range(100, 140))  # a long system prompt
OTHER_HEAD = list(range(200, 230))  # another domain's


def row(head: list[int], body: int, trained: int = 3) -> Encoded:
    ids = head + [7] * body + [9] * trained
    return Encoded(ids, [IGNORE] * (len(head) + body) + [9] * trained)


def mixed_rows() -> list[Encoded]:
    """Three heads whose lengths overlap: length grouping alone mixes them."""
    rows = [row(AGENT_HEAD, body) for body in range(0, 60, 2)]
    rows += [row(OTHER_HEAD, body) for body in range(10, 70, 3)]
    rows += [row([5, body], body) for body in range(30, 80, 2)]  # direct pairs: each its own prompt
    return rows


def test_the_head_is_what_the_collator_could_share() -> None:
    assert head_key(row(AGENT_HEAD, 5), 16) == tuple(AGENT_HEAD[:16])
    assert head_key(Encoded([1, 2, 3, 4], [IGNORE, 2, 3, 4]), 16) == ()  # trained almost at once: nothing to share


def test_batches_hold_one_head_and_every_example_once() -> None:
    rows, batch = mixed_rows(), 4
    torch.manual_seed(0)
    order = head_grouped(rows, batch)
    assert sorted(order) == list(range(len(rows)))
    batches = [order[i:i + batch] for i in range(0, len(order), batch)]
    mixed = [b for b in batches if len({rows[i].input_ids[0] for i in b}) > 1]  # 100, 200: a head; 5: none
    assert len(mixed) <= 2 and all(batches.index(b) >= len(batches) - 3 for b in mixed)  # partial leftovers, at the end
    col = Collator(0, side="left", share_prefix=True)
    shared = [col.shared_length([{"input_ids": rows[i].input_ids, "labels": rows[i].labels} for i in b]) for b in batches]
    first_batch = max(len(rows[i].input_ids) for i in batches[0])
    assert first_batch == max(len(r.input_ids) for r in rows)  # the longest batch first: out of memory at once

    from transformers.trainer_pt_utils import get_length_grouped_indices

    torch.manual_seed(0)
    plain = get_length_grouped_indices([len(r.input_ids) for r in rows], batch)
    plain_mixed = [plain[i:i + batch] for i in range(0, len(plain), batch)
                   if len({rows[j].input_ids[0] for j in plain[i:i + batch]}) > 1]
    assert len(plain_mixed) > len(mixed)  # what length grouping alone does with overlapping lengths
    assert sum(n > 0 for n in shared) >= 12  # 30 + 20 rows with a head: 12 full batches share it


def test_each_epoch_draws_a_new_order_from_the_seed() -> None:
    sampler = HeadGroupedSampler(mixed_rows(), 4)
    torch.manual_seed(1)
    first, second = list(sampler), list(sampler)
    torch.manual_seed(1)
    assert list(sampler) == first and second != first and len(sampler) == len(first)


def test_training_draws_batches_of_one_head(tiny_lm_path, tmp_path) -> None:
    from react_core.training.config import TrainConfig
    from react_core.training.data import from_prompt_completion
    from react_core.training.trainer import train_adapter

    head = "You are the bank's assistant. Answer with the intent of the customer's message. " * 2
    exs = [from_prompt_completion(f"{head}Customer: item {i}\nIntent:", f" label_{i % 3}") for i in range(12)]
    exs += [from_prompt_completion(f"Query: item {i}\nIntent:", f" label_{i % 3}") for i in range(12)]
    seen = []
    original = Collator.__call__

    def spy(self, batch):
        out = original(self, batch)
        seen.append("prefix_ids" in out)
        return out

    Collator.__call__ = spy
    try:
        cfg = TrainConfig(base_model=str(tiny_lm_path), epochs=1, batch_size=4, eval_steps=0, dtype="fp32", rank=4)
        train_adapter(cfg, exs, [], name="heads", out_dir=tmp_path / "adapter")
    finally:
        Collator.__call__ = original
    assert seen.count(True) == 3  # the 12 examples behind the head: 3 batches, each sharing it
