"""Built-in plugin: ``react serve`` (registered like any third-party plugin)."""

# no `from __future__ import annotations`: Typer reads the options' annotations at run time
from pathlib import Path
from typing import Annotated, Any

import typer

from react_core.hookspecs import hookimpl


@hookimpl
def react_register_commands(app: Any) -> None:
    """Add ``react serve``."""
    from react_core.runtime import RuntimeConfig as R
    from react_core.serving.settings import ServerSettings as S

    @app.command("serve")
    def serve_cmd(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0: every interface)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
        api_key: Annotated[list[str], typer.Option(help="an accepted API key (repeat; also REACT_API_KEYS)")] = [],  # noqa: B006
        api_key_file: Annotated[Path | None, typer.Option(help="file of API keys, one per line")] = None,
        model: Annotated[str, typer.Option(help="base model: a source name, a local directory or a hub id")]
            = "gemma-3-270m",
        device: Annotated[str | None, typer.Option(help="cpu, cuda, cuda:1 ... (default: automatic)")] = None,
        dtype: Annotated[str | None, typer.Option(help="bf16, fp16 or fp32 (default: automatic)")] = None,
        max_body_bytes: Annotated[int, typer.Option(min=1, help=S.help("max_body_bytes"))] = S.max_body_bytes,
        max_tokens: Annotated[int, typer.Option(min=1, help=S.help("max_tokens"))] = S.max_tokens,
        max_concurrent: Annotated[int, typer.Option(min=1, help=S.help("max_concurrent"))] = S.max_concurrent,
        max_queue: Annotated[int, typer.Option(min=1, help=S.help("max_queue"))] = S.max_queue,
        request_timeout: Annotated[float, typer.Option(min=0.1, help=S.help("request_timeout"))]
            = S.request_timeout,
        max_batch: Annotated[int, typer.Option(min=2, help=R.help("max_batch"))] = R.max_batch,
        prefix_cache_tokens: Annotated[int, typer.Option(min=0, help=R.help("prefix_cache_tokens"))]
            = R.prefix_cache_tokens,
        warm: Annotated[bool, typer.Option(help="build every domain's agent and index before serving")] = True,
        backend: Annotated[str | None, typer.Option(help="generate with a backend a plugin registered (e.g. openai) "
                                                         "instead of loading the model here")] = None,
        backend_option: Annotated[list[str], typer.Option(help="key=value for the backend (repeat), "
                                                               "e.g. base_url=http://gpu-box:8000/v1")] = [],  # noqa: B006
        log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    ) -> None:
        """Serve the agents over an OpenAI-compatible HTTP API, with a chat page at /."""
        from rich.console import Console

        from react_core.cli import current_registry
        from react_core.serving.server import serve
        from react_core.serving.service import Service
        from react_core.serving.settings import load_api_keys

        err = Console(stderr=True)
        try:
            keys = load_api_keys(api_key, api_key_file)
        except OSError as exc:
            err.print(f"[red]error:[/] cannot read the API key file: {exc}")
            raise typer.Exit(2) from None
        settings = S(api_keys=keys, max_body_bytes=max_body_bytes, max_tokens=max_tokens,
                     max_concurrent=max_concurrent, max_queue=max_queue, request_timeout=request_timeout)
        registry = current_registry(ctx)
        if backend is not None:
            from react_core.engine.factory import BackendSetupError, domain_adapter_names, make_backend

            try:
                remote = make_backend(registry, backend, backend_option)
            except BackendSetupError as exc:
                err.print(f"[red]error:[/] {exc}", highlight=False)
                raise typer.Exit(2) from None
            names = domain_adapter_names(registry)
            service = Service(remote, registry, model_name=f"{backend}:{model}", adapter_for=lambda d, q: names(d, q))
        else:
            with err.status(f"loading {model} ..."):
                config = R(max_batch=max_batch, prefix_cache_tokens=prefix_cache_tokens)
                service = Service.load(model, registry=registry, device=device, dtype=dtype, runtime_config=config,
                                       warm=warm)
        if service.runtime is not None and service.runtime.problems:
            for name, problem in service.runtime.problems.items():
                err.print(f"[yellow]adapter {name} skipped:[/] {problem}")
        auth = f"{len(keys)} API key(s)" if keys else "no API key needed"
        err.print(f"serving {', '.join(service.models())} on http://{host}:{port} ({auth}); Ctrl-C stops")
        serve(service, settings, host=host, port=port, log_level=log_level)
