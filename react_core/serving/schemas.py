"""Request bodies of the OpenAI-compatible endpoints, and the response objects they return.

The shapes follow OpenAI's ``chat.completion``, ``chat.completion.chunk`` and
``text_completion`` objects exactly; ReAct Core adds one field, ``react``, with the
agent's steps, stop reason, domain and citations.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from react_core.agent.guard import review_steps
from react_core.agent.steps import AgentResult, Step


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ReactOptions(BaseModel):
    """The ``react`` extension of a chat request: per-request agent settings."""

    model_config = ConfigDict(extra="forbid")
    max_steps: int | None = Field(None, ge=1, le=64)
    alpha: float | None = Field(None, ge=0.0, le=1.0)
    adapter: str | None = Field(None, max_length=500)
    timeout: float | None = Field(None, gt=0.0)


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # unknown OpenAI fields (user, seed, ...) are ignored
    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    react: ReactOptions | None = None


class StructuredOutputs(BaseModel):
    """vLLM's ``structured_outputs`` field: ``grammar`` is a Lark grammar in llguidance's dialect."""

    model_config = ConfigDict(extra="forbid")
    grammar: str = Field(min_length=1, max_length=100_000)


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1, max_length=500)
    prompt: str | list[str]
    max_tokens: int = Field(16, ge=1)
    stop: str | list[str] | None = None
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    stream: bool = False
    stream_options: StreamOptions | None = None
    structured_outputs: StructuredOutputs | None = None


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:24]}"


def error_body(message: str, type_: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# -- agent steps as JSON ---------------------------------------------------------------

_HIT = re.compile(r"^\[(?P<id>[^\]]+)\](?P<title>[^\n]*?)\s*\(score [^)]*\):\s*(?P<text>.*)$", re.MULTILINE)


def citations(text: str | None) -> list[dict[str, str]]:
    """Passages in a search observation (``[id] title (score s): text`` lines)."""
    return [{"id": m["id"], "title": m["title"].strip(), "text": m["text"]} for m in _HIT.finditer(text or "")]


def step_json(step: Step) -> dict[str, Any]:
    return {"index": step.index, "kind": step.kind, "thought": step.thought, "action": step.action,
            "action_input": step.action_input, "observation": step.observation, "error": step.error,
            "seconds": round(step.seconds, 4)}


def client_grounding(result: AgentResult) -> dict[str, Any] | None:
    """The grounding record as a client sees it: the unsupported facts of the draft are counted,
    not shown (they were withheld from the answer; the trace keeps them)."""
    if result.grounding is None:
        return None
    shown = dict(result.grounding)
    shown["unsupported"] = len(result.grounding.get("unsupported", []))
    return shown


WITHHELD = "(draft withheld: a guard reviewed it)"


def client_steps(result: AgentResult) -> list[dict[str, Any]]:
    """The run's steps as a client sees them: a draft answer that a guard reviewed is withheld
    (the trace keeps it; a client gets only what the policy let through)."""
    shown = [step_json(s) for s in result.steps]
    reviews = review_steps(result.steps)
    if reviews:
        for i, step in enumerate(result.steps):
            if step.is_final or i in reviews:
                shown[i]["action_input"] = WITHHELD
            if i in reviews[:-1]:  # an intermediate review's text is still a draft
                shown[i]["observation"] = WITHHELD
    return shown


def react_json(result: AgentResult) -> dict[str, Any]:
    """The ``react`` extension field of a response."""
    found: dict[str, dict[str, str]] = {}
    for step in result.steps:
        for c in citations(step.observation):
            found.setdefault(c["id"], c)
    return {"domain": result.domain, "adapter": result.adapter, "stop_reason": result.stop_reason,
            "stop_detail": result.stop_detail, "steps": client_steps(result),
            "citations": list(found.values()), "grounding": client_grounding(result),
            "seconds": round(result.seconds, 4)}


def answer_text(result: AgentResult) -> str:
    """The assistant message: the answer, or one sentence on why there is none."""
    if result.ok:
        return result.answer or ""
    return f"(no answer: {result.stop_reason}) {result.stop_detail}".strip()


def finish_reason(result: AgentResult) -> str:
    return "length" if result.stop_reason in ("max_steps", "timeout") else "stop"


def usage_json(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def chat_completion(cid: str, model: str, result: AgentResult) -> dict[str, Any]:
    return {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer_text(result)},
                         "logprobs": None, "finish_reason": finish_reason(result)}],
            "usage": usage_json(result.usage.prompt_tokens, result.usage.completion_tokens),
            "react": react_json(result)}


def chat_chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None,
               react: dict[str, Any] | None = None) -> dict[str, Any]:
    chunk: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                             "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    if react is not None:
        chunk["react"] = react
    return chunk


def text_completion(cid: str, created: int, model: str, text: str, finish: str | None,
                    usage: dict[str, int] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": cid, "object": "text_completion", "created": created, "model": model,
                            "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish}]}
    if usage is not None:
        body["usage"] = usage
    return body
