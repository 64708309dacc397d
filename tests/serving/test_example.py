"""examples/chatbot_backend.py: conversations keep their history; the example runs as documented."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from react_core.serving import Service

from .conftest import ANSWER

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatbot_backend.py"


def _example():
    spec = importlib.util.spec_from_file_location("chatbot_backend", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("chatbot_backend", module)
    spec.loader.exec_module(module)
    return module


def test_a_conversation_keeps_its_history(scripted_service: Service) -> None:
    client = TestClient(_example().create_backend(scripted_service))
    assert client.post("/conversations", json={"domain": "cooking"}).status_code == 404
    cid = client.post("/conversations", json={"domain": "guide"}).json()["id"]
    first = client.post(f"/conversations/{cid}/messages", json={"text": "My name is Ada."}).json()
    assert first["answer"] == ANSWER and first["steps"][0]["action"] == "lookup"
    streamed = client.post(f"/conversations/{cid}/stream", json={"text": "What is my name?"}).text
    events = [json.loads(line[6:]) for line in streamed.splitlines() if line.startswith("data: ")]
    assert [e["type"] for e in events] == ["thought", "action", "observation", "thought", "answer"]
    prompt = scripted_service.backend.calls[-1].prompt
    assert "User: My name is Ada.\nAssistant: " + ANSWER in prompt  # the first turn came along
    assert len(client.get(f"/conversations/{cid}").json()["messages"]) == 4
