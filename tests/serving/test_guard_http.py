"""A domain's guard holds over HTTP: the reviewed answer only, streamed or not."""

from __future__ import annotations

import httpx
import pytest

from react_core import DomainSpec, Guard, hookimpl, new_registry
from react_core.agent.testing import ScriptedBackend
from react_core.serving import Service
from react_core.serving.server import ServerThread

from .test_http import sse_events

DRAFT = " Sure.\nFinal Answer: Take 300 mg of warfarin. Warfarin thins the blood."
REVIEWED = "Warfarin thins the blood. (Not a diagnosis.)"


def _review(question: str, answer: str, steps) -> str:
    return " ".join(s for s in answer.split(". ") if "mg" not in s) + " (Not a diagnosis.)"


class Plugin:
    @hookimpl
    def react_register_domains(self, register) -> None:
        register(DomainSpec("med", "Medicine.", guards=[Guard("policy", review=_review)]))


@pytest.fixture()
def client():
    service = Service(ScriptedBackend([DRAFT], repeat_last=True), new_registry([("p", Plugin())], defaults=False))
    with ServerThread(service) as server, httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_the_reviewed_answer_is_what_the_client_gets(client: httpx.Client) -> None:
    body = client.post("/v1/chat/completions", json={"model": "med", "messages": [
        {"role": "user", "content": "How much warfarin?"}]}).json()
    assert body["choices"][0]["message"]["content"] == REVIEWED
    steps = body["react"]["steps"]
    assert [s["action"] for s in steps] == ["finish", "policy"]
    assert steps[0]["action_input"] == steps[1]["action_input"] == "(draft withheld: a guard reviewed it)"
    assert "300 mg" not in str(body)


def test_a_streamed_answer_is_held_until_the_review(client: httpx.Client) -> None:
    response = client.post("/v1/chat/completions", json={"model": "med", "stream": True, "messages": [
        {"role": "user", "content": "How much warfarin?"}]})
    assert response.status_code == 200
    assert "300 mg" not in response.text  # neither as content nor in the steps
    chunks = sse_events(response.text)
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert content == REVIEWED
