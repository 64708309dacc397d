"""``OpenAIBackend``: the ``GenerationBackend`` protocol over ``POST {base_url}/completions``.

``adapter`` becomes the request's ``model`` (``None``: the backend's ``model``, the base);
stop strings, ``max_tokens`` and ``temperature`` are sent as OpenAI defines them. The
text that comes back is cut at the stop strings once more, so a server that returns
them does not leak an ``Observation:`` into the agent.

``structured_outputs=True`` (``--backend-option structured_outputs=true``) tells the agent the
server constrains generation: a ``grammar`` (a Lark grammar in llguidance's dialect) is sent
as vLLM's ``"structured_outputs": {"grammar": ...}``, which ``react serve`` and vLLM (with its
``guidance`` structured-output backend) both honour. Without it the agent parses free output
and re-prompts a malformed action.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from react_core.engine.backend import Generation, cut_at_stop

RETRY_STATUSES = (429, 503)


class RemoteError(RuntimeError):
    """The server refused or failed a request; the message is the server's."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OpenAIBackend:
    """A backend over an OpenAI-compatible server; one instance is safe to share between threads."""

    def __init__(self, base_url: str | None = None, *, api_key: str | None = None, model: str = "base",
                 timeout: float = 120.0, max_retries: int = 2, client: httpx.Client | None = None,
                 structured_outputs: bool = False) -> None:
        self.supports_grammar = bool(structured_outputs)
        base_url = base_url or os.environ.get("REACT_REMOTE_URL") or os.environ.get("OPENAI_BASE_URL")
        if not base_url:
            raise ValueError("OpenAIBackend needs base_url (e.g. http://127.0.0.1:8000/v1) "
                             "or REACT_REMOTE_URL in the environment")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.max_retries = max_retries
        api_key = api_key or os.environ.get("REACT_REMOTE_API_KEY") or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = client or httpx.Client(timeout=timeout, headers=headers)

    def _payload(self, prompt: str, stop: Sequence[str], max_new_tokens: int, temperature: float,
                 adapter: str | None, stream: bool, grammar: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": adapter or self.model, "prompt": prompt, "max_tokens": max_new_tokens,
                                "temperature": temperature, "stream": stream}
        if stop:
            body["stop"] = list(stop)
        if grammar is not None:
            if not self.supports_grammar:
                raise ValueError("this backend was made without structured_outputs=True: it sends no grammar")
            body["structured_outputs"] = {"grammar": grammar}
        return body

    def _send(self, body: dict[str, Any]) -> httpx.Response:
        """POST with retries on 429/503; the response is open (streamed) and must be closed."""
        url = f"{self.base_url}/completions"
        for attempt in range(self.max_retries + 1):
            request = self.client.build_request("POST", url, json=body)
            try:
                response = self.client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise RemoteError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
            if response.status_code < 400:
                return response
            response.read()
            response.close()
            if response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                time.sleep(min(float(response.headers.get("retry-after", 0) or 0) or 0.5 * 2 ** attempt, 10.0))
                continue
            raise RemoteError(f"{url} answered {response.status_code}: {_message(response)}", response.status_code)
        raise AssertionError("unreachable")  # pragma: no cover

    def generate(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
                 temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Generation:
        response = self._send(self._payload(prompt, stop, max_new_tokens, temperature, adapter, stream=False,
                                            grammar=grammar))
        try:
            data = json.loads(response.read())
        finally:
            response.close()
        choice = data["choices"][0]
        text, found = cut_at_stop(choice.get("text") or "", stop)
        usage = data.get("usage") or {}
        reason = "length" if choice.get("finish_reason") == "length" and found is None else "stop"
        return Generation(text=text, finish_reason=reason, prompt_tokens=int(usage.get("prompt_tokens", 0)),
                          completion_tokens=int(usage.get("completion_tokens", 0)), stop=found)

    def stream(self, prompt: str, *, stop: Sequence[str] = (), max_new_tokens: int = 256,
               temperature: float = 0.0, adapter: str | None = None, grammar: str | None = None) -> Iterator[str]:
        """Text deltas as the server sends them; closing the iterator closes the connection
        (``react serve`` then cancels the generation)."""
        response = self._send(self._payload(prompt, stop, max_new_tokens, temperature, adapter, stream=True,
                                            grammar=grammar))
        sent = ""
        held = ""
        hold = max((len(s) for s in stop), default=1) - 1  # characters that may start a stop string
        try:
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                chunk = json.loads(data)
                if "error" in chunk:
                    raise RemoteError(f"the server failed mid-stream: {chunk['error'].get('message')}")
                held += "".join(c.get("text") or "" for c in chunk.get("choices", []))
                cut, found = cut_at_stop(sent + held, stop)
                if found is not None:
                    if len(cut) > len(sent):
                        yield cut[len(sent):]
                    return
                if len(held) > hold:
                    out, held = held[:len(held) - hold], held[len(held) - hold:]
                    sent += out
                    yield out
            if held:
                yield held
        finally:
            response.close()

    def close(self) -> None:
        self.client.close()


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:500] or response.reason_phrase
