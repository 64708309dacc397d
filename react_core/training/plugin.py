"""Built-in plugin: `react train`, `react eval`, `react adapters`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from react_core.hookspecs import hookimpl

console = Console(stderr=True, soft_wrap=True)
out = Console()


def _registry(ctx: typer.Context):
    from react_core.cli import current_registry

    return current_registry(ctx)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


def _domain_examples(spec: Any, data_dir: Path) -> list:
    from react_core.training.data import DataFormatError, parse_record

    domain = spec.name
    if spec.build_training_data is None:
        raise _fail(f"domain {domain!r} has no training-data builder; use --data FILE --name NAME")
    examples = []
    for i, record in enumerate(spec.build_training_data(data_dir), start=1):
        try:
            examples.append(parse_record(record))
        except ValueError as exc:
            raise DataFormatError(f"{domain} training record {i}: {exc}") from exc
    return examples


def default_adapter_dir(name: str) -> Path:
    from react_core.models.sources import cache_dir

    return cache_dir() / "adapters" / name


def train_cmd(
    ctx: typer.Context,
    domain: Annotated[str | None, typer.Argument(help="domain whose builder makes the data")] = None,
    data: Annotated[Path | None, typer.Option(help="your own JSONL data (prompt/completion, messages or alpaca)")] = None,
    validation_data: Annotated[Path | None, typer.Option(help="validation JSONL (default: a split of the data)")] = None,
    name: Annotated[str | None, typer.Option(help="adapter name (default: the domain)")] = None,
    config: Annotated[Path | None, typer.Option(help="YAML file of training settings")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="override a setting: key=value (repeatable)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="adapter directory (default: cache/adapters/NAME)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="public data sets (default: REACT_DATA_DIR or ../shared/data)")] = None,
    model: Annotated[str | None, typer.Option(help="base model (default: gemma-3-270m)")] = None,
    epochs: Annotated[float | None, typer.Option()] = None,
    max_steps: Annotated[int | None, typer.Option()] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="use only the first N examples")] = None,
    preview: Annotated[bool, typer.Option(help="print a tokenized example with its loss mask, then stop")] = False,
    resume: Annotated[bool, typer.Option(help="continue from the latest checkpoint")] = False,
) -> None:
    """Train a LoRA adapter for DOMAIN, or on --data FILE --name NAME."""
    from react_core.paths import data_dir as find_data_dir
    from react_core.training.config import TrainConfig, parse_override
    from react_core.training.data import DataFormatError, load_examples, split_examples

    if (domain is None) == (data is None):
        raise _fail("give a DOMAIN or --data FILE (with --name), not both")
    name = name or domain
    if not name:
        raise _fail("--data needs --name NAME for the adapter")
    try:
        overrides: dict[str, Any] = dict(parse_override(s) for s in set_ or [])
        overrides.update(base_model=model, epochs=epochs, max_steps=max_steps, limit=limit)
        cfg = TrainConfig.from_yaml(config, overrides)
        if data is not None:
            examples = load_examples(data)
        else:
            examples = _domain_examples(_registry(ctx).domain(domain), find_data_dir(data_dir))
    except (ValueError, FileNotFoundError, KeyError) as exc:
        raise _fail(str(exc).strip('"')) from exc
    if cfg.limit:
        examples = examples[: cfg.limit]
    if validation_data is not None:
        try:
            train, val = examples, load_examples(validation_data)
        except DataFormatError as exc:
            raise _fail(str(exc)) from exc
    else:
        train, val = split_examples(examples, validation=cfg.validation_fraction, seed=cfg.seed)
    console.print(f"{len(train)} training and {len(val)} validation examples for adapter [bold]{name}[/]")
    if preview:
        _preview(cfg, train[0])
        return
    from react_core.training.trainer import train_adapter

    target = out_dir or default_adapter_dir(name)
    result = train_adapter(cfg, train, val, name=name, out_dir=target, resume=resume)
    if resume:
        console.print(f"resumed from {result.resumed_from or 'scratch (no checkpoint found)'}")
    console.print(f"[green]adapter written to {result.adapter_dir}[/] in {result.seconds:.0f}s "
                  f"({result.tokens_per_second:.0f} tokens/s); metrics: {result.metrics}")


def _preview(cfg: Any, example: Any) -> None:
    from transformers import AutoTokenizer

    from react_core.models.sources import resolve_model
    from react_core.training.tokenize import encode, render_preview

    resolved = resolve_model(cfg.base_model)
    tokenizer = AutoTokenizer.from_pretrained(resolved.path)
    enc = encode(example, tokenizer, max_length=cfg.max_length)
    if enc is None:
        raise _fail("this example has no trained tokens within max_length")
    text = Text()
    for token, trained in render_preview(enc, tokenizer):
        text.append(token, style="bold green" if trained else "dim")
    out.print(text)
    out.print(f"[dim]{len(enc.input_ids)} tokens, {enc.n_trained} trained (green); masked tokens dim[/]")


def eval_cmd(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(help="domain to evaluate")],
    adapter: Annotated[str | None, typer.Option(help="adapter directory, or 'none' for the base model (default: the domain's)")] = None,
    alpha: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="base weight in the fusion (default: the domain's policy)")] = None,
    split: Annotated[str, typer.Option(help="validation or test")] = "test",
    limit: Annotated[int | None, typer.Option(min=1, help="evaluate N examples of the split (the task's loader picks "
                                                            "which: see the domain's docs)")] = None,
    task: Annotated[list[str] | None, typer.Option(help="only these tasks (repeatable)")] = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 8,
    data_dir: Annotated[Path | None, typer.Option(help="public data sets (default: REACT_DATA_DIR or ../shared/data)")] = None,
    model: Annotated[str, typer.Option(help="base model")] = "gemma-3-270m",
    as_json: Annotated[bool, typer.Option("--json", help="print [{task, metric, value, n}, ...]")] = False,
    output: Annotated[Path | None, typer.Option(help="also write the results, with command, versions and hardware, "
                                                     "to this JSON file (react report reads benchmarks/results/)")] = None,
) -> None:
    """Evaluate DOMAIN's tasks: base (--adapter none), adapter (--alpha 0) or fused (--alpha A)."""
    from react_core.adapters.manifest import AdapterError
    from react_core.models.loading import load_causal_lm
    from react_core.paths import data_dir as find_data_dir
    from react_core.training.evaluate import chosen_tasks, evaluate_domain

    try:
        spec = _registry(ctx).domain(domain)
        root = find_data_dir(data_dir)
        tasks = chosen_tasks(spec, task or ())
    except (KeyError, FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc).strip('"')) from exc
    uses_model = any(t.uses_model for t in tasks)
    if adapter == "none":
        adapter_dir = None
    elif adapter is not None:
        adapter_dir = Path(adapter)
    else:
        adapter_dir = spec.adapter_path
        if adapter_dir is None and uses_model:
            console.print(f"[yellow]{domain} ships no adapter: evaluating the base model[/]")
    if not uses_model:
        adapter_dir = None  # nothing to attach it to: these tasks do not run the language model
    alpha = spec.fusion.alpha if alpha is None else alpha
    loaded = load_causal_lm(model) if uses_model else None
    total = sum(len(t.load(root, split, limit)) for t in tasks)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=as_json) as bar:
        job = bar.add_task(f"eval {domain}", total=total)
        try:
            results = evaluate_domain(spec, loaded, root, adapter_dir=adapter_dir, alpha=alpha, split=split,
                                      limit=limit, batch_size=batch_size, tasks=task or (),
                                      progress=lambda n: bar.advance(job, n))
        except (AdapterError, ValueError) as exc:
            raise _fail(str(exc)) from exc
    if output is not None:
        from react_core.results import write_result

        write_result(output, {"domain": domain, "split": split, "limit": limit, "model": model if uses_model else None,
                              "adapter": None if adapter_dir is None else str(adapter_dir),
                              "alpha": alpha if adapter_dir is not None else None,
                              "device": None if loaded is None else {"device": loaded.device.device,
                                                                     "dtype": loaded.device.dtype_name},
                              "tasks": [r.as_dict() for r in results]})
    if as_json:
        sys.stdout.write(json.dumps([{"task": r.task, "metric": r.metric, "value": r.value, "n": r.n,
                                      "setting": r.setting, "examples_per_second": r.examples_per_second,
                                      "metrics": r.metrics}
                                     for r in results], indent=2) + "\n")
        return
    table = Table("task", "metric", "value", "n", "examples/s", "setting", "other metrics")
    for r in results:
        others = ", ".join(f"{k} {v:.4f}" for k, v in r.metrics.items() if k != r.metric)
        table.add_row(r.task, r.metric, f"{r.value:.4f}", str(r.n), f"{r.examples_per_second:.2f}", r.setting, others)
    out.print(table)


adapters_app = typer.Typer(help="List, inspect and export adapters.", no_args_is_help=True)


@adapters_app.command("list")
def adapters_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Adapters shipped by installed domains and those trained into the cache."""
    from react_core.adapters.manifest import AdapterError, read_manifest

    rows = []
    places = [(s.name, s.adapter_path) for s in _registry(ctx).domains.values() if s.adapter_path]
    cache = default_adapter_dir("x").parent
    if cache.is_dir():
        places += [(p.name, p) for p in sorted(cache.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    for owner, path in places:
        try:
            m = read_manifest(path)
            rows.append({"name": m.name, "owner": owner, "path": str(path), "base_model": m.base_model,
                         "rank": m.rank, "status": "ok"})
        except AdapterError as exc:
            rows.append({"name": owner, "owner": owner, "path": str(path), "status": f"error: {exc}"})
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("name", "from", "base", "rank", "status", "path")
    for r in rows:
        table.add_row(r["name"], r["owner"], r.get("base_model", "-"), str(r.get("rank", "-")), r["status"], r["path"])
    out.print(table)


def _adapter_path(ctx: typer.Context, ref: str) -> Path:
    path = Path(ref)
    if path.is_dir():
        return path
    spec = _registry(ctx).domains.get(ref)
    if spec is not None and spec.adapter_path:
        return Path(spec.adapter_path)
    cached = default_adapter_dir(ref)
    if cached.is_dir():
        return cached
    raise _fail(f"no adapter {ref!r}: give a directory, a domain name or a trained adapter's name")


@adapters_app.command("inspect")
def adapters_inspect(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="adapter directory, domain or adapter name")]) -> None:
    """Print an adapter's manifest."""
    from react_core.adapters.manifest import AdapterError, read_manifest

    try:
        sys.stdout.write(json.dumps(read_manifest(_adapter_path(ctx, ref)).to_dict(), indent=2) + "\n")
    except AdapterError as exc:
        raise _fail(str(exc)) from exc


@adapters_app.command("export")
def adapters_export(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="adapter directory, domain or adapter name")],
    merged: Annotated[Path, typer.Option("--merged", help="write the base with the adapter merged in here")],
    alpha: Annotated[float, typer.Option(min=0.0, max=1.0, help="base weight in the merge")] = 0.0,
) -> None:
    """Export a full model with the adapter merged in (loadable without PEFT)."""
    from react_core.adapters.manifest import AdapterError, read_manifest
    from react_core.atomic import atomic_directory
    from react_core.models.loading import load_causal_lm
    from react_core.training.evaluate import attach_adapter, fused

    path = _adapter_path(ctx, ref)
    try:
        manifest = read_manifest(path)
        loaded = load_causal_lm(manifest.base_model)
        model = attach_adapter(loaded, path)
    except AdapterError as exc:
        raise _fail(str(exc)) from exc
    with fused(model, alpha):
        full = model.merge_and_unload()
    with atomic_directory(merged) as staging:
        full.save_pretrained(staging, safe_serialization=True)
        loaded.tokenizer.save_pretrained(staging)
    console.print(f"[green]merged model written to {merged}[/]")


trajectories_app = typer.Typer(help="Turn agent traces into training data (the FireAct loop).",
                               no_args_is_help=True)


@trajectories_app.command("export")
def trajectories_export(
    traces: Annotated[list[Path], typer.Argument(help="JSONL trace files written by `react chat --trace-file`")],
    out_file: Annotated[Path, typer.Option("--out", help="training JSONL to write")],
    gold: Annotated[Path | None, typer.Option(help="JSONL of {question, answer}: keep only runs that got it right")] = None,
    allow_step_errors: Annotated[bool, typer.Option(help="keep runs in which a step failed")] = False,
) -> None:
    """Write successful runs as chat-format training data for `react train --data`."""
    from react_core.agent.trace import read_traces
    from react_core.atomic import write_bytes_atomic
    from react_core.training.trajectories import export_trajectories

    try:
        runs = [run for path in traces for run in read_traces(path)]
        answers = None
        if gold is not None:
            answers = {}
            for i, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip():
                    row = json.loads(line)
                    answers[row["question"]] = row["answer"]
    except (OSError, ValueError, KeyError) as exc:
        raise _fail(f"{exc}") from exc
    records, counts = export_trajectories(runs, gold=answers, allow_step_errors=allow_step_errors)
    write_bytes_atomic(out_file, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    console.print(f"kept {counts['kept']} of {counts['runs']} runs -> {out_file} "
                  f"(no final answer {counts['no_final_answer']}, step errors {counts['step_errors']}, "
                  f"wrong answer {counts['wrong_answer']})")


@hookimpl
def react_register_commands(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
    app.command("eval")(eval_cmd)
    app.add_typer(adapters_app, name="adapters")
    app.add_typer(trajectories_app, name="trajectories")
