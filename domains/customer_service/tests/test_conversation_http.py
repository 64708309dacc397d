"""A conversation over the real HTTP API: a request for a person is handed over once, in its own
turn, and the next turn (which carries it in its history) is answered, not handed over again."""

from __future__ import annotations

import httpx
from react_core import DomainSpec, hookimpl, new_registry
from react_core.agent.testing import ScriptedBackend
from react_core.serving import Service
from react_core.serving.server import ServerThread

from react_customer_service.actions import ACTION_RECORD_GUARD
from react_customer_service.candidates import load_classifier
from react_customer_service.scope import HAND_OVER_GUARD
from react_customer_service.tools import make_tools


def scripted(prompt: str) -> str:
    """Ask the classifier first, then answer (claiming a freeze the run never made)."""
    if "Observation:" in prompt.rsplit("Question:", 1)[-1]:
        return " Done.\nFinal Answer: Intent: card_arrival. It is posted. Action taken: froze CARD-2001."
    return " Ask the classifier.\nAction: classify_intent[the message]"


def test_a_hand_over_is_made_once_in_a_served_conversation(data_dir, bank) -> None:
    tools = make_tools(bank, classifier=load_classifier(data_dir))

    class Plugin:
        @hookimpl
        def react_register_domains(self, register) -> None:
            register(DomainSpec("bank", "Bank support.", tools=tools, guards=[HAND_OVER_GUARD, ACTION_RECORD_GUARD]))

    service = Service(ScriptedBackend([scripted], repeat_last=True), new_registry([("p", Plugin())], defaults=False))
    first = [{"role": "user", "content": "I want to talk to a real person."}]
    with ServerThread(service) as server, httpx.Client(base_url=server.url, timeout=20) as client:
        answer = client.post("/v1/chat/completions", json={"model": "bank", "messages": first}).json()
        handed = answer["choices"][0]["message"]["content"]
        later = [*first, {"role": "assistant", "content": handed},
                 {"role": "user", "content": "test question 1 about card arrival"}]
        second = client.post("/v1/chat/completions", json={"model": "bank", "messages": later}).json()
    assert handed.startswith("Intent: escalate_to_human.") and handed.endswith("(escalation #1).")
    assert second["choices"][0]["message"]["content"] == "Intent: card_arrival. It is posted. Action taken: none."
    assert [t["kind"] for t in bank.tickets()] == ["escalation"]  # one hand-over in the whole conversation
