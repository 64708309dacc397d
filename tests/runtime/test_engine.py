"""The batched engine: same answers as one at a time, joins, stops, streaming, cancel, timeouts."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from react_core.engine import Engine, GenerationBackend
from react_core.engine.requests import EngineClosed, QueueFullError, RequestCancelled, RequestTimeout
from react_core.adapters.store import UnknownAdapterError

PROMPTS = ["Thought: I should", "The quick brown fox", "Question: what is the balance", "Action: search[cap",
           "Final Answer: Par", "Observation: Paris is"]
SPECS = [None, "finance", "medical", "finance=0.5+medical=0.5", "finance;alpha=0.4;space=logit",
         "travel;alpha=0.3"]


def _solo(engine: Engine, prompt: str, adapter: str | None, n: int = 10) -> str:
    return engine.generate(prompt, max_new_tokens=n, adapter=adapter).text


def _block_worker(engine: Engine) -> threading.Event:
    """Park the worker inside a control call until the returned event is set."""
    release, parked = threading.Event(), threading.Event()

    def park(_store) -> None:
        parked.set()
        release.wait(10)

    threading.Thread(target=engine.call, args=(park,), daemon=True).start()
    assert parked.wait(5)
    return release


def test_engine_is_a_generation_backend(engine) -> None:
    assert isinstance(engine, GenerationBackend)


def test_mixed_batch_matches_one_request_at_a_time(engine) -> None:
    expected = [_solo(engine, p, s) for p, s in zip(PROMPTS, SPECS)]
    release = _block_worker(engine)  # queue everything, so it decodes as one batch
    handles = [engine.submit(p, max_new_tokens=10, adapter=s) for p, s in zip(PROMPTS, SPECS)]
    release.set()
    assert [h.result().text for h in handles] == expected
    assert engine.stats.max_rows == len(PROMPTS) + 1  # the logit fusion takes two rows
    assert len(set(expected)) > 3  # the adapters really differ


def test_requests_join_a_running_batch(engine) -> None:
    long_expected = _solo(engine, PROMPTS[0], "finance", 60)
    short_expected = _solo(engine, PROMPTS[2], "medical", 8)
    long = engine.submit(PROMPTS[0], max_new_tokens=60, adapter="finance")
    next(iter(long))  # decoding has started
    short = engine.submit(PROMPTS[2], max_new_tokens=8, adapter="medical")
    assert short.result().text == short_expected
    assert long.result().text == long_expected
    assert engine.stats.joins >= 1


def test_stop_sequence_ends_the_request(engine) -> None:
    full = _solo(engine, PROMPTS[1], "finance", 20)
    stop = full[6:8]
    got = engine.generate(PROMPTS[1], max_new_tokens=20, adapter="finance", stop=["@@never@@", stop])
    assert got.text == full[: full.index(stop)]
    assert got.finish_reason == "stop" and got.stop == stop
    assert engine.generate(PROMPTS[1], max_new_tokens=5).finish_reason == "length"


def test_stream_yields_the_same_text(engine) -> None:
    full = _solo(engine, PROMPTS[3], "travel", 24)
    stop = full[10:13]
    deltas = list(engine.stream(PROMPTS[3], max_new_tokens=24, adapter="travel", stop=[stop]))
    assert len(deltas) > 1
    assert "".join(deltas) == full[: full.index(stop)]


def test_a_finished_stream_returns_its_generation_with_usage(engine) -> None:
    stream = engine.stream(PROMPTS[3], max_new_tokens=8, adapter="travel")
    parts = []
    while True:
        try:
            parts.append(next(stream))
        except StopIteration as end:
            generation = end.value
            break
    assert generation.text == "".join(parts) and generation.prompt_tokens > 0
    assert 0 < generation.completion_tokens <= 8


def test_cancel_ends_a_request(engine) -> None:
    handle = engine.submit(PROMPTS[0], max_new_tokens=400)
    next(iter(handle))
    handle.cancel()
    with pytest.raises(RequestCancelled):
        handle.result(timeout=5)


def test_closing_a_stream_cancels_it(engine) -> None:
    stream = engine.stream(PROMPTS[0], max_new_tokens=400)
    next(stream)
    stream.close()
    deadline = time.monotonic() + 5
    while engine.stats.failed < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert engine.stats.failed == 1


def test_timeout_counts_time_in_the_queue(engine) -> None:
    release = _block_worker(engine)
    handle = engine.submit(PROMPTS[0], max_new_tokens=5, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(RequestTimeout, match="timed out"):
        handle.result()
    assert time.monotonic() - start < 2
    release.set()
    assert engine.generate(PROMPTS[0], max_new_tokens=3).completion_tokens == 3  # still serving


def test_timeout_while_decoding(engine) -> None:
    with pytest.raises(RequestTimeout):
        engine.generate(PROMPTS[0], max_new_tokens=400, timeout=0.05)


def test_full_queue_is_refused_with_advice(store, tiny_lm) -> None:
    with Engine(store.base_model, tiny_lm[1], store=store, max_batch=2, max_queue=2) as engine:
        release = _block_worker(engine)
        first = [engine.submit(p, max_new_tokens=2) for p in PROMPTS[:2]]
        with pytest.raises(QueueFullError, match="max_queue"):
            engine.submit(PROMPTS[2], max_new_tokens=2)
        release.set()
        assert all(h.result(timeout=10).completion_tokens == 2 for h in first)


def test_unknown_adapter_is_refused_at_submit(engine) -> None:
    with pytest.raises(UnknownAdapterError, match="installed: finance, legal, medical, travel"):
        engine.submit("hi", adapter="cooking")


def test_closed_engine_refuses_and_fails_pending(store, tiny_lm) -> None:
    engine = Engine(store.base_model, tiny_lm[1], store=store)
    release = _block_worker(engine)
    queued = engine.submit(PROMPTS[0], max_new_tokens=3)
    engine._closing.set()
    release.set()
    engine.close()
    with pytest.raises(EngineClosed):
        queued.result(timeout=5)
    with pytest.raises(EngineClosed):
        engine.submit("hi")


async def test_async_requests_run_concurrently(engine) -> None:
    expected = [_solo(engine, p, s, 6) for p, s in zip(PROMPTS[:3], SPECS[:3])]
    results = await asyncio.gather(*(engine.agenerate(p, max_new_tokens=6, adapter=s)
                                     for p, s in zip(PROMPTS[:3], SPECS[:3])))
    assert [r.text for r in results] == expected


def test_many_threads_share_one_engine(engine) -> None:
    specs = SPECS[:3]
    expected = {s: _solo(engine, PROMPTS[0], s, 4) for s in specs}
    got: dict[int, str] = {}

    def worker(i: int) -> None:
        got[i] = engine.generate(PROMPTS[0], max_new_tokens=4, adapter=specs[i % len(specs)]).text

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(got[i] == expected[specs[i % len(specs)]] for i in range(12))
