"""Streaming a run as OpenAI chat chunks: the answer as ``content`` deltas, steps in ``react``.

The model writes ``Thought ... Final Answer: ...`` token by token; ``AnswerFilter`` passes
on only what follows the ``Final Answer:`` marker, so a chat UI shows the answer as it is
written and the steps (sent as ``react`` events) fold away. When the agent's answer can change
after the model wrote it (a guard reviews it, or a rewrite translates it), the answer is held
back and sent once, from the final event: a client never sees text the policy removed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from react_core.agent.events import ActionEvent, AgentEvent, FinalEvent, ObservationEvent, ThoughtEvent, TokenDelta
from react_core.serving import schemas

_FINAL = re.compile(r"(?:^|\n)[ \t]*Final Answer:[ \t]*", re.IGNORECASE)
_LONGEST_MARKER = len("\nFinal Answer: ")


class AnswerFilter:
    """Feed token deltas of one step; get back the part that is final-answer text."""

    def __init__(self) -> None:
        self.step = 0
        self.text = ""
        self.start: int | None = None  # where the answer begins in ``text``
        self.sent = ""  # answer text already passed on (over all steps)

    def feed(self, step: int, delta: str) -> str:
        if step != self.step:
            self.step, self.text, self.start = step, "", None
        self.text += delta
        if self.start is None:
            m = _FINAL.search(self.text)
            if m is None:
                return ""
            self.start = m.end()
        # keep the last characters back while they could be trailing whitespace the parser drops
        answer = self.text[self.start:].strip()
        out = answer[len(self.sent):] if answer.startswith(self.sent) else ""
        self.sent += out
        return out

    def rest(self, final: str) -> str:
        """What is left to send so the streamed content equals ``final``."""
        return final[len(self.sent):] if final.startswith(self.sent) else ""


def sse(data: dict[str, Any] | str) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n".encode()


def event_json(event: AgentEvent) -> dict[str, Any] | None:
    """A step event as the ``react.event`` of a chunk (None for events a client need not see)."""
    if isinstance(event, ThoughtEvent):
        return {"type": "thought", "step": event.step, "text": event.text}
    if isinstance(event, ActionEvent):
        return {"type": "action", "step": event.step, "tool": event.tool, "input": event.input}
    if isinstance(event, ObservationEvent):
        return {"type": "observation", "step": event.step, "text": event.text, "error": event.error,
                "citations": schemas.citations(event.text)}
    return None


async def chat_stream(events: AsyncIterator[AgentEvent], first: list[AgentEvent], *, cid: str, model: str,
                      include_usage: bool, on_final: Callable[[Any], None], hold: bool = False) -> AsyncIterator[bytes]:
    """The SSE body of a streamed chat completion; ``first`` are events already taken from ``events``.

    ``hold``: send the answer only from the final event (see the module docstring)."""
    created = int(time.time())
    yield sse(schemas.chat_chunk(cid, created, model, {"role": "assistant", "content": ""}))
    answer = AnswerFilter()

    async def all_events() -> AsyncIterator[AgentEvent]:
        for event in first:
            yield event
        async for event in events:
            yield event

    async for event in all_events():
        if isinstance(event, TokenDelta):
            if hold:
                continue
            text = answer.feed(event.step, event.text)
            if text:
                yield sse(schemas.chat_chunk(cid, created, model, {"content": text}))
        elif isinstance(event, FinalEvent):
            result = event.result
            on_final(result)
            rest = answer.rest(result.answer or "") if result.ok else schemas.answer_text(result)
            if rest:
                yield sse(schemas.chat_chunk(cid, created, model, {"content": rest}))
            final = {"type": "final", **schemas.react_json(result)}
            yield sse(schemas.chat_chunk(cid, created, model, {}, schemas.finish_reason(result), react=final))
            if include_usage:
                usage = schemas.usage_json(result.usage.prompt_tokens, result.usage.completion_tokens)
                yield sse({"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                           "choices": [], "usage": usage})
        else:
            shown = event_json(event)
            if shown is not None:
                yield sse(schemas.chat_chunk(cid, created, model, {}, react={"event": shown}))
    yield sse("[DONE]")
