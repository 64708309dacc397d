"""``react chat``: ask an agent one question, or many in an interactive session.

``runtime_factory(model, device, dtype, registry)`` builds what answers: by default a
``react_core.Runtime`` (the base model once, every installed domain's adapter, the batched
engine, the router). Tests and embedders replace it, e.g. with ``StaticRuntime(backend)``.
Domains and global tools come from the registry the ``react`` app was built with
(``react_core.cli.current_registry``). ``--domain auto`` routes each question: the top
domain's prompt and tools, and its adapter or a runtime merge of several.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from react_core.agent.agent import Agent
from react_core.agent.build import build_agent
from react_core.agent.config import AgentConfig
from react_core.agent.events import ActionEvent, AgentEvent, FinalEvent, ObservationEvent, ThoughtEvent
from react_core.agent.prompt import format_input
from react_core.agent.steps import AgentResult
from react_core.agent.trace import write_trace
from react_core.engine.backend import GenerationBackend
from react_core.registry import Registry

_EXIT_WORDS = {"exit", "quit", ":q"}


class StaticRuntime:
    """A runtime over a fixed backend: no routing (``--domain auto`` picks the base).

    ``adapter_for`` (domain, query) -> adapter name; by default every domain runs on the base.
    """

    def __init__(self, backend: GenerationBackend,
                 adapter_for: Callable[[str | None, str], str | None] | None = None) -> None:
        self.backend = backend
        self._adapter_for = adapter_for

    def adapter_for(self, domain: str | None, query: str = "") -> str | None:
        return self._adapter_for(domain, query) if self._adapter_for is not None else None

    def route(self, query: str) -> Any:
        return None

    def close(self) -> None:
        pass


def _runtime(model: str, device: str | None, dtype: str | None, registry: Registry) -> Any:
    from react_core.runtime import Runtime

    return Runtime.load(model, registry=registry, device=device, dtype=dtype)


runtime_factory: Callable[[str, str | None, str | None, Registry], Any] = _runtime
AUTO = "auto"


def register(app: typer.Typer) -> None:
    """Add ``chat`` to ``app``."""

    @app.command("chat")
    def chat_cmd(
        ctx: typer.Context,
        query: Annotated[str | None, typer.Argument(help="the question; without it, an interactive session")] = None,
        domain: Annotated[str | None, typer.Option(
            help="domain to answer in; 'auto' routes each question (default: base model, global tools)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
        trace_file: Annotated[Path | None, typer.Option(help="append each run's trace to this JSONL file")] = None,
        model: Annotated[str, typer.Option(help="base model: a source name, a local directory or a hub id")]
            = "gemma-3-270m",
        device: Annotated[str | None, typer.Option(help="cpu, cuda, cuda:1 ... (default: automatic)")] = None,
        dtype: Annotated[str | None, typer.Option(help="bf16, fp16 or fp32 (default: automatic)")] = None,
        max_steps: Annotated[int, typer.Option(min=1, help=AgentConfig.help("max_steps"))] = 8,
        max_seconds: Annotated[float, typer.Option(min=0.1, help=AgentConfig.help("max_seconds"))] = 120.0,
        max_new_tokens: Annotated[int, typer.Option(min=1, help=AgentConfig.help("max_new_tokens"))] = 256,
        temperature: Annotated[float, typer.Option(min=0.0, help=AgentConfig.help("temperature"))] = 0.0,
        backend: Annotated[str | None, typer.Option(help="generate with a backend a plugin registered (e.g. openai) "
                                                         "instead of loading the model here")] = None,
        backend_option: Annotated[list[str], typer.Option(help="key=value for the backend (repeat), "
                                                               "e.g. base_url=http://gpu-box:8000/v1")] = [],  # noqa: B006
    ) -> None:
        """Answer QUERY with a ReAct agent (Thought, Action, Observation ... Final Answer).

        Exits with 1 when a run ends without an answer (its stop reason says why).
        """
        out, err = Console(), Console(stderr=True)
        from react_core.cli import current_registry

        registry = current_registry(ctx)
        if domain is not None and domain != AUTO:
            try:
                registry.domain(domain)
            except KeyError as exc:  # the message lists the installed domains
                err.print(f"[red]error:[/] {escape(str(exc.args[0]))}", highlight=False)
                raise typer.Exit(2) from None
        config = AgentConfig(max_steps=max_steps, max_seconds=max_seconds, max_new_tokens=max_new_tokens,
                             temperature=temperature)
        if backend is not None:
            from react_core.engine.factory import BackendSetupError, domain_adapter_names, make_backend

            try:
                runtime = StaticRuntime(make_backend(registry, backend, backend_option),
                                        adapter_for=domain_adapter_names(registry))
            except BackendSetupError as exc:
                err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
                raise typer.Exit(2) from None
        elif as_json:
            runtime = runtime_factory(model, device, dtype, registry)
        else:
            with err.status(f"loading {model} ..."):
                runtime = runtime_factory(model, device, dtype, registry)
        fixed = None if domain == AUTO else build_agent(
            registry, runtime.backend, domain, config, adapter=runtime.adapter_for(domain))

        def answer(q: str) -> AgentResult:
            agent = fixed or _routed_agent(registry, runtime, q, config, err, quiet=as_json)
            result = _run_json(agent, q) if as_json else _run_shown(agent, q, out)
            if trace_file is not None:
                write_trace(result, trace_file)
            return result

        try:
            if query is not None:
                raise typer.Exit(0 if answer(query).ok else 1)
            _interactive(answer, err)
        finally:
            runtime.close()


def _routed_agent(registry: Registry, runtime: Any, query: str, config: AgentConfig, err: Console, *,
                  quiet: bool) -> Agent:
    """``--domain auto``: the routed top domain's prompt and tools, its adapter or a merge."""
    route = runtime.route(query)
    top = route.top if route is not None else None
    adapter = runtime.adapter_for(AUTO, query) if top is not None else None
    if not quiet:
        shares = ", ".join(f"{d} {w:.2f}" for d, w in zip(route.domains, route.shares)) if top else "none"
        err.print(f"[dim]routed: {shares}; adapter: {adapter or 'base model'}[/]", highlight=False)
    return build_agent(registry, runtime.backend, top, config, adapter=adapter)


def _run_json(agent: Agent, query: str) -> AgentResult:
    result = agent.run(query)
    sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False, indent=2, default=str) + "\n")
    return result


def _run_shown(agent: Agent, query: str, out: Console) -> AgentResult:
    """Run ``query`` and show each event as it happens."""
    for event in agent.stream(query):
        _show(event, out)
        if isinstance(event, FinalEvent):
            return event.result
    raise AssertionError("the loop ended without a FinalEvent")  # pragma: no cover


def _show(event: AgentEvent, out: Console) -> None:
    if isinstance(event, ThoughtEvent) and event.text:
        out.print(f"[dim]{event.step}.[/] [italic]Thought:[/] {escape(event.text)}", highlight=False)
    elif isinstance(event, ActionEvent):
        out.print(f"   [cyan]Action:[/] {escape(f'{event.tool}[{format_input(event.input)}]')}", highlight=False)
    elif isinstance(event, ObservationEvent):
        style = "red" if event.error else "green"
        out.print(f"   [{style}]Observation:[/] {escape(_clip(event.text))}", highlight=False)
    elif isinstance(event, FinalEvent):
        r = event.result
        if r.ok:
            out.print(f"[bold green]Final Answer:[/] {escape(r.answer or '')}", highlight=False)
        else:
            out.print(f"[yellow]No answer ({r.stop_reason}):[/] {escape(r.stop_detail)}", highlight=False)
        out.print(f"[dim]{len(r.steps)} step(s), {r.usage.total_tokens} tokens, {r.seconds:.1f} s[/]")


def _interactive(answer: Callable[[str], Any], err: Console) -> None:
    err.print("[dim]Ask a question; 'exit' or Ctrl-D ends the session. Each question is a new run.[/]")
    while True:
        try:
            line = input("? ")
        except (EOFError, KeyboardInterrupt):
            err.print()
            return
        if line.strip().lower() in _EXIT_WORDS:
            return
        if line.strip():
            answer(line.strip())


def _clip(text: str, width: int = 300) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 3] + "..."
