"""The embedding API: per-request options, concurrency from threads and tasks, no shared state."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from react_core.agent.events import ActionEvent, FinalEvent, ObservationEvent, ThoughtEvent
from react_core.agent.testing import ScriptedBackend
from react_core.engine.requests import QueueFullError
from react_core.serving import RunOptions, Service

from .conftest import ANSWER, demo_registry


def test_run_answers_in_a_domain_with_its_tools(scripted_service: Service) -> None:
    result = scripted_service.run("What is the answer?", domain="guide")
    assert result.ok and result.answer == ANSWER
    assert result.domain == "guide" and [s.action for s in result.steps] == ["lookup", "finish"]
    assert "forty-two" in result.steps[0].observation


def test_per_request_limits_and_adapter(scripted_service: Service) -> None:
    result = scripted_service.run("What?", domain="guide", max_steps=1, max_new_tokens=7, temperature=0.5)
    assert result.stop_reason == "max_steps"
    call = scripted_service.backend.calls[-1]
    assert call.max_new_tokens == 7 and call.temperature == 0.5
    scripted_service.run("What?", domain="guide", adapter="finance=0.5+medical=0.5", alpha=0.3)
    assert scripted_service.backend.calls[-1].adapter == "finance=0.5+medical=0.5;alpha=0.3"
    assert scripted_service.config.max_steps == 8  # the service default is untouched


def test_unknown_domain_and_option_are_refused(scripted_service: Service) -> None:
    with pytest.raises(KeyError, match="available: auto, guide, other"):
        scripted_service.run("x", domain="cooking")
    with pytest.raises(TypeError, match="unknown run option"):
        scripted_service.run("x", domian="guide")


def test_stream_yields_steps_then_final(scripted_service: Service) -> None:
    events = list(scripted_service.stream("What?", domain="guide"))
    kinds = [type(e) for e in events if not e.kind == "step"]
    assert kinds == [ThoughtEvent, ActionEvent, ObservationEvent, ThoughtEvent, FinalEvent]


def test_history_is_put_before_the_question(scripted_service: Service) -> None:
    history = [{"role": "user", "content": "My name is Ada."}, {"role": "assistant", "content": "Hello Ada."}]
    scripted_service.run("What is my name?", domain="guide", history=history)
    prompt = scripted_service.backend.calls[0].prompt
    assert "User: My name is Ada.\nAssistant: Hello Ada.\n(now answer)\nWhat is my name?" in prompt


def test_many_threads_and_tasks_share_one_service(scripted_service: Service) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: scripted_service.run(f"q{i}?", domain="guide"), range(32)))
    assert all(r.ok and r.query == f"q{i}?" for i, r in enumerate(results))

    async def many() -> list:
        return await asyncio.gather(*(scripted_service.arun(f"a{i}?", domain="guide") for i in range(16)))

    assert all(r.ok for r in asyncio.run(many()))


def test_a_full_engine_queue_is_raised_not_hidden() -> None:
    class Full:
        def submit(self, *args, **kwargs):
            raise QueueFullError("the engine queue is full")

    service = Service(Full(), demo_registry())  # type: ignore[arg-type]
    with pytest.raises(QueueFullError):
        service.run("x", domain="guide")
    assert RunOptions.of(domain="guide").domain == "guide"


def test_auto_uses_the_router() -> None:
    backend = ScriptedBackend([" ok\nFinal Answer: yes"], repeat_last=True)
    service = Service(backend, demo_registry(), router=lambda q: ("guide", "guide;alpha=0.5"))
    result = service.run("anything", domain="auto")
    assert result.domain == "guide" and backend.calls[0].adapter == "guide;alpha=0.5"


def test_auto_without_domains_is_the_base_model() -> None:
    from react_core import new_registry

    def no_router(query: str):
        raise LookupError("no domain is installed")

    backend = ScriptedBackend([" ok\nFinal Answer: yes"], repeat_last=True)
    service = Service(backend, new_registry(defaults=False), router=no_router)
    assert service.models() == ["auto"]
    result = service.run("anything", domain="auto")
    assert result.ok and result.domain is None and backend.calls[0].adapter is None
