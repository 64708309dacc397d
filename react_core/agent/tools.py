"""Tools: a small contract (name, description, JSON-schema parameters, call) and ``@tool``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


class Tool:
    """A callable the agent may use.

    ``parameters`` is a JSON schema object (``{"type": "object", "properties": ..., "required": ...}``).
    A tool with one required string parameter is called as ``name[input]``; others take
    a JSON object. Calling a tool returns its observation as text.
    """

    def __init__(self, name: str, description: str, fn: Callable[..., Any],
                 parameters: dict[str, Any] | None = None) -> None:
        if not name or not name.replace("_", "").isalnum():
            raise ValueError(f"tool name {name!r} must be letters, digits and '_'")
        self.name = name
        self.description = description.strip()
        self.fn = fn
        self.parameters = parameters or _schema_from_signature(fn)

    @property
    def single_argument(self) -> str | None:
        """The name of the only parameter, when the tool takes exactly one."""
        props = self.parameters.get("properties", {})
        return next(iter(props)) if len(props) == 1 else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Tool({self.name!r})"


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def _schema_from_signature(fn: Callable[..., Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        ann = p.annotation if p.annotation is not inspect.Parameter.empty else str
        props[p.name] = {"type": _JSON_TYPES.get(ann, "string")}
        if p.default is inspect.Parameter.empty:
            required.append(p.name)
    return {"type": "object", "properties": props, "required": required}
