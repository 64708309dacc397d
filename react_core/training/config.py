"""Training settings: a dataclass whose field metadata carries the help; YAML + overrides."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class TrainConfig:
    base_model: str = field(default="gemma-3-270m", metadata={"help": "base model name, directory or hub id"})
    rank: int = field(default=8, metadata={"help": "LoRA rank"})
    lora_alpha: float = field(default=16.0, metadata={"help": "LoRA alpha (scaling = alpha / rank)"})
    lora_dropout: float = field(default=0.0, metadata={"help": "LoRA dropout (off by default: on CPU in bf16 it costs ~30 % of a step)"})
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"],
                                      metadata={"help": "modules that get LoRA"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the training data"})
    max_steps: int = field(default=-1, metadata={"help": "stop after this many optimizer steps (-1: epochs decide)"})
    learning_rate: float = field(default=2e-4, metadata={"help": "peak learning rate"})
    batch_size: int = field(default=8, metadata={"help": "examples per device per step"})
    grad_accum: int = field(default=1, metadata={"help": "gradient accumulation steps"})
    max_length: int = field(default=512, metadata={"help": "tokens per example (longer ones are cut)"})
    warmup_ratio: float = field(default=0.03, metadata={"help": "share of steps spent warming up"})
    eval_steps: int = field(default=50, metadata={"help": "evaluate on the validation split every N steps (0: never)"})
    early_stopping_patience: int = field(default=3, metadata={"help": "evaluations without improvement before stopping (0: off)"})
    save_steps: int = field(default=100, metadata={"help": "checkpoint every N steps"})
    validation_fraction: float = field(default=0.1, metadata={"help": "share of data held out when no validation set is given"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    label_logits_only: bool = field(default=True, metadata={"help": "compute the output layer only where labels are (much faster)"})
    share_prefix: bool = field(default=True, metadata={
        "help": "run a head every example of a batch starts with (instruction, system prompt) once per batch "
                "(exact; needs label_logits_only; one process only)"})
    group_by_length: bool = field(default=True, metadata={
        "help": "batch examples of similar length together (and, with share_prefix, of one prompt head)"})
    dtype: str | None = field(default=None, metadata={"help": "bf16/fp16/fp32 (default: automatic)"})
    device: str | None = field(default=None, metadata={"help": "cpu/cuda (default: automatic)"})
    tensorboard: bool = field(default=False, metadata={"help": "write TensorBoard logs in the output directory"})
    limit: int | None = field(default=None, metadata={"help": "use only the first N training examples"})
    init_adapter: str | None = field(default=None, metadata={
        "help": "continue training this adapter directory (its manifest must name this base; its rank, "
                "alpha and target modules are kept)"})

    @classmethod
    def from_yaml(cls, path: Path | None, overrides: dict[str, Any] | None = None) -> TrainConfig:
        """Settings from a YAML file (optional), then ``overrides`` (e.g. from the command line)."""
        import yaml

        data: dict[str, Any] = {}
        if path is not None:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise ValueError(f"{path}: expected a mapping of settings, got {type(loaded).__name__}")
            data.update(loaded)
        data.update({k: v for k, v in (overrides or {}).items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown training setting(s) {unknown}; known: {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` from the command line, the value read as YAML (numbers, lists, booleans)."""
    import yaml

    if "=" not in text:
        raise ValueError(f"--set takes key=value, got {text!r}")
    key, value = text.split("=", 1)
    parsed = yaml.safe_load(value)
    if isinstance(parsed, str):  # YAML 1.1 reads 4e-4 (no dot) as text
        try:
            parsed = float(parsed)
        except ValueError:
            pass
    return key.strip(), parsed
