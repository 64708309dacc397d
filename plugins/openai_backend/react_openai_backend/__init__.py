"""A generation backend for OpenAI-compatible servers (vLLM with LoRA modules, ``react serve``)."""

from react_openai_backend.backend import OpenAIBackend, RemoteError

__all__ = ["OpenAIBackend", "RemoteError"]
