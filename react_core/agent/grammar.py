"""The grammar of one ReAct step, built from the agent's tools.

What the model writes after ``Thought:`` is held to::

    <thought: one line of free text, at most THOUGHT_TOKENS tokens>
    Action: <one of the tools>[<input that fits the tool's JSON schema>]
  | Final Answer: <free text>

A tool with one string parameter takes plain text (``search[capital of France]``); one integer,
number or boolean parameter takes a literal of that type; an ``enum`` one of its values; a
tool with several parameters a JSON object that its schema validates (keys it does not
declare are refused, required keys are required). Free text stays free: the thought and the
final answer. Every free-text rule is bounded in tokens, so a step ends inside its budget and
the parser always reads it: with a local backend a ``parse_error`` cannot happen.

The grammar is llguidance's Lark dialect (``react_core.engine.constraint``), which vLLM and
SGLang take too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

from react_core.agent.tools import Tool

THOUGHT_TOKENS = 96
"""Tokens a thought may take before the grammar makes the model act."""
INPUT_TOKENS = 64
"""Tokens a plain-text tool input may take."""
STRING_CHARS = 120
"""Characters a string inside a JSON input may take (unless its schema says less)."""


def step_grammar(tools: Sequence[Tool], *, actions: bool = True, answer: bool = True) -> str:
    """The Lark grammar of one step over ``tools``.

    ``actions=False`` allows only the final answer (the loop uses it when the run must end:
    its last step, or after a repeated call); ``answer=False`` only tool calls.
    """
    if not actions and not answer:
        raise ValueError("a step must allow an action or the final answer")
    calls = list(tools) if actions else []
    choices = []
    rules: list[str] = []
    if calls:
        choices.append("action")
        rules.append('action: "Action: " (' + " | ".join(f"call_{i}" for i in range(len(calls))) + ")")
        for i, t in enumerate(calls):
            rules.extend(_call_rules(i, t))
    if answer or not calls:
        choices.append("answer")
        rules.append(r'answer: "Final Answer: " /[^\s](.|\n)*/')
    head = [
        "start: thought \"\\n\" (" + " | ".join(choices) + ")",
        f"thought[max_tokens={THOUGHT_TOKENS}]: /[^\\n]*/",
    ]
    return "\n".join(head + rules) + "\n"


def step_budget(tools: Sequence[Tool]) -> int:
    """Tokens within which any step of ``step_grammar(tools)`` is complete, whatever the model
    writes (a character of a JSON string is counted as up to four tokens, the UTF-8 bytes of
    one character); the loop never gives a constrained step less."""
    def call(t: Tool) -> int:
        props: dict[str, Any] = t.parameters.get("properties", {})
        if t.single_argument is not None and _plain(props[t.single_argument]):
            return len(t.name) + INPUT_TOKENS + 24
        chars = sum(int(p.get("maxLength", STRING_CHARS)) for p in _strings(json_schema(t.parameters)))
        return len(t.name) + 4 * chars + 16 * (len(props) + 2)
    return THOUGHT_TOKENS + 16 + max((call(t) for t in tools), default=0)


def _plain(prop: dict[str, Any]) -> bool:
    kind = prop.get("type", "string")
    return "enum" in prop or (kind[0] if isinstance(kind, list) else kind) not in ("array", "object")


def _strings(node: Any) -> list[dict[str, Any]]:
    """The string schemas inside ``node`` (each counted once, wherever it may repeat)."""
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    own = [node] if kind == "string" or (isinstance(kind, list) and "string" in kind) else []
    return own + [s for key, value in node.items() if key not in ("enum", "const", "required", "x-guidance")
                  for s in _strings(value)]


def _call_rules(i: int, t: Tool) -> list[str]:
    props: dict[str, Any] = t.parameters.get("properties", {})
    name = f"call_{i}"
    if not props:
        return [f'{name}: "{t.name}[]"']
    single = t.single_argument
    if single is not None:
        return [f'{name}: "{t.name}[" {name}_input "]"', *_plain_rule(f"{name}_input", props[single])]
    return [f'{name}: "{t.name}[" {name}_input "]"', f"{name}_input: %json {json.dumps(json_schema(t.parameters))}"]


def _plain_rule(rule: str, prop: dict[str, Any]) -> list[str]:
    """How a single parameter is written inside the brackets."""
    if "enum" in prop:
        return [f"{rule}: " + " | ".join(json.dumps(str(v)) for v in prop["enum"])]
    kind = prop.get("type", "string")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "integer":
        return [f"{rule}: /-?[0-9]{{1,18}}/"]
    if kind == "number":
        return [f"{rule}: /-?[0-9]{{1,18}}(\\.[0-9]{{1,12}})?/"]
    if kind == "boolean":
        return [f'{rule}: "true" | "false"']
    if kind in ("array", "object"):
        return [f"{rule}: %json {json.dumps(json_schema(prop))}"]
    return [f"{rule}[max_tokens={INPUT_TOKENS}]: /[^\\]\\n]+/"]


def json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as the grammar holds it: objects take no undeclared keys, strings are bounded
    (so a JSON input cannot run past the step's budget), separators are the compact ones the
    prompts show (``{"a": 1, "b": 2}``)."""
    out = _bounded(copy.deepcopy(schema))
    out["x-guidance"] = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}
    return out


def _bounded(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
                for sub in value.values():
                    _bounded(sub)
            elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
                _bounded(value)
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "string" in kinds:
            node["maxLength"] = min(int(node.get("maxLength", STRING_CHARS)), STRING_CHARS)
        if "object" in kinds and "additionalProperties" not in node:
            node["additionalProperties"] = False
    elif isinstance(node, list):
        for item in node:
            _bounded(item)
    return node
