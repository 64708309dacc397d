"""Training: SFT data formats, label masking, the LoRA trainer and evaluation."""

from typing import Any

from react_core.training.data import DataFormatError, Example, load_examples, split_examples
from react_core.training.trajectories import export_trajectories, with_prompt_head

__all__ = ["DataFormatError", "EvalResult", "Example", "evaluate_domain", "export_trajectories", "load_examples",
           "split_examples", "with_prompt_head"]


def __getattr__(name: str) -> Any:  # evaluation is imported on first use
    if name in ("EvalResult", "evaluate_domain"):
        from react_core.training import evaluate

        return getattr(evaluate, name)
    raise AttributeError(f"module 'react_core.training' has no attribute {name!r}")
