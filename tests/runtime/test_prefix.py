"""Prefix reuse: a prompt that starts with a finished request's tokens prefills only the rest,
and answers exactly as a full prefill does."""

from __future__ import annotations

import pytest
import torch

from react_core.engine.prefix import PrefixCache

SYSTEM = ("You are a careful assistant. Answer with Thought, Action and Observation lines, "
          "and finish with a Final Answer line once the observation holds the answer.\n")


@pytest.fixture()
def plain(make_engine):
    """An engine over the same store with no prefix cache: the reference."""
    return make_engine(prefix_cache_tokens=0)


def _steps(engine, adapter: str | None) -> list[str]:
    """Three ReAct-like steps: each prompt is the last prompt, its completion and an observation."""
    prompt, texts = SYSTEM + "Question: where is my card?\nThought:", []
    for i in range(3):
        text = engine.generate(prompt, max_new_tokens=12, adapter=adapter).text
        texts.append(text)
        prompt = f"{prompt}{text}\nObservation: result {i} for the card.\nThought:"
    return texts


@pytest.mark.parametrize("adapter", [None, "finance", "finance=0.5+medical=0.5"])
def test_reused_prefixes_give_the_answers_of_a_full_prefill(engine, plain, adapter) -> None:
    assert _steps(engine, adapter) == _steps(plain, adapter)
    assert engine.stats.prefix_hits == 2  # steps 2 and 3 each continue the step before
    assert engine.stats.prefix_tokens > 2 * len(engine.tokenizer(SYSTEM)["input_ids"])
    assert plain.stats.prefix_hits == 0


def test_a_prefix_is_reused_only_with_the_adapter_that_computed_it(engine) -> None:
    prompt = SYSTEM + "Question: what is my balance?\nThought:"
    engine.generate(prompt, max_new_tokens=4, adapter="finance")
    engine.generate(prompt + " I", max_new_tokens=4, adapter="medical")
    engine.generate(prompt + " I", max_new_tokens=4, adapter="finance;alpha=0.5;space=logit")  # two rows
    assert engine.stats.prefix_hits == 0
    engine.generate(prompt + " I", max_new_tokens=4, adapter="finance")
    assert engine.stats.prefix_hits == 1


def test_reinstalling_an_adapter_empties_the_cache(engine, adapter_dirs) -> None:
    prompt = SYSTEM + "Question: what is my balance?\nThought:"
    engine.generate(prompt, max_new_tokens=4, adapter="finance")
    engine.call(lambda store: store.install("finance", adapter_dirs["medical"]))  # other weights, same name
    engine.generate(prompt + " I", max_new_tokens=4, adapter="finance")
    assert engine.stats.prefix_hits == 0


def _kv(n: int, value: float = 0.0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.full((1, 1, n, 2), value), torch.full((1, 1, n, 2), value)) for _ in range(2)]


def test_the_cache_keeps_the_longest_prefix_within_its_budget() -> None:
    cache = PrefixCache(max_tokens=50, min_tokens=4)
    cache.put("a", list(range(20)), _kv(20, 1.0))
    assert cache.longest("b", list(range(30))) is None  # another adapter
    assert cache.longest("a", [99, *range(30)]) is None  # differs at once
    hit = cache.longest("a", list(range(10)) + [77] * 5)
    assert hit is not None and hit.tokens == 10 and hit.kv[0][0].shape == (1, 1, 10, 2)
    assert cache.longest("a", list(range(20))).tokens == 19  # the last prompt token is always run
    cache.put("a", list(range(25)), _kv(25, 2.0))  # covers the first entry, which goes
    assert (len(cache), cache.tokens) == (1, 25)
    cache.put("a", [5] * 30, _kv(30))  # over the budget: the least recently used goes
    assert (len(cache), cache.tokens) == (1, 30)
    assert cache.longest("a", list(range(25)) + [1]) is None
    cache.put("a", [1] * 60, _kv(60))  # longer than the whole budget: not kept
    assert cache.tokens == 30
    cache.check_version(1)
    assert len(cache) == 0
    with pytest.raises(ValueError, match="0 \\(off\\) or more"):
        PrefixCache(-1)


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache = PrefixCache(0)
    cache.put("a", list(range(40)), _kv(40))
    assert len(cache) == 0 and cache.longest("a", list(range(41))) is None
