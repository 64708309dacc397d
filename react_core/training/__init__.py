"""Training: SFT data formats, label masking, the LoRA trainer and evaluation."""

from react_core.training.data import DataFormatError, Example, load_examples, split_examples

__all__ = ["DataFormatError", "Example", "load_examples", "split_examples"]
