"""Run a domain's evaluation tasks: batched greedy generation, then the task's metric."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from react_core.domain import DomainSpec, EvalTask
from react_core.results import NO_MODEL
from react_core.training.scoring import fast_output_layer


@dataclass
class EvalResult:
    task: str
    metric: str
    value: float
    n: int
    seconds: float
    examples_per_second: float
    setting: str = ""
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate_batch(model: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int,
                   batch_size: int = 8, progress: Callable[[int], None] | None = None,
                   stop: Sequence[str] = ()) -> list[str]:
    """Greedy completions for ``prompts``, ``batch_size`` at a time (left-padded).

    ``stop``: strings that end a completion (e.g. ``["\n"]``); generation of a row stops once
    it wrote one, and each completion is cut before the first stop string.
    """
    import torch

    from react_core.engine.backend import cut_at_stop

    extra: dict[str, Any] = {"stop_strings": list(stop), "tokenizer": tokenizer} if stop else {}

    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    outputs: list[str] = []
    try:
        with fast_output_layer(model):  # generate() slices the last position: see fast_output_layer
            for start in range(0, len(prompts), batch_size):
                chunk = list(prompts[start:start + batch_size])
                enc = tokenizer(chunk, return_tensors="pt", padding=True).to(model.device)
                with torch.inference_mode():
                    out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                         pad_token_id=tokenizer.pad_token_id, **extra)
                new = out[:, enc["input_ids"].shape[1]:]
                texts = tokenizer.batch_decode(new, skip_special_tokens=True)
                outputs.extend(cut_at_stop(t, stop)[0] for t in texts)
                if progress:
                    progress(len(chunk))
    finally:
        tokenizer.padding_side = side
    return outputs


def evaluate_task(task: EvalTask, model: Any, tokenizer: Any, data_dir: Path, *, split: str = "test",
                  limit: int | None = None, batch_size: int = 8, setting: str = "",
                  progress: Callable[[int], None] | None = None) -> EvalResult:
    examples = task.load(data_dir, split, limit)
    if not examples:
        raise ValueError(f"task {task.name!r} loaded no examples for split {split!r}")
    start = time.perf_counter()
    if task.predict is not None:
        predictions = task.predict(model, tokenizer, examples, batch_size, progress)
    else:
        predictions = generate_batch(model, tokenizer, [e["prompt"] for e in examples],
                                     max_new_tokens=task.max_new_tokens, batch_size=batch_size, progress=progress)
    if len(predictions) != len(examples):
        raise ValueError(f"task {task.name!r} predicted {len(predictions)} of {len(examples)} examples")
    scored = task.score(predictions, examples)
    metrics = {str(k): float(v) for k, v in scored.items()} if isinstance(scored, Mapping) else {task.metric: float(scored)}
    if task.metric not in metrics:
        raise ValueError(f"task {task.name!r} scored {sorted(metrics)} but its headline metric is {task.metric!r}")
    seconds = time.perf_counter() - start
    return EvalResult(task=task.name, metric=task.metric, value=metrics[task.metric], n=len(examples),
                      seconds=round(seconds, 2),
                      examples_per_second=round(len(examples) / seconds, 2) if seconds else 0.0, setting=setting,
                      metrics=metrics)


def attach_adapter(loaded: Any, adapter_dir: Path) -> Any:
    """Load a PEFT adapter onto the loaded base after checking its manifest names this base."""
    from peft import PeftModel

    from react_core.adapters.manifest import check_base, read_manifest

    manifest = read_manifest(adapter_dir)
    check_base(manifest, loaded.fingerprint, base_name=loaded.resolved.name)
    return PeftModel.from_pretrained(loaded.model, str(adapter_dir)).eval()


@contextlib.contextmanager
def fused(model: Any, alpha: float):
    """Weight-space fusion W + (1 - alpha) * dW for the duration of the block (exact for LoRA)."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be within [0, 1], got {alpha}")
    if alpha == 0.0 or not hasattr(model, "peft_config"):
        yield model
        return
    from peft.helpers import rescale_adapter_scale

    with rescale_adapter_scale(model, 1.0 - alpha):
        yield model


def chosen_tasks(spec: DomainSpec, names: Sequence[str] = ()) -> list[EvalTask]:
    """``spec``'s evaluation tasks named in ``names`` (all when empty), or a clear error."""
    if not spec.eval_tasks:
        raise ValueError(f"domain {spec.name!r} defines no evaluation tasks")
    chosen = [t for t in spec.eval_tasks if not names or t.name in names]
    if not chosen:
        raise ValueError(f"no task named {list(names)}; {spec.name} has {[t.name for t in spec.eval_tasks]}")
    return chosen


def evaluate_domain(spec: DomainSpec, loaded: Any, data_dir: Path, *, adapter_dir: Path | None,
                    alpha: float, split: str = "test", limit: int | None = None, batch_size: int = 8,
                    tasks: Sequence[str] = (), progress: Callable[[int], None] | None = None) -> list[EvalResult]:
    """Evaluate ``spec``'s tasks on the base (``adapter_dir=None``) or the adapter fused at ``alpha``.

    ``loaded`` may be ``None`` when no chosen task uses the model (``chosen_tasks``).
    """
    chosen = chosen_tasks(spec, tasks)
    if loaded is None:
        if any(t.uses_model for t in chosen):
            raise ValueError("these tasks use the language model: pass the loaded base model")
        return [evaluate_task(t, None, None, data_dir, split=split, limit=limit, batch_size=batch_size,
                              setting=NO_MODEL, progress=progress) for t in chosen]
    model = attach_adapter(loaded, adapter_dir) if adapter_dir is not None else loaded.model
    setting = "base" if adapter_dir is None else (f"adapter alpha={alpha:g}" if alpha else "adapter")
    results = []
    try:
        with fused(model, alpha if adapter_dir is not None else 0.0):
            for task in chosen:
                results.append(evaluate_task(task, model, loaded.tokenizer, data_dir, split=split, limit=limit,
                                             batch_size=batch_size, setting=setting, progress=progress))
    finally:
        if adapter_dir is not None:
            model.unload()  # leave the base model as it was
    return results
