"""Over HTTP, an invented record fact never reaches the client: not in the answer, not in the
steps, not in the grounding record (which counts it), streamed or not."""

from __future__ import annotations

import httpx
import pytest

from react_core import DomainSpec, Guard, hookimpl, new_registry, tool
from react_core.agent.testing import ScriptedBackend
from react_core.serving import Service
from react_core.serving.server import ServerThread

from .test_http import sse_events

INVENTED = " Done.\nFinal Answer: Your card CARD-2003 ending 1194 was posted."


@tool
def card_status(card_id: str) -> str:
    """Status of a card.

    Args:
        card_id: The card id.
    """
    return "CARD-2001: ending 4821, status active"


class Plugin:
    @hookimpl
    def react_register_domains(self, register) -> None:
        lookup = Guard("records", require=lambda q: [("card_status", "CARD-2001")] if "CARD-2001" in q else [])
        register(DomainSpec("bank", "Banking.", tools=[card_status], guards=[lookup]))


@pytest.fixture()
def client():
    service = Service(ScriptedBackend([INVENTED], repeat_last=True), new_registry([("p", Plugin())], defaults=False))
    with ServerThread(service) as server, httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


@pytest.mark.parametrize("stream", [False, True])
def test_an_invented_card_never_reaches_the_client(client: httpx.Client, stream: bool) -> None:
    response = client.post("/v1/chat/completions", json={"model": "bank", "stream": stream, "messages": [
        {"role": "user", "content": "Where is my card CARD-2001?"}]})
    assert response.status_code == 200
    assert "CARD-2003" not in response.text and "1194" not in response.text
    if stream:
        chunks = sse_events(response.text)
        content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        react = next(c["react"] for c in chunks if (c.get("react") or {}).get("type") == "final")
    else:
        body = response.json()
        content, react = body["choices"][0]["message"]["content"], body["react"]
    assert "CARD-2001: ending 4821, status active" in content
    assert react["grounding"]["unsupported"] == 2 and react["grounding"]["repair"] == "extracted"
    assert react["steps"][0]["kind"] == "policy"
