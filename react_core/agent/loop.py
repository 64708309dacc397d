"""The ReAct loop, top to bottom: one generator that yields events as a run happens.

Before the first turn the agent's guards (``react_core.agent.guard``) screen the question and
the calls their policies require are made (``react_core.agent.policy``). Each turn: write the
prompt, let the model write a Thought and an Action (generation stops at the Observation
marker), parse it, run the tool (errors, timeouts and oversized output become the
observation), and check the limits. With a backend that takes a grammar the Action is
generated under the tools' grammar (``react_core.agent.grammar``): an unknown tool or an input
that does not fit is impossible, and the run's last allowed step, or the step after a repeated
call, can only be the final answer. Other backends' output is parsed, re-prompting only the
Action line while the parse budget lasts. The model's answer is checked against the run's
evidence and repaired (``react_core.agent.repair``); then guards rescue a run that ended without
an answer and review the answer. The run ends with exactly one ``FinalEvent``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from react_core.agent.calls import call_tool, truncate
from react_core.agent.events import (
    ActionEvent,
    AgentEvent,
    FinalEvent,
    ObservationEvent,
    StepEvent,
    ThoughtEvent,
    TokenDelta,
)
from react_core.agent.parser import ParsedStep, ParseError, parse_step
from react_core.agent.policy import policy_step, required_calls
from react_core.agent.prompt import STOP_SEQUENCES
from react_core.agent.repair import ground
from react_core.agent.rewrite import Rewrite
from react_core.agent.steps import FINISH, AgentResult, Step, Usage
from react_core.agent.tools import Tool, ToolInputError, ToolInputSyntaxError
from react_core.engine.backend import cut_at_stop

if TYPE_CHECKING:
    from react_core.agent.agent import Agent

_RETRY_STOP = (*STOP_SEQUENCES, "\nThought:")
# runs that end without an answer and that a guard's ``rescue`` may still answer (not a cancelled
# run, nor one a guard already stopped)
RESCUED = ("max_steps", "timeout", "parse_error", "repeated_action", "backend_error")


def react_loop(agent: Agent, query: str, *, tokens: bool = False,
               cancel: threading.Event | None = None) -> Iterator[AgentEvent]:
    """Run ``query`` with ``agent``, yielding events; the last one is a ``FinalEvent``."""
    cfg = agent.config
    started = time.perf_counter()
    deadline = started + cfg.max_seconds if cfg.max_seconds is not None else float("inf")
    steps: list[Step] = []
    usage = Usage()
    retries_left = cfg.max_parse_retries
    calls: dict[str, list[int]] = {}  # call key -> the steps that made this call
    rewrites: list[Step] = []  # steps written with another adapter (before the loop's steps)
    state: dict[str, Any] = {}  # what the run's tools remember between calls (calls.run_state)
    constrained = cfg.constrained and bool(getattr(agent.backend, "supports_grammar", False))
    budget = max(cfg.max_new_tokens, agent.step_budget()) if constrained else cfg.max_new_tokens
    must_answer = False  # the next step may only be the final answer (after a repeated call)
    grounding: dict[str, Any] | None = None

    def end(reason: str, detail: str = "", answer: str | None = None, *, screened: bool = False,
            drafted: bool = False) -> Iterator[AgentEvent]:
        """End the run: grounding (the model's answer), rescue (no answer), reviews, the answer
        rewrite; the steps they add, then the ``FinalEvent``."""
        nonlocal grounding
        before = len(steps)
        if answer is not None and drafted and cfg.grounding:
            try:
                answer, grounding = ground(agent, task, answer, steps, usage)
            except Exception as exc:  # noqa: BLE001 - fails closed: never an unchecked answer
                reason, answer = "guard_error", None
                detail = f"the grounding check failed ({type(exc).__name__}: {exc}); the answer is withheld"
        if answer is None and reason in RESCUED:
            reason, detail, answer = _rescue(agent, task, reason, detail, steps)
        if answer is not None and not screened:
            answer, failed = _review(agent, task, answer, steps)
            if failed:
                reason, detail = "guard_error", failed
        if answer is not None and agent.answer_rewrite is not None:
            done, answer = _rewrite(agent, agent.answer_rewrite, query, answer, len(steps) + 1, usage)
            if done is not None:
                steps.append(done)
        for added in steps[before:]:
            yield StepEvent(added)
        yield FinalEvent(AgentResult(query=query, answer=answer, stop_reason=reason, steps=rewrites + steps,
                                     usage=usage, stop_detail=detail, domain=agent.domain, adapter=agent.adapter,
                                     seconds=time.perf_counter() - started, grounding=grounding))

    task = query
    if agent.query_rewrite is not None:
        done, task = _rewrite(agent, agent.query_rewrite, query, query, 0, usage)
        if done is not None:
            rewrites.append(done)
            yield StepEvent(done)
    for guard in agent.guards:  # a screen that answers ends the run before the model is asked
        if guard.screen is None:
            continue
        guard_started = time.perf_counter()
        try:
            text = guard.screen(task)
            if text is not None and not isinstance(text, str):
                raise TypeError(f"screen returned {type(text).__name__}, not str or None")
        except Exception as exc:  # noqa: BLE001 - a broken guard fails closed
            yield from end("guard_error", f"the {guard.name} guard failed ({type(exc).__name__}: {exc}); "
                           "no answer is given")
            return
        if text is not None:
            steps.append(Step(index=1, action=guard.name, action_input=task, observation=text, kind="guard",
                              seconds=time.perf_counter() - guard_started))
            yield StepEvent(steps[-1])
            yield from end("final_answer", f"answered by the {guard.name} guard; the model was not asked",
                           answer=text, screened=True)
            return
    try:  # the calls the guards' policies require, before the model is asked
        required = required_calls(agent, task)
    except Exception as exc:  # noqa: BLE001 - a broken policy fails closed
        yield from end("guard_error", f"a required-call policy failed ({type(exc).__name__}: {exc}); no answer is given")
        return
    for call in required:
        step = policy_step(agent, call, len(steps) + 1, question=task, state=state,
                           timeout=_min(cfg.tool_timeout, deadline - time.perf_counter()))
        if step.error is None:  # a required call made is a call made: asking again is a repeat
            calls.setdefault(_key(call.tool.name, call.tool.bind(call.text), call.text), []).append(step.index)
        steps.append(step)
        yield ActionEvent(step.index, step.action or "", step.action_input)
        yield ObservationEvent(step.index, step.observation or "", step.error)
        yield StepEvent(step)

    while True:
        # 1. limits
        model_steps = sum(1 for s in steps if s.kind == "react")
        if cancel is not None and cancel.is_set():
            yield from end("cancelled", "the caller stopped the run")
            return
        if model_steps >= cfg.max_steps:
            yield from end("max_steps", f"no final answer after {cfg.max_steps} steps")
            return
        if time.perf_counter() >= deadline:
            yield from end("timeout", f"no final answer within {cfg.max_seconds:g} s")
            return
        step = Step(index=len(steps) + 1)
        step_started = time.perf_counter()
        prompt = agent.prompt.render(task, steps)
        grammar = None
        if constrained:  # the last allowed step, or the one after a repeated call, must answer
            grammar = agent.step_grammar(actions=not must_answer and model_steps + 1 < cfg.max_steps)

        # 2. the model writes Thought and Action; malformed output re-prompts the Action line
        try:
            text = yield from _generate(agent, prompt, STOP_SEQUENCES, step, usage, tokens, grammar,
                                        budget if grammar is not None else None)
            action = _read(agent, text)
            while isinstance(action, ParseError):
                step.thought = action.thought
                if retries_left == 0 or time.perf_counter() >= deadline:
                    step.error = f"unparseable output: {action.reason}"
                    _close(step, steps, step_started)
                    yield StepEvent(step)
                    yield from end("parse_error", f"step {step.index}: {action.reason} "
                                   f"(after {step.parse_retries} re-prompt(s) of the Action line)")
                    return
                retries_left -= 1
                step.parse_retries += 1
                retry = f"{prompt} {action.thought}\nAction:" if action.thought else f"{prompt}\nAction:"
                text = yield from _generate(agent, retry, _RETRY_STOP, step, usage, tokens)
                action = _read(agent, "Action:" + text, thought=action.thought)
        except BackendError as exc:
            _close(step, steps, step_started, error=str(exc))
            yield StepEvent(step)
            yield from end("backend_error", str(exc))
            return
        parsed = action.parsed
        step.thought = parsed.thought
        yield ThoughtEvent(step.index, step.thought)

        # 3. a final answer ends the run
        if parsed.answer is not None:
            step.action, step.action_input = FINISH, parsed.answer
            _close(step, steps, step_started)
            yield StepEvent(step)
            yield from end("final_answer", answer=parsed.answer, drafted=True)
            return

        # 4. the action: unknown tool, bad input, repetition, or a tool call
        step.action, step.action_input = action.name, action.shown_input
        yield ActionEvent(step.index, step.action, step.action_input)
        earlier = calls.setdefault(action.key, [])
        earlier.append(step.index)
        if len(earlier) > cfg.max_repeats:
            step.error = f"repeated action: {action.name} called {len(earlier)} times with the same input"
            _close(step, steps, step_started)
            yield StepEvent(step)
            yield from end("repeated_action", f"{step.error} (steps {', '.join(map(str, earlier))})")
            return
        if action.tool is None:
            step.error = f"unknown tool {action.name!r}"
            step.observation = agent.templates.fill("unknown_tool", name=action.name, names=agent.tool_names())
        elif action.input_error is not None:
            step.error = action.input_error
            step.observation = agent.templates.fill("bad_input", error=action.input_error,
                                                    example=f"{action.tool.name}[{action.tool.example_input()}]")
        elif len(earlier) > 1:
            step.observation = agent.templates.fill("repeated_action", name=action.name, first=earlier[0])
            must_answer = True  # it has what it asked for: no step is spent asking again
        else:
            tool_started = time.perf_counter()
            timeout = _min(cfg.tool_timeout, deadline - tool_started)
            outcome = call_tool(action.tool, action.kwargs or {}, timeout=timeout, question=task, state=state)
            step.tool_seconds = time.perf_counter() - tool_started
            step.observation, step.error = truncate(outcome.text, cfg.max_observation_chars), outcome.error
        yield ObservationEvent(step.index, step.observation, step.error)
        _close(step, steps, step_started)
        yield StepEvent(step)


def _rescue(agent: Agent, question: str, reason: str, detail: str, steps: list[Step]) -> tuple[str, str, str | None]:
    """Ask the guards' rescues for an answer to a run that ended without one (first text wins);
    return the (possibly new) stop reason, its detail and the answer."""
    for guard in agent.guards:
        if guard.rescue is None:
            continue
        started = time.perf_counter()
        try:
            text = guard.rescue(question, tuple(steps))
            if text is not None and not isinstance(text, str):
                raise TypeError(f"rescue returned {type(text).__name__}, not str or None")
        except Exception as exc:  # noqa: BLE001 - a broken guard fails closed
            return "guard_error", f"the {guard.name} guard failed ({type(exc).__name__}: {exc}) after {reason}", None
        if text:
            steps.append(Step(index=len(steps) + 1, action=guard.name, action_input=reason, observation=text,
                              kind="guard", seconds=time.perf_counter() - started))
            return "final_answer", f"answered by the {guard.name} guard after {reason} ({detail})", text
    return reason, detail, None


def _review(agent: Agent, question: str, answer: str, steps: list[Step]) -> tuple[str | None, str]:
    """Pass ``answer`` through the agent's guard reviews; return it, or None and why it is withheld."""
    for guard in agent.guards:
        if guard.review is None:
            continue
        started = time.perf_counter()
        try:
            out = guard.review(question, answer, tuple(steps))
            if not isinstance(out, str):
                raise TypeError(f"review returned {type(out).__name__}, not str")
        except Exception as exc:  # noqa: BLE001 - a broken guard fails closed: no unreviewed answer
            return None, f"the {guard.name} guard failed ({type(exc).__name__}: {exc}); the answer is withheld"
        if out != answer:
            steps.append(Step(index=len(steps) + 1, action=guard.name, action_input=answer, observation=out,
                              kind="guard", seconds=time.perf_counter() - started))
            answer = out
    return answer, ""


def _rewrite(agent: Agent, rewrite: Rewrite, query: str, text: str, index: int,
             usage: Usage) -> tuple[Step | None, str]:
    """Run one rewrite step; return the step (None when skipped) and the text to go on with.

    Any failure keeps ``text`` and is recorded as the step's error: a rewrite never loses an answer.
    """
    started = time.perf_counter()
    step = Step(index=index, action=rewrite.name, action_input=text, kind="rewrite", adapter=rewrite.adapter)
    out = ""
    try:
        prompt = rewrite.prompt(query, text)
        if prompt is None:
            return None, text
        generation = agent.backend.generate(prompt, stop=rewrite.stop, max_new_tokens=rewrite.max_new_tokens,
                                            temperature=0.0, adapter=rewrite.adapter)
        usage.add(generation.prompt_tokens, generation.completion_tokens)
        step.prompt_tokens, step.completion_tokens = generation.prompt_tokens, generation.completion_tokens
        step.raw_output = generation.text
        out = cut_at_stop(generation.text, rewrite.stop)[0].strip()
        if not out:
            step.error = f"{rewrite.name} wrote nothing; the text is kept as it was"
    except Exception as exc:  # noqa: BLE001 - a failed rewrite keeps the text
        step.error = f"{rewrite.name} failed ({type(exc).__name__}: {exc}); the text is kept as it was"
    step.observation = out or text
    step.seconds = step.model_seconds = time.perf_counter() - started
    return step, out or text


class BackendError(RuntimeError):
    """The generation backend raised; the run stops with ``backend_error``."""


def _generate(agent: Agent, prompt: str, stop: Sequence[str], step: Step, usage: Usage,
              tokens: bool, grammar: str | None = None, budget: int | None = None) -> Generator[AgentEvent, None, str]:
    """Ask the backend for one completion (under ``grammar`` when given, with at least ``budget``
    tokens), yielding token deltas when ``tokens``; return the text."""
    started = time.perf_counter()
    kwargs: dict[str, Any] = dict(stop=stop, max_new_tokens=budget or agent.config.max_new_tokens,
                                  temperature=agent.config.temperature, adapter=agent.adapter)
    if grammar is not None:
        kwargs["grammar"] = grammar
    try:
        if tokens:
            parts: list[str] = []
            finished = yield from _deltas(agent.backend.stream(prompt, **kwargs), step.index, parts)
            text = "".join(parts)
            prompt_tokens = getattr(finished, "prompt_tokens", 0)
            completion_tokens = getattr(finished, "completion_tokens", 0)
        else:
            generation = agent.backend.generate(prompt, **kwargs)
            text = generation.text
            prompt_tokens, completion_tokens = generation.prompt_tokens, generation.completion_tokens
    except Exception as exc:  # noqa: BLE001 - any backend failure ends the run cleanly
        raise BackendError(f"generation failed: {type(exc).__name__}: {exc}") from exc
    finally:
        step.model_seconds += time.perf_counter() - started
    usage.add(prompt_tokens, completion_tokens)
    step.prompt_tokens += prompt_tokens
    step.completion_tokens += completion_tokens
    text, _ = cut_at_stop(text, stop)  # a backend that ignores stop strings is cut here too
    step.raw_output = f"{step.raw_output}\nAction:{text}" if step.raw_output else text
    return text


def _deltas(stream: Iterator[str], index: int, parts: list[str]) -> Generator[AgentEvent, None, Any]:
    """Yield the stream's deltas as events (collected in ``parts``); return the stream's own
    return value (the finished ``Generation`` for backends that report usage, else None)."""
    try:
        while True:
            try:
                delta = next(stream)
            except StopIteration as end:
                return end.value
            parts.append(delta)
            yield TokenDelta(index, delta)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a caller that stops early cancels the generation


@dataclass
class _Action:
    """A parsed step resolved against the tools."""

    parsed: ParsedStep
    tool: Tool | None = None
    kwargs: dict[str, Any] | None = None
    input_error: str | None = None

    @property
    def name(self) -> str:
        return self.tool.name if self.tool is not None else str(self.parsed.action)

    @property
    def shown_input(self) -> str | dict[str, Any]:
        """The input as the step records it: the JSON object for multi-input tools, else the text."""
        if self.tool is not None and self.tool.single_argument is None and self.kwargs:
            return self.kwargs
        return self.parsed.action_input

    @property
    def key(self) -> str:
        """What makes two calls the same call (the tool and its input, whitespace normalised)."""
        return _key(self.name, self.kwargs, self.parsed.action_input)


def _key(name: str, kwargs: dict[str, Any] | None, raw: str) -> str:
    """A call's identity: the tool and its bound arguments (else the raw input), whitespace
    normalised."""
    if kwargs is None:
        value: Any = " ".join(raw.split())
    else:
        value = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in kwargs.items()}
    return name + "\x00" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _read(agent: Agent, text: str, thought: str | None = None) -> _Action | ParseError:
    """Parse ``text`` and bind its input; malformed text or JSON is a ``ParseError`` (returned)."""
    try:
        parsed = parse_step(text)
    except ParseError as exc:
        return ParseError(exc.reason, thought if thought is not None else exc.thought)
    if thought is not None:
        parsed = ParsedStep(thought, parsed.action, parsed.action_input, parsed.answer)
    if parsed.answer is not None:
        return _Action(parsed)
    tool = agent.find_tool(str(parsed.action))
    if tool is None:
        return _Action(parsed)
    try:
        return _Action(parsed, tool, tool.bind(parsed.action_input))
    except ToolInputSyntaxError as exc:
        return ParseError(str(exc), parsed.thought)
    except ToolInputError as exc:
        return _Action(parsed, tool, input_error=str(exc))


def _close(step: Step, steps: list[Step], started: float, *, error: str | None = None) -> None:
    if error is not None:
        step.error = error
    step.seconds = time.perf_counter() - started
    steps.append(step)


def _min(limit: float | None, remaining: float) -> float | None:
    if remaining == float("inf"):
        return limit
    remaining = max(remaining, 0.001)
    return remaining if limit is None else min(limit, remaining)
