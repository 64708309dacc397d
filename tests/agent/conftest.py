"""Tools and helpers shared by the agent tests."""

from __future__ import annotations

import pytest

from react_core.agent import Agent, AgentConfig, tool
from react_core.agent.testing import ScriptedBackend


@tool
def search(query: str) -> str:
    """Search the knowledge base.

    Args:
        query: What to look for.
    """
    return {"capital of france": "Paris is the capital of France."}.get(query.lower(), "No results.")


@tool
def weather(city: str, days: int = 1) -> str:
    """Weather forecast for a city.

    Args:
        city: The city name.
        days: How many days ahead.
    """
    return f"{city}: sunny for {days} day(s)"


@pytest.fixture
def search_tool():
    return search


@pytest.fixture
def weather_tool():
    return weather


@pytest.fixture
def make_agent():
    """``make_agent(responses, tools=..., **config)`` -> (agent, backend)."""

    def make(responses, tools=(search, weather), *, honor_stop=True, agent_kwargs=None, **config):
        backend = ScriptedBackend(responses, honor_stop=honor_stop)
        return Agent(backend, tools, config=AgentConfig(**config), **(agent_kwargs or {})), backend

    return make
