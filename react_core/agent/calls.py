"""Calling a tool for the loop: a time limit, errors as text, output cut to a budget.

Nothing a tool does can end the run: an exception or a timeout becomes the observation.
Tools run on a small pool of daemon worker threads (a hand-off costs tens of
microseconds; starting a thread per call costs ten times that). A tool that overruns its
time limit keeps its worker, since Python cannot stop a thread: the agent stops waiting,
and the next call gets a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from react_core.agent.conversation import latest_message
from react_core.agent.tools import Tool


@dataclass
class ToolOutcome:
    """The observation text, and the error that produced it, if any."""

    text: str
    error: str | None = None


@dataclass
class _Run:
    question: str | None
    state: dict[str, Any]


_RUN: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("react_run", default=None)


def current_question() -> str | None:
    """The question of the run that is calling this tool (after any query rewrite), else ``None``.

    For tools that need the customer's own words rather than what the model wrote as the
    action input (a small model may paraphrase or truncate it): e.g. an intent classifier.
    In a conversation it holds the earlier turns too; :func:`current_message` is the newest
    message alone.
    """
    run = _RUN.get()
    return run.question if run is not None else None


def current_message() -> str | None:
    """The newest message of the run's question (``conversation.latest_message``), else ``None``:
    what a tool that must act once per message reads (a request for a person made two turns
    ago was already handled then)."""
    question = current_question()
    return latest_message(question) if question is not None else None


def run_state() -> dict[str, Any]:
    """A dict private to the run that is calling this tool, kept for the whole run: what a tool
    remembers between its calls (e.g. that it already handed the customer over, so a second
    call does not do it again). Outside a run, a new empty dict each time (nothing is kept)."""
    run = _RUN.get()
    return run.state if run is not None else {}


def call_tool(tool: Tool, kwargs: dict[str, Any], *, timeout: float | None,
              question: str | None = None, state: dict[str, Any] | None = None) -> ToolOutcome:
    """Call ``tool(**kwargs)``; never raise (except KeyboardInterrupt and the like).

    ``question``: what :func:`current_question` returns inside the call; ``state``: what
    :func:`run_state` returns (the loop passes one dict per run)."""
    token = _RUN.set(_Run(question, state if state is not None else {}))
    try:
        if timeout is None:
            return _call(tool, kwargs)
        context = contextvars.copy_context()  # the worker thread sees the run too
    finally:
        _RUN.reset(token)
    done = threading.Event()
    box: list[ToolOutcome] = []

    def job() -> None:
        box.append(context.run(_call, tool, kwargs))
        done.set()

    _WORKERS.submit(job)
    if done.wait(max(timeout, 0.0)):
        return box[0]
    msg = f"tool {tool.name} did not finish within {timeout:.3g} s"
    return ToolOutcome(f"Error: {msg}.", msg)


class _Workers:
    """Daemon threads that run jobs; a job finds an idle worker or starts one."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                threading.Thread(target=self._work, daemon=True, name="react-tool-worker").start()
        self._jobs.put(job)

    def _work(self) -> None:
        while True:
            self._jobs.get()()  # a job never raises: _call catches
            with self._lock:
                self._idle += 1


_WORKERS = _Workers()


def _call(tool: Tool, kwargs: dict[str, Any]) -> ToolOutcome:
    try:
        value = tool(**kwargs)
        if inspect.isawaitable(value):
            value = asyncio.run(_await(value))
        return ToolOutcome(to_text(value))
    except Exception as exc:  # noqa: BLE001 - a tool's failure is an observation
        msg = f"{tool.name} raised {type(exc).__name__}: {exc}"
        return ToolOutcome(f"Error: {msg}", msg)


async def _await(value: Any) -> Any:
    return await value


def to_text(value: Any) -> str:
    """A tool's return value as observation text (JSON for structured values)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "(no output)"
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def truncate(text: str, budget: int) -> str:
    """``text`` cut to ``budget`` characters, saying how much was left out."""
    if budget <= 0 or len(text) <= budget:
        return text
    return text[:budget] + f" ... [truncated {len(text) - budget} characters]"
