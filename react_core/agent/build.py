"""``build_agent``: the agent ``react chat`` and ``react serve`` build for a domain, for embedders too."""

from __future__ import annotations

from dataclasses import replace

from react_core.agent.agent import Agent
from react_core.agent.config import AgentConfig
from react_core.agent.prompt import PromptTemplates
from react_core.agent.tools import compose_tools
from react_core.domain import ToolContext
from react_core.engine.backend import GenerationBackend
from react_core.registry import Registry


def build_agent(registry: Registry, backend: GenerationBackend, domain: str | None,
                config: AgentConfig, *, adapter: str | None = None) -> Agent:
    """The agent ``react chat`` and ``react serve`` use: the domain's tools, its knowledge search,
    then every global tool; the domain's guards, then every other domain's ``everywhere`` guards.
    With no domain (the general path), the global tools and the packaged examples of direct
    answers (``general_examples`` in prompts/react.yaml).

    A domain with knowledge paths and no tool of its own named ``search`` gets ``search[query]``
    over its index (built on first use, cached, rebuilt when the sources change).
    """
    global_tools = list(registry.tools.values())
    everywhere = [g for name, spec in registry.domains.items() if name != domain for g in spec.guards if g.everywhere]
    if domain is None:  # the general path: the packaged examples of direct answers
        templates = PromptTemplates.load()
        return Agent(backend, compose_tools(global_tools), config=config, adapter=adapter, guards=everywhere,
                     few_shot=templates.general_examples.split("\n\n"), templates=templates)
    spec = registry.domain(domain)
    own = spec.get_tools(ToolContext(backend=backend, adapter=adapter, domain=spec.name))  # built once, here
    extra = []
    if spec.knowledge_paths and not any(t.name == "search" for t in compose_tools(own)):
        from react_core.retrieval import domain_search_tool

        search = domain_search_tool(spec)
        if search is not None:
            extra.append(search)
    return Agent.from_domain(backend, replace(spec, tools=own), tools=[*extra, *global_tools], config=config,
                             adapter=adapter, guards=everywhere)
