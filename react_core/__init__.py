"""ReAct Core: domain agents on one shared base language model.

Public API: import from ``react_core``, never from a private module path.
"""

from react_core.adapters.policy import FusionPolicy
from react_core.adapters.spec import AdapterSpec
from react_core.agent import Agent, AgentConfig, AgentResult, Guard, Rewrite, Step, Tool, tool
from react_core.agent.build import build_agent
from react_core.atomic import write_bytes_atomic
from react_core.domain import DomainSpec, EvalTask, ToolContext, evenly_spread
from react_core.hookspecs import hookimpl
from react_core.models.sources import cache_dir
from react_core.paths import data_dir
from react_core.registry import PluginError, PluginRecord, Registry, load_plugins, new_registry
from react_core.retrieval import KnowledgeIndex
from react_core.retrieval import make_search_tool
from react_core.routing import Router
from react_core.runtime import Runtime
from react_core.runtime import RuntimeConfig
from react_core.training.calibration import apply_offsets, best_offsets
from react_core.training.evaluate import attach_adapter, generate_batch
from react_core.training.scoring import choose, fast_output_layer, score_continuations

__version__ = "0.1.0"

__all__ = [
    "AdapterSpec",
    "Agent",
    "AgentConfig",
    "AgentResult",
    "DomainSpec",
    "EvalTask",
    "FusionPolicy",
    "KnowledgeIndex",
    "PluginError",
    "PluginRecord",
    "Registry",
    "Guard",
    "Rewrite",
    "Router",
    "Runtime",
    "RuntimeConfig",
    "Step",
    "Tool",
    "ToolContext",
    "__version__",
    "apply_offsets",
    "attach_adapter",
    "best_offsets",
    "build_agent",
    "cache_dir",
    "choose",
    "data_dir",
    "evenly_spread",
    "fast_output_layer",
    "generate_batch",
    "hookimpl",
    "load_causal_lm",
    "load_plugins",
    "make_search_tool",
    "new_registry",
    "score_continuations",
    "tool",
    "write_bytes_atomic",
]


def __getattr__(name: str):
    # load_causal_lm pulls in torch; imported on first use so ``import react_core`` stays light
    if name == "load_causal_lm":
        from react_core.models.loading import load_causal_lm

        return load_causal_lm
    raise AttributeError(f"module 'react_core' has no attribute {name!r}")
