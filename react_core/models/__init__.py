"""Model sources, resolution and loading (base language models and embedders).

Importing this package does not import torch; ``choose_device`` and loading do.
"""

from typing import Any

from react_core.models.sources import (
    ModelNotFoundError,
    ModelSource,
    ResolvedModel,
    resolve_model,
)

__all__ = [
    "DeviceChoice",
    "ModelNotFoundError",
    "ModelSource",
    "ResolvedModel",
    "choose_device",
    "resolve_model",
]


def __getattr__(name: str) -> Any:
    if name in ("DeviceChoice", "choose_device"):
        from react_core.models import device

        return getattr(device, name)
    raise AttributeError(f"module 'react_core.models' has no attribute {name!r}")
