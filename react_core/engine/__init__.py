"""Generation: the backend protocol, the local transformers backend, batching (later)."""

from react_core.engine.backend import Generation, GenerationBackend, LocalBackend

__all__ = ["Generation", "GenerationBackend", "LocalBackend"]
