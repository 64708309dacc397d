"""Generation: the backend protocol, the local transformers backend, the batched engine.

``Engine`` and its errors load torch, so they are imported on first use.
"""

from typing import Any

from react_core.engine.backend import Generation, GenerationBackend, LocalBackend
from react_core.engine.requests import (
    EngineClosed,
    EngineError,
    QueueFullError,
    RequestCancelled,
    RequestHandle,
    RequestTimeout,
)

__all__ = [
    "Engine",
    "EngineClosed",
    "EngineError",
    "Generation",
    "GenerationBackend",
    "LocalBackend",
    "QueueFullError",
    "RequestCancelled",
    "RequestHandle",
    "RequestTimeout",
]


def __getattr__(name: str) -> Any:
    if name == "Engine":
        from react_core.engine.engine import Engine

        return Engine
    raise AttributeError(f"module 'react_core.engine' has no attribute {name!r}")
