"""The ``react`` command line: a thin layer over the library.

Core commands live here; every other command group is added by a plugin through
``react_register_commands`` (the built-in ones too).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from react_core.registry import Registry, load_plugins
from react_core.versions import installed_versions

console = Console()
err_console = Console(stderr=True)

DEFAULT_MODEL_HELP = "base model: a source name, a local directory or a hub id"


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def build_app(registry: Registry) -> typer.Typer:
    """The Typer app with the core commands and every plugin's commands."""
    app = typer.Typer(help="ReAct Core: domain agents on one shared base model.",
                      no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = registry  # commands added by plugins read it with current_registry(ctx)

    @app.command("plugins")
    def plugins_cmd(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
        """List plugins: version, hooks, what each registers, and status."""
        rows = registry.as_list()
        if as_json:
            _print_json(rows)
            return
        table = Table("plugin", "version", "status", "registers", "hooks")
        for r in rows:
            registers = ", ".join(
                f"{kind}: {', '.join(r[kind])}" for kind in ("domains", "tools", "model_sources", "backends") if r[kind]
            )
            status = "[green]ok[/]" if r["status"] == "ok" else f"[red]error[/]: {r['error']}"
            table.add_row(r["name"], r["version"], status, registers or "-", ", ".join(r["hooks"]))
        console.print(table)
        if registry.errors():
            err_console.print(f"[yellow]{len(registry.errors())} plugin(s) failed to load; the others work. "
                              "Set REACT_LOAD_PLUGINS to choose plugins, REACT_STRICT_PLUGINS=1 to fail fast.[/]")

    @app.command("doctor")
    def doctor_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
        resolve: Annotated[bool, typer.Option(help="resolve (and convert once) the default models")] = True,
    ) -> None:
        """Check the installation: versions, device, dtype, models, cache and plugins."""
        from react_core.models import choose_device
        from react_core.models.sources import cache_dir, resolve_model

        report: dict[str, Any] = {"versions": installed_versions(), "cache_dir": str(cache_dir())}
        choice = choose_device()
        report["device"] = {"device": choice.device, "dtype": choice.dtype_name, "reason": choice.reason}
        models = {}
        for source in registry.model_sources.values():
            entry: dict[str, Any] = {"kind": source.kind, "description": source.description}
            if resolve:
                try:
                    if not as_json:
                        console.print(f"resolving {source.name} ...")
                    entry.update(resolve_model(source.name, registry=registry).as_dict())
                    entry["status"] = "ok"
                except Exception as exc:  # noqa: BLE001 - reported, not raised
                    entry.update(status="error", error=f"{type(exc).__name__}: {exc}")
            models[source.name] = entry
        report["models"] = models
        report["plugins"] = registry.as_list()
        report["environment"] = {k: v for k, v in os.environ.items() if k.startswith("REACT_")}
        problems = [m for m in models.values() if m.get("status") == "error"] + registry.errors()
        report["ok"] = not problems
        if as_json:
            _print_json(report)
        else:
            table = Table("check", "result", show_header=False)
            for k, v in report["versions"].items():
                table.add_row(k, v)
            table.add_row("device", f"{choice.device} / {choice.dtype_name} ({choice.reason})")
            table.add_row("cache dir", report["cache_dir"])
            for name, m in models.items():
                detail = m.get("path", "") if m.get("status") != "error" else f"[red]{m['error']}[/]"
                table.add_row(f"model {name}", f"{m.get('status', 'not resolved')} {detail}")
            for r in report["plugins"]:
                table.add_row(f"plugin {r['name']}", "ok" if r["status"] == "ok" else f"[red]{r['error']}[/]")
            console.print(table)
            console.print("[green]all checks passed[/]" if report["ok"] else "[red]some checks failed (see above)[/]")
        if not report["ok"]:
            raise typer.Exit(1)

    @app.command("generate")
    def generate_cmd(
        prompt: Annotated[str, typer.Argument(help="text to continue")],
        max_new_tokens: Annotated[int, typer.Option(min=1, max=4096)] = 64,
        model: Annotated[str, typer.Option(help=DEFAULT_MODEL_HELP)] = "gemma-3-270m",
        device: Annotated[str | None, typer.Option(help="cpu, cuda, cuda:1 ... (default: automatic)")] = None,
        dtype: Annotated[str | None, typer.Option(help="bf16, fp16 or fp32 (default: automatic)")] = None,
        temperature: Annotated[float, typer.Option(min=0.0)] = 0.0,
    ) -> None:
        """Continue PROMPT with the base model (proves the model loads and runs)."""
        from react_core.engine.backend import LocalBackend
        from react_core.models.loading import load_causal_lm

        with console.status(f"loading {model} ..."):
            loaded = load_causal_lm(model, device=device, dtype=dtype, registry=registry)
        backend = LocalBackend(loaded.model, loaded.tokenizer)
        console.print(f"[dim]{model} on {loaded.device.device}/{loaded.device.dtype_name}, "
                      f"loaded in {loaded.load_seconds:.1f}s[/]", highlight=False)
        for delta in backend.stream(prompt, max_new_tokens=max_new_tokens, temperature=temperature):
            sys.stdout.write(delta)
            sys.stdout.flush()
        sys.stdout.write("\n")

    registry.register_commands(app)
    return app


def current_registry(ctx: typer.Context | None = None) -> Registry:
    """The registry the running app was built with (for plugin commands); else the default one."""
    if ctx is not None:
        root = ctx.find_root()
        if isinstance(root.obj, Registry):
            return root.obj
    return load_plugins()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``react`` console script."""
    try:
        registry = load_plugins()
    except Exception as exc:  # REACT_STRICT_PLUGINS=1 and a broken plugin
        err_console.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from exc
    app = build_app(registry)
    app(args=argv, prog_name="react")


if __name__ == "__main__":  # pragma: no cover
    main()
