"""Load the base model with the translation adapter (for ``react translate`` and the tool)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def shipped_adapter() -> Path | None:
    from importlib import resources

    path = Path(str(resources.files("react_translation").joinpath("adapter")))
    return path if (path / "react_adapter.json").is_file() else None


def load_translator(model: str = "gemma-3-270m", adapter: str | Path | None = "shipped", *,
                    device: str | None = None, dtype: str | None = None) -> tuple[Any, Any]:
    """``(model, tokenizer)``: the base ``model`` with ``adapter`` attached.

    ``adapter`` is ``"shipped"`` (the package's adapter; the base alone if none is shipped),
    a PEFT directory with a ``react_adapter.json`` made for this base, or ``None`` / ``"none"``
    for the base model. Loads with ``react_core.load_causal_lm`` and attaches with
    ``react_core.attach_adapter`` (which checks that the adapter was trained on this base).
    """
    from react_core import attach_adapter, load_causal_lm

    kwargs = {k: v for k, v in (("device", device), ("dtype", dtype)) if v is not None}
    loaded = load_causal_lm(model, **kwargs)
    path = shipped_adapter() if adapter == "shipped" else (None if adapter in (None, "none") else Path(adapter))
    if path is None:
        return loaded.model, loaded.tokenizer
    if not (Path(path) / "react_adapter.json").is_file():
        raise FileNotFoundError(f"{path} is not an adapter directory (no react_adapter.json)")
    return attach_adapter(loaded, Path(path)), loaded.tokenizer
