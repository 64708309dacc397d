"""Model sources, resolution and loading (base language models and embedders)."""

from react_core.models.device import DeviceChoice, choose_device
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
