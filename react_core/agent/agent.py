"""``Agent``: a backend, tools, a prompt and limits; ``run``/``stream`` and async twins."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from react_core.agent.config import AgentConfig
from react_core.agent.events import AgentEvent, FinalEvent
from react_core.agent.guard import Guard, holds_answer
from react_core.agent.loop import react_loop
from react_core.agent.prompt import PromptBuilder, PromptTemplates
from react_core.agent.rewrite import Rewrite
from react_core.agent.steps import FINISH, AgentResult
from react_core.agent.tools import Tool, compose_tools

if TYPE_CHECKING:
    from react_core.domain import DomainSpec
    from react_core.engine.backend import GenerationBackend


class Agent:
    """A ReAct agent over a generation backend.

    ``adapter`` is passed to the backend with every request (the LoRA adapter to use,
    ``None`` for the base model); nothing is set process-wide, so agents with different
    adapters can share one backend. ``query_rewrite`` and ``answer_rewrite`` are steps
    written with another adapter before and after the loop (``react_core.agent.rewrite``:
    e.g. the translation adapter writes the answer in the customer's language). ``guards``
    screen the question, require tool calls and review the answer in code
    (``react_core.agent.guard``). ``record_names`` (names, or a function that returns them) are
    the names in the tools' records, e.g. customers and payees: an answer that names one the
    run's evidence does not is repaired like one with an invented id (``react_core.agent.repair``).
    An agent holds no per-run state: one agent can serve concurrent runs.
    """

    def __init__(self, backend: GenerationBackend, tools: Iterable[Any] = (), *,
                 config: AgentConfig | None = None, system_prompt: str | None = None,
                 few_shot: Sequence[str] = (), adapter: str | None = None, domain: str | None = None,
                 templates: PromptTemplates | None = None, query_rewrite: Rewrite | None = None,
                 answer_rewrite: Rewrite | None = None, guards: Sequence[Guard] = (),
                 record_names: Callable[[], Iterable[str]] | Iterable[str] = ()) -> None:
        self.backend = backend
        self.tools: dict[str, Tool] = {}
        for t in compose_tools(tools):
            if t.name.lower() == FINISH:
                raise ValueError(f"tool name {t.name!r} is reserved for the final answer")
            self.tools[t.name] = t
        self.config = config or AgentConfig()
        self.adapter = adapter
        self.domain = domain
        self.query_rewrite = query_rewrite
        self.answer_rewrite = answer_rewrite
        if isinstance(guards, Guard):
            raise TypeError("guards must be a list of Guard objects: wrap a single guard in a list")
        self.guards = tuple(guards)
        for g in self.guards:
            if not isinstance(g, Guard):
                raise TypeError(f"guards must be Guard objects, got {type(g).__name__}")
        self.templates = templates or PromptTemplates.load()
        self.prompt = PromptBuilder.create(self.templates, list(self.tools.values()),
                                           system_prompt=system_prompt, few_shot=few_shot)
        self._record_names = record_names if callable(record_names) else tuple(record_names)
        self._grammars: dict[bool, str] = {}

    @classmethod
    def from_domain(cls, backend: GenerationBackend, domain: DomainSpec, *, tools: Iterable[Any] = (),
                    adapter: str | None = ..., guards: Sequence[Guard] = (),  # type: ignore[assignment]
                    **kwargs: Any) -> Agent:
        """An agent for ``domain``: its system prompt, few-shot trajectories, tools and guards,
        then ``tools`` and ``guards``.

        The adapter defaults to the domain's name when the domain ships one.
        """
        from react_core.domain import ToolContext

        if adapter is ...:
            adapter = domain.name if domain.adapter_path is not None else None
        own = domain.get_tools(ToolContext(backend=backend, adapter=adapter, domain=domain.name))
        kwargs.setdefault("record_names", domain.record_names)
        return cls(backend, compose_tools(own, tools), system_prompt=domain.system_prompt or None,
                   few_shot=domain.few_shot, adapter=adapter, domain=domain.name,
                   guards=(*domain.guards, *guards), **kwargs)

    @property
    def holds_answer(self) -> bool:
        """Whether the final answer can differ from what the model wrote (the grounding check, a
        review or an answer rewrite follows the loop): a streaming client must then wait for the
        final event."""
        return self.config.grounding or self.answer_rewrite is not None or holds_answer(self.guards)

    def find_tool(self, name: str) -> Tool | None:
        """The tool called ``name`` (exact, else ignoring case)."""
        found = self.tools.get(name)
        if found is None:
            found = next((t for n, t in self.tools.items() if n.lower() == name.lower()), None)
        return found

    def tool_names(self) -> str:
        return ", ".join(self.tools) or "(none)"

    def step_grammar(self, *, actions: bool = True) -> str:
        """The grammar of one step over this agent's tools (``react_core.agent.grammar``);
        ``actions=False``: the final answer only."""
        if actions not in self._grammars:
            from react_core.agent.grammar import step_grammar

            self._grammars[actions] = step_grammar(list(self.tools.values()), actions=actions)
        return self._grammars[actions]

    def step_budget(self) -> int:
        """Tokens within which a constrained step is complete (``react_core.agent.grammar.step_budget``)."""
        from react_core.agent.grammar import step_budget

        return step_budget(list(self.tools.values()))

    def record_names(self) -> list[str]:
        """The names grounding checks answers for (``record_names``, read now)."""
        names = self._record_names() if callable(self._record_names) else self._record_names
        return [str(n) for n in names if str(n).strip()]

    # -- running -------------------------------------------------------------------------

    def stream(self, query: str, *, tokens: bool = False) -> Iterator[AgentEvent]:
        """Run ``query``, yielding events as they happen (token deltas too when ``tokens``)."""
        return react_loop(self, query, tokens=tokens)

    def run(self, query: str) -> AgentResult:
        """Run ``query`` to the end and return the result (never raises for model or tool trouble)."""
        for event in react_loop(self, query):
            if isinstance(event, FinalEvent):
                return event.result
        raise AssertionError("the loop ended without a FinalEvent")  # pragma: no cover

    async def astream(self, query: str, *, tokens: bool = False) -> AsyncIterator[AgentEvent]:
        """``stream`` for asyncio: the loop runs in a worker thread, events arrive on this loop.

        Leaving the iteration early cancels the run at its next step.
        """
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()
        done = object()

        def put(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is closed: nobody is listening
                cancel.set()

        def work() -> None:
            try:
                for event in react_loop(self, query, tokens=tokens, cancel=cancel):
                    put(event)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's task
                put(_Raised(exc))
            finally:
                put(done)

        threading.Thread(target=work, daemon=True, name="react-agent-run").start()
        try:
            while (item := await queue.get()) is not done:
                if isinstance(item, _Raised):
                    raise item.exc
                yield item
        finally:
            cancel.set()

    async def arun(self, query: str) -> AgentResult:
        """``run`` for asyncio (the event loop stays free while the model generates)."""
        async for event in self.astream(query):
            if isinstance(event, FinalEvent):
                return event.result
        raise AssertionError("the loop ended without a FinalEvent")  # pragma: no cover


class _Raised:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
