"""A chatbot backend that embeds ReAct Core: one ``Service`` for the process, many conversations.

The runtime (base model, adapters, indexes) loads once at start; each HTTP request runs an
agent with the conversation's domain and its recent turns as history. Requests from many
users run concurrently (the engine batches their generations); nothing is global::

    pip install -e ".[serve]"
    python examples/chatbot_backend.py --port 8080            # the packaged Gemma 3 270M
    curl -s -X POST localhost:8080/conversations -d '{"domain": "auto"}' -H 'content-type: application/json'
    curl -s -X POST localhost:8080/conversations/ID/messages -d '{"text": "Hi"}' -H 'content-type: application/json'

``/conversations/ID/stream`` answers the same question as server-sent events (steps, then
the answer). Conversations live in memory, at most ``max_conversations`` (oldest dropped).
"""

from __future__ import annotations

import argparse
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from react_core.agent.events import ActionEvent, FinalEvent, ObservationEvent, ThoughtEvent
from react_core.serving import Service


class NewConversation(BaseModel):
    domain: str = "auto"


class UserMessage(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


@dataclass
class Conversation:
    domain: str
    messages: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one question at a time per conversation


class Conversations:
    """In-memory conversations, least recently used dropped beyond ``limit``."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, domain: str) -> str:
        cid = uuid.uuid4().hex
        with self._lock:
            self._items[cid] = Conversation(domain)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return cid

    def get(self, cid: str) -> Conversation:
        with self._lock:
            if cid not in self._items:
                raise HTTPException(404, f"no conversation {cid}")
            self._items.move_to_end(cid)
            return self._items[cid]


def create_backend(service: Service, *, max_conversations: int = 1000, max_steps: int = 6,
                   timeout: float = 60.0) -> FastAPI:
    app = FastAPI(title="chatbot backend on ReAct Core")
    conversations = Conversations(max_conversations)

    @app.post("/conversations")
    def new_conversation(body: NewConversation) -> dict[str, str]:
        try:
            service.check_domain(body.domain)
        except KeyError as exc:
            raise HTTPException(404, str(exc.args[0])) from None
        return {"id": conversations.new(body.domain), "domain": body.domain}

    @app.get("/conversations/{cid}")
    def show(cid: str) -> dict[str, object]:
        c = conversations.get(cid)
        return {"id": cid, "domain": c.domain, "messages": c.messages}

    @app.post("/conversations/{cid}/messages")
    async def ask(cid: str, body: UserMessage) -> dict[str, object]:
        c = conversations.get(cid)
        result = await service.arun(body.text, domain=c.domain, history=list(c.messages), max_steps=max_steps,
                                    timeout=timeout)
        reply = result.answer if result.ok else "Sorry, I could not find an answer to that."
        with c.lock:
            c.messages += [{"role": "user", "content": body.text}, {"role": "assistant", "content": reply}]
        return {"answer": reply, "stop_reason": result.stop_reason, "domain": result.domain,
                "steps": [{"thought": s.thought, "action": s.action, "observation": s.observation}
                          for s in result.steps]}

    @app.post("/conversations/{cid}/stream")
    async def ask_streamed(cid: str, body: UserMessage) -> StreamingResponse:
        c = conversations.get(cid)

        async def events() -> AsyncIterator[str]:
            async for event in service.astream(body.text, domain=c.domain, history=list(c.messages),
                                               max_steps=max_steps, timeout=timeout):
                if isinstance(event, (ThoughtEvent, ActionEvent, ObservationEvent)):
                    data = {"type": event.kind, "step": event.step,
                            "text": getattr(event, "text", None) or f"{event.tool}[{event.input}]"}
                elif isinstance(event, FinalEvent):
                    reply = event.result.answer if event.result.ok else "Sorry, I could not find an answer."
                    with c.lock:
                        c.messages += [{"role": "user", "content": body.text},
                                       {"role": "assistant", "content": reply}]
                    data = {"type": "answer", "text": reply, "stop_reason": event.result.stop_reason}
                else:
                    continue
                yield f"data: {json.dumps(data)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def main() -> None:
    import uvicorn

    ap = argparse.ArgumentParser(description="a chatbot backend on ReAct Core")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()
    service = Service.load(args.model)  # base, adapters and every domain's index, once
    try:
        uvicorn.run(create_backend(service), host=args.host, port=args.port)
    finally:
        service.close()


if __name__ == "__main__":
    main()
