"""Calling a tool for the loop: a time limit, errors as text, output cut to a budget.

Nothing a tool does can end the run: an exception or a timeout becomes the observation.
A tool that overruns its time limit keeps running in its (daemon) thread, since Python
cannot stop a thread; the agent stops waiting for it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from dataclasses import dataclass
from typing import Any

from react_core.agent.tools import Tool


@dataclass
class ToolOutcome:
    """The observation text, and the error that produced it, if any."""

    text: str
    error: str | None = None


def call_tool(tool: Tool, kwargs: dict[str, Any], *, timeout: float | None) -> ToolOutcome:
    """Call ``tool(**kwargs)``; never raise (except KeyboardInterrupt and the like)."""
    if timeout is None:
        return _call(tool, kwargs)
    box: list[ToolOutcome] = []
    worker = threading.Thread(target=lambda: box.append(_call(tool, kwargs)), daemon=True,
                              name=f"react-tool-{tool.name}")
    worker.start()
    worker.join(max(timeout, 0.0))
    if box:
        return box[0]
    msg = f"tool {tool.name} did not finish within {timeout:.3g} s"
    return ToolOutcome(f"Error: {msg}.", msg)


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
