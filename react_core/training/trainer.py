"""Train a LoRA adapter with the transformers Trainer; write it with its manifest, atomically."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from react_core.adapters.manifest import AdapterManifest, save_adapter
from react_core.training.config import TrainConfig
from react_core.training.data import Example, data_hash
from react_core.training.tokenize import Collator, Encoded, encode_all

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    adapter_dir: Path
    manifest: AdapterManifest
    seconds: float
    train_tokens: int
    tokens_per_second: float
    metrics: dict[str, float] = field(default_factory=dict)
    resumed_from: Path | None = None


class _Rows:
    """A map-style dataset over encoded examples (``rows``: the head-grouped sampler reads them)."""

    def __init__(self, rows: Sequence[Encoded]) -> None:
        self.rows = list(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        return {"input_ids": self.rows[i].input_ids, "labels": self.rows[i].labels}


def make_trainer_class(label_logits_only: bool, *, group_heads: int = 0):
    """A Trainer whose loss is the label-position loss (or the stock full-logits loss).

    ``group_heads`` (the collator's ``min_prefix``; 0: off) draws batches of one prompt head
    (``react_core.training.sampling``) instead of transformers' length grouping, so the collator
    can share the head."""
    from transformers import Trainer

    from react_core.training.loss import full_logits_loss, label_position_loss
    from react_core.training.sampling import HeadGroupedSampler

    class ReactTrainer(Trainer):
        loss_is_scaled_for_ga = False  # our loss is a per-batch mean

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if label_logits_only:
                loss, _ = label_position_loss(model, inputs)
            else:
                loss = full_logits_loss(model, inputs)
            return (loss, {}) if return_outputs else loss

        def _get_train_sampler(self, train_dataset=None):
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            if group_heads and isinstance(dataset, _Rows):
                return HeadGroupedSampler(dataset.rows, self.args.train_batch_size, min_prefix=group_heads)
            return super()._get_train_sampler(train_dataset)

    return ReactTrainer


def make_collator(config: TrainConfig, tokenizer: Any, model: Any, *, world_size: int = 1) -> Collator:
    """The batch collator ``config`` asks for: left padding and shared heads for the label-position loss.

    Shared heads need two forward passes before one backward, which DDP's gradient hooks do not
    allow, so they are off when training runs in several processes.
    """
    if not config.label_logits_only:
        return Collator(tokenizer.pad_token_id, side="right")
    share = config.share_prefix and world_size == 1
    if config.share_prefix and not share:
        log.info("share_prefix is off: it runs in one process only (world size %d)", world_size)
    window = getattr(getattr(model, "config", None), "sliding_window", None)
    return Collator(tokenizer.pad_token_id, side="left", share_prefix=share, window=window)


def build_peft_model(model: Any, config: TrainConfig, *, adapter_name: str = "default") -> Any:
    """A fresh LoRA adapter on ``model`` as ``config`` says, or ``config.init_adapter`` loaded trainable."""
    from peft import LoraConfig, PeftModel, get_peft_model

    if config.init_adapter:
        return PeftModel.from_pretrained(model, str(config.init_adapter), adapter_name=adapter_name, is_trainable=True)

    lora = LoraConfig(r=config.rank, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), task_type="CAUSAL_LM")
    return get_peft_model(model, lora, adapter_name=adapter_name)


def _continue_from(config: TrainConfig, adapter_dir: Path, loaded: Any) -> TrainConfig:
    """``config`` with the LoRA shape of the adapter it continues (after checking it fits this base)."""
    import dataclasses

    from react_core.adapters.manifest import check_base, read_manifest

    manifest = read_manifest(adapter_dir)  # a clear error when it is not an adapter directory
    check_base(manifest, loaded.fingerprint, base_name=loaded.resolved.name)
    return dataclasses.replace(config, rank=manifest.rank, lora_alpha=manifest.alpha,
                               target_modules=list(manifest.target_modules))


def training_arguments(config: TrainConfig, out_dir: Path, *, has_eval: bool, use_cpu: bool) -> Any:
    from transformers import TrainingArguments

    evaluate = has_eval and config.eval_steps > 0
    return TrainingArguments(
        output_dir=str(out_dir / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_ratio,  # a float in [0, 1) is a ratio of total steps
        lr_scheduler_type="cosine",
        logging_steps=max(1, min(10, config.eval_steps or 10)),
        eval_strategy="steps" if evaluate else "no",
        eval_steps=config.eval_steps if evaluate else None,
        save_strategy="steps",
        save_steps=config.eval_steps if evaluate else config.save_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluate,
        metric_for_best_model="eval_loss" if evaluate else None,
        greater_is_better=False if evaluate else None,
        prediction_loss_only=True,
        remove_unused_columns=False,
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        report_to=["tensorboard"] if config.tensorboard else "none",
        seed=config.seed,
        use_cpu=use_cpu,
        dataloader_num_workers=0,
    )


def train_adapter(config: TrainConfig, train: Sequence[Example], validation: Sequence[Example], *,
                  name: str, out_dir: Path, work_dir: Path | None = None, resume: bool = False,
                  loaded: Any = None) -> TrainResult:
    """Train a LoRA adapter on ``train`` and write it (PEFT safetensors + manifest) to ``out_dir``.

    ``work_dir`` holds checkpoints (default: ``out_dir`` + ``.work``); ``resume`` continues
    from the latest checkpoint there. ``loaded`` reuses an already loaded base model.
    """
    from transformers import EarlyStoppingCallback

    from react_core.models.loading import load_causal_lm

    out_dir = Path(out_dir)
    work_dir = Path(work_dir) if work_dir else out_dir.with_name(out_dir.name + ".work")
    if loaded is None:
        loaded = load_causal_lm(config.base_model, device=config.device, dtype=config.dtype)
    tokenizer, model = loaded.tokenizer, loaded.model
    model.train()
    train_rows, dropped = encode_all(train, tokenizer, max_length=config.max_length)
    val_rows, _ = encode_all(validation, tokenizer, max_length=config.max_length)
    if dropped:
        log.warning("%d training example(s) had no trained tokens within max_length=%d and were skipped",
                    dropped, config.max_length)
    if not train_rows:
        raise ValueError("no training example has trained tokens; check the data and max_length")
    if config.init_adapter:
        config = _continue_from(config, Path(config.init_adapter), loaded)
    peft_model = build_peft_model(model, config)
    args = training_arguments(config, work_dir, has_eval=bool(val_rows), use_cpu=loaded.device.device == "cpu")
    callbacks = []
    if val_rows and config.eval_steps > 0 and config.early_stopping_patience > 0:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    collator = make_collator(config, tokenizer, model, world_size=args.world_size)
    group_heads = collator.min_prefix if config.group_by_length and collator.share_prefix else 0
    trainer_cls = make_trainer_class(config.label_logits_only, group_heads=group_heads)
    trainer = trainer_cls(model=peft_model, args=args, train_dataset=_Rows(train_rows),
                          eval_dataset=_Rows(val_rows) if val_rows else None, data_collator=collator,
                          callbacks=callbacks)
    start = time.perf_counter()
    checkpoint = None
    if resume and (work_dir / "checkpoints").is_dir():
        from transformers.trainer_utils import get_last_checkpoint

        found = get_last_checkpoint(str(work_dir / "checkpoints"))
        checkpoint = Path(found) if found else None
        log.info("resuming from %s", checkpoint or "scratch (no checkpoint found)")
    output = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    seconds = time.perf_counter() - start
    steps = output.global_step
    tokens_per_epoch = sum(len(r.input_ids) for r in train_rows)
    examples_seen = steps * config.batch_size * config.grad_accum
    if config.max_steps <= 0:  # epochs decide: the last batch of each epoch may be short
        examples_seen = min(len(train_rows) * config.epochs, examples_seen)
    # (with max_steps the trainer goes round the data as often as the steps take it, so capping
    # at ``epochs`` would count one epoch of a three-epoch run and understate tokens/s 3x)
    train_tokens = int(tokens_per_epoch * examples_seen / len(train_rows))
    metrics: dict[str, float] = {"train_loss": float(output.training_loss), "steps": float(steps)}
    if val_rows:
        eval_loss = float(trainer.evaluate()["eval_loss"])
        metrics["eval_loss"] = eval_loss
        metrics["eval_perplexity"] = math.exp(min(eval_loss, 50))
    manifest = AdapterManifest(
        name=name, base_model=config.base_model, base_fingerprint=loaded.fingerprint, rank=config.rank,
        alpha=config.lora_alpha, target_modules=list(config.target_modules),
        data_hash=data_hash(train), metrics=metrics, train_seconds=round(seconds, 1),
        extra={"config": config.to_dict(), "train_examples": len(train_rows),
               "validation_examples": len(val_rows), "device": loaded.device.device,
               "dtype": loaded.device.dtype_name},
    )
    save_adapter(peft_model, out_dir, manifest)
    return TrainResult(adapter_dir=out_dir, manifest=manifest, seconds=seconds, train_tokens=train_tokens,
                       tokens_per_second=train_tokens / seconds if seconds else 0.0, metrics=metrics,
                       resumed_from=checkpoint)
