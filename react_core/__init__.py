"""ReAct Core: domain agents on one shared base language model.

Public API: import from ``react_core``, never from a private module path.
"""

from react_core.adapters.policy import FusionPolicy
from react_core.domain import DomainSpec, EvalTask
from react_core.hookspecs import hookimpl
from react_core.registry import PluginError, PluginRecord, Registry, load_plugins, new_registry

__version__ = "0.1.0"

__all__ = [
    "DomainSpec",
    "EvalTask",
    "FusionPolicy",
    "PluginError",
    "PluginRecord",
    "Registry",
    "__version__",
    "hookimpl",
    "load_plugins",
    "new_registry",
]
