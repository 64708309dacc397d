"""The plugin contract: the hooks a ReAct Core plugin may implement.

A plugin is a module (or object) with functions decorated by ``react_core.hookimpl``
whose names match the specs below, made known through the ``react_core`` entry-point
group of its distribution::

    # pyproject.toml of a plugin
    [project.entry-points.react_core]
    my_domain = "my_domain.plugin"

Every hook is callback style: the core hands the plugin a ``register`` function and
the plugin calls it once per thing it provides. Each plugin's hooks are called on their
own, so one broken plugin is reported and skipped while the others keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pluggy

PROJECT_NAME = "react_core"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    import typer

    from react_core.domain import DomainSpec
    from react_core.engine.backend import BackendFactory
    from react_core.models.sources import ModelSource


# --- domains and tools -------------------------------------------------------------

@hookspec
def react_register_domains(register: Callable[[DomainSpec], None]) -> None:
    """Register domains: call ``register(DomainSpec(...))`` once per domain."""


@hookspec
def react_register_tools(register: Callable[[Any], None]) -> None:
    """Register tools every agent may use: call ``register(tool)`` with a ``react_core.Tool``."""


# --- models and generation -----------------------------------------------------------

@hookspec
def react_register_model_sources(register: Callable[[ModelSource], None]) -> None:
    """Register model sources: call ``register(source)`` so a model name resolves offline."""


@hookspec
def react_register_backends(register: Callable[[str, BackendFactory], None]) -> None:
    """Register generation backends: call ``register(name, factory)``; the factory builds one."""


# --- command line ----------------------------------------------------------------------

@hookspec
def react_register_commands(app: typer.Typer) -> None:
    """Add commands or sub-command groups to the ``react`` command-line app."""


HOOK_NAMES = (
    "react_register_domains",
    "react_register_tools",
    "react_register_model_sources",
    "react_register_backends",
    "react_register_commands",
)
