"""Built-in plugin: the agent commands (registered like any third-party plugin)."""

from __future__ import annotations

from typing import Any

from react_core.hookspecs import hookimpl


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react chat``."""
    from react_core.agent.chat import register

    register(app)
