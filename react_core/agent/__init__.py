"""The ReAct agent: prompt, output parser, tools, the loop, events and traces.

Import from here (or from ``react_core``); the submodules are the implementation.
"""

from react_core.agent.agent import Agent
from react_core.agent.config import AgentConfig
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
from react_core.agent.prompt import PromptTemplates
from react_core.agent.guard import Guard, review_steps
from react_core.agent.rewrite import Rewrite
from react_core.agent.steps import STOP_REASONS, AgentResult, Step, Usage
from react_core.agent.calls import current_message, current_question, run_state
from react_core.agent.conversation import latest_message
from react_core.agent.tools import Tool, ToolInputError, compose_tools, tool
from react_core.agent.trace import read_traces, write_trace

__all__ = [
    "STOP_REASONS",
    "ActionEvent",
    "Agent",
    "AgentConfig",
    "AgentEvent",
    "AgentResult",
    "FinalEvent",
    "ObservationEvent",
    "ParseError",
    "ParsedStep",
    "PromptTemplates",
    "Guard",
    "review_steps",
    "Rewrite",
    "Step",
    "StepEvent",
    "ThoughtEvent",
    "TokenDelta",
    "Tool",
    "ToolInputError",
    "Usage",
    "compose_tools",
    "current_message",
    "current_question",
    "latest_message",
    "parse_step",
    "read_traces",
    "run_state",
    "tool",
    "write_trace",
]
