"""Serving fixtures: a scripted-model service (agent-level answers, no weights) and servers over it.

``scripted_answer`` decides from the prompt: the first step looks the question up, the
second answers with a citation, so any number of concurrent runs get the same script.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

import httpx
import pytest

from react_core import DomainSpec, hookimpl, new_registry, tool
from react_core.agent.testing import ScriptedBackend
from react_core.engine.backend import Generation
from react_core.serving import Service
from react_core.serving.server import ServerThread
from react_core.serving.settings import ServerSettings

ANSWER = "Forty-two, says the guide [d1]."
CHAT_BODY = {"model": "guide", "messages": [{"role": "user", "content": "What is the answer?"}]}


@tool
def lookup(query: str) -> str:
    """Look a question up in the guide.

    Args:
        query: What to look up.
    """
    return f"[d1] The Guide (score 0.9): the answer to {query.strip()} is forty-two"


def scripted_answer(prompt: str) -> str:
    if "Observation:" in prompt.rsplit("Question:", 1)[-1]:
        return f" The guide answers it.\nFinal Answer: {ANSWER}"
    return " I should look this up.\nAction: lookup[the question]"


class DemoPlugin:
    @hookimpl
    def react_register_domains(self, register) -> None:
        register(DomainSpec("guide", "questions about the guide", ("what does the guide say",), tools=[lookup]))
        register(DomainSpec("other", "anything else"))


class SlowBackend:
    """Streams ``scripted_answer`` a few characters at a time, ``delay`` seconds apart; counts what it
    streamed and how many streams were closed before their end (a client that went away)."""

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.started = 0
        self.abandoned = 0
        self.lock = threading.Lock()

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None) -> Generation:
        text = "".join(self.stream(prompt, stop=stop))
        return Generation(text, "stop", len(prompt.split()), len(text.split()))

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None) -> Iterator[str]:
        with self.lock:
            self.started += 1
        text = scripted_answer(prompt)
        finished = False
        try:
            for i in range(0, len(text), 4):
                time.sleep(self.delay)
                yield text[i:i + 4]
            finished = True
        finally:
            if not finished:
                with self.lock:
                    self.abandoned += 1


def demo_registry():
    return new_registry([("demo", DemoPlugin())], defaults=False)


@pytest.fixture()
def scripted_service() -> Service:
    backend = ScriptedBackend([scripted_answer], repeat_last=True)
    return Service(backend, demo_registry())


@pytest.fixture()
def server(scripted_service: Service) -> Iterator[ServerThread]:
    with ServerThread(scripted_service) as s:
        yield s


@pytest.fixture()
def client(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def start(service: Service, **settings) -> ServerThread:
    return ServerThread(service, ServerSettings(**settings)).start()
