"""Tools: a small contract (name, description, JSON-schema parameters, call) and ``@tool``.

A tool with one parameter is called as ``name[input]`` (the ReAct paper's syntax); a tool
with several takes a JSON object: ``name[{"city": "Paris", "days": 2}]``. ``Tool.bind``
turns the text inside the brackets into keyword arguments.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable, Iterable
from typing import Any, overload

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


class ToolInputError(ValueError):
    """The action's input does not fit the tool's parameters (fed back as an observation)."""


class ToolInputSyntaxError(ToolInputError):
    """The action's input is not well-formed (bad JSON): the model is asked again."""


class Tool:
    """A callable the agent may use.

    ``parameters`` is a JSON schema object (``{"type": "object", "properties": ..., "required": ...}``);
    without it the schema comes from ``fn``'s signature. Calling a tool calls ``fn``; the
    agent turns whatever it returns into observation text.
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

    @property
    def _plain_argument(self) -> str | None:
        """The parameter a plain (non-JSON) input binds to: the only one, or the only required one."""
        if self.single_argument is not None:
            return self.single_argument
        required = self.parameters.get("required", [])
        return required[0] if len(required) == 1 else None

    def bind(self, raw: str) -> dict[str, Any]:
        """Keyword arguments for the text inside ``name[...]``.

        A JSON object binds by key; other text binds to the plain argument (the only
        parameter, or the only required one), converted to its JSON type. Raises
        ``ToolInputSyntaxError`` for malformed JSON where an object is needed and
        ``ToolInputError`` when the arguments do not fit the schema.
        """
        text = raw.strip()
        props: dict[str, Any] = self.parameters.get("properties", {})
        plain = self._plain_argument
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                single = self.single_argument
                if single is None or _type_of(props[single]) != "string":
                    raise ToolInputSyntaxError(
                        f"{self.name} takes a JSON object; {exc.msg} at character {exc.pos}") from None
            else:
                if isinstance(value, dict) and (self.single_argument is None or set(value) <= set(props)):
                    return self._check(value)
        if not props:
            return {}
        if plain is None:
            raise ToolInputSyntaxError(
                f"{self.name} takes a JSON object with keys {sorted(props)}, e.g. {self.example_input()}")
        return self._check({plain: _coerce(_unquote(text), props[plain], plain)})

    def _check(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = self.parameters.get("properties", {})
        unknown = sorted(set(kwargs) - set(props))
        if unknown:
            raise ToolInputError(f"{self.name} has no parameter(s) {unknown}; it takes {sorted(props)}")
        missing = [k for k in self.parameters.get("required", []) if k not in kwargs]
        if missing:
            raise ToolInputError(f"{self.name} needs {missing}")
        return {k: _coerce(v, props[k], k) if isinstance(v, str) else v for k, v in kwargs.items()}

    def example_input(self) -> str:
        """How the input is written in an action, for the prompt's tool list."""
        props: dict[str, Any] = self.parameters.get("properties", {})
        if self.single_argument is not None:
            return self.single_argument
        required = set(self.parameters.get("required", []))
        parts = [f'"{k}": {_type_of(v)}' + ("" if k in required else " (optional)") for k, v in props.items()]
        return "{" + ", ".join(parts) + "}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Tool({self.name!r})"


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...
@overload
def tool(*, name: str | None = None, description: str | None = None) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(fn: Callable[..., Any] | None = None, /, *, name: str | None = None,
         description: str | None = None) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Make a ``Tool`` of a function: the schema comes from its type hints and docstring.

    The docstring's first paragraph is the description and its Google-style ``Args:``
    section describes the parameters (``transformers.utils.get_json_schema``). Without an
    ``Args:`` section the schema is taken from the signature alone::

        @tool
        def weather(city: str, days: int = 1) -> str:
            '''Forecast for a city.

            Args:
                city: The city name.
                days: How many days ahead.
            '''
    """

    def make(f: Callable[..., Any]) -> Tool:
        schema = _schema_from_docstring(f)
        text = description or (schema or {}).get("description") or _first_paragraph(f)
        if not text:
            raise ValueError(f"tool {f.__name__!r} needs a description: give it a docstring or description=")
        return Tool(name or f.__name__, text, f, (schema or {}).get("parameters") or None)

    return make(fn) if fn is not None else make


def as_tool(obj: Any) -> Tool:
    """A ``Tool`` as is; a plain function through ``@tool``; another named callable wrapped."""
    if isinstance(obj, Tool):
        return obj
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        return tool(obj)
    name = getattr(obj, "name", None)
    if isinstance(name, str) and callable(obj):
        return Tool(name, getattr(obj, "description", "") or name, obj, getattr(obj, "parameters", None))
    raise TypeError(f"not a tool: {obj!r} (use react_core.Tool or @react_core.tool)")


def compose_tools(*groups: Iterable[Any]) -> list[Tool]:
    """One tool list from several sources; on a name clash the earlier group wins.

    ``react chat`` passes the domain's tools first, then the tools plugins register
    globally, so a domain can override a global tool of the same name.
    """
    out: dict[str, Tool] = {}
    for group in groups:
        for item in group:
            t = as_tool(item)
            out.setdefault(t.name, t)
    return list(out.values())


def _schema_from_docstring(fn: Callable[..., Any]) -> dict[str, Any] | None:
    try:
        from transformers.utils import get_json_schema

        return get_json_schema(fn)["function"]
    except Exception:  # noqa: BLE001 - no Args section or unsupported hints: use the signature
        return None


def _first_paragraph(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or ""
    return doc.split("\n\n", 1)[0].strip()


def _schema_from_signature(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - unresolvable hints: treat them as strings
        hints = {}
    props: dict[str, Any] = {}
    required: list[str] = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        ann = hints.get(p.name, str)
        props[p.name] = {"type": _JSON_TYPES.get(ann, "string")}
        if p.default is inspect.Parameter.empty:
            required.append(p.name)
    return {"type": "object", "properties": props, "required": required}


def _type_of(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "string")
    return kind[0] if isinstance(kind, list) else kind


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _coerce(text: str, prop: dict[str, Any], name: str) -> Any:
    kind = _type_of(prop)
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        if kind in ("array", "object"):
            return json.loads(text)
    except ValueError:
        raise ToolInputError(f"{name} must be a {kind}, got {text!r}") from None
    return text
