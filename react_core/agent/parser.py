"""Reading a model's step: ``Thought ... Action: tool[input]`` or ``... Final Answer: text``.

Markers count only at the start of a line (column 0), which is why observations, whose
continuation lines are indented, cannot inject steps. Accepted forms of an action:

- ``Action: search[capital of France]``      the ReAct paper's syntax
- ``Action: weather[{"city": "Paris"}]``     a JSON object for tools with several inputs
- ``Action: weather{"city": "Paris"}``       the same without brackets
- ``Action: search`` + ``Action Input: ...``  the LangChain layout
- ``Action: now[]``                          a tool without inputs (the brackets are required)
- ``Action: finish[answer]`` or ``Final Answer: answer``   ends the run

Anything after the first action is ignored (the model has not seen its observation), and
an ``Observation`` line the model wrote itself is cut off with everything after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from react_core.agent.steps import FINISH

_OBSERVATION = re.compile(r"^[ \t]*Observation\b", re.MULTILINE)
_MARKER = re.compile(r"^(?:(Action)(?:[ \t]+\d+)?|(Final Answer)|(Thought)(?:[ \t]+\d+)?|(Question)):[ \t]*",
                     re.MULTILINE | re.IGNORECASE)
_ACTION_INPUT = re.compile(r"^Action Input:[ \t]*", re.MULTILINE | re.IGNORECASE)
_THOUGHT_PREFIX = re.compile(r"^\s*Thought(?:[ \t]+\d+)?:", re.IGNORECASE)
_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class ParsedStep:
    """A step the model wrote: a thought and either an action or an answer."""

    thought: str
    action: str | None = None
    action_input: str = ""
    answer: str | None = None


class ParseError(ValueError):
    """The output has no usable action; ``thought`` keeps what the model did write."""

    def __init__(self, reason: str, thought: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.thought = thought


def parse_step(text: str) -> ParsedStep:
    """Parse the text a model wrote after ``Thought:`` (the prefix itself is optional)."""
    text = _cut_observation(text)
    markers = [m for m in _MARKER.finditer(text) if not m.group(3) or m.start() > 0]
    first = next((m for m in markers if m.group(1) or m.group(2)), None)
    thought = _clean_thought(text[: first.start()] if first else text)
    if first is None:
        raise ParseError("the output has no 'Action:' line and no 'Final Answer:'", thought)
    end = next((m.start() for m in markers if m.start() > first.start()), len(text))
    body = text[first.end():end].strip()
    if first.group(2):
        if not body:
            raise ParseError("'Final Answer:' is empty", thought)
        return ParsedStep(thought, FINISH, body, answer=body)
    return _parse_action(body, thought)


def _parse_action(body: str, thought: str) -> ParsedStep:
    if not body:
        raise ParseError("'Action:' is empty; write tool[input]", thought)
    layout = _ACTION_INPUT.search(body)
    if layout:
        name, rest = body[: layout.start()].strip(), body[layout.end():].strip()
        rest = "[" + rest + "]"
    else:
        match = _NAME.match(body)
        if not match:
            raise ParseError(f"cannot read a tool name in 'Action: {_short(body)}'; write tool[input]", thought)
        name, rest = match.group(1), match.group(2).strip()
    if rest.startswith("["):
        close = rest.rfind("]")
        if close == -1:
            raise ParseError(f"'Action: {_short(body)}' has no closing ']'", thought)
        value = rest[1:close].strip()
    elif rest.startswith("{"):
        value = rest
    else:
        raise ParseError(f"cannot read 'Action: {_short(body)}'; write tool[input]", thought)
    if not _NAME.match(name) or " " in name:
        raise ParseError(f"{name!r} is not a tool name; write tool[input]", thought)
    if name.lower() == FINISH:
        if not value:
            raise ParseError("finish[] is empty; write finish[answer]", thought)
        return ParsedStep(thought, FINISH, value, answer=value)
    return ParsedStep(thought, name, value)


def _cut_observation(text: str) -> str:
    match = _OBSERVATION.search(text)
    return text[: match.start()] if match else text


def _clean_thought(text: str) -> str:
    return " ".join(_THOUGHT_PREFIX.sub("", text, count=1).split())


def _short(text: str, width: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 3] + "..."
