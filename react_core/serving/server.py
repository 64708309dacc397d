"""Running the app with uvicorn: in the foreground (``react serve``) or in a thread (tests, embedding).

Shutdown is graceful: uvicorn stops accepting connections, in-flight requests (streams
too) get ``shutdown_timeout`` seconds to finish, then the service is closed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from react_core.serving.app import create_app
from react_core.serving.service import Service
from react_core.serving.settings import ServerSettings


def _config(service: Service, settings: ServerSettings, host: str, port: int, log_level: str) -> Any:
    import uvicorn

    return uvicorn.Config(create_app(service, settings), host=host, port=port, log_level=log_level,
                          timeout_graceful_shutdown=int(settings.shutdown_timeout), access_log=False,
                          timeout_keep_alive=5, lifespan="off")


def serve(service: Service, settings: ServerSettings, *, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info") -> None:
    """Serve until SIGINT/SIGTERM; then finish in-flight requests and close the service."""
    import uvicorn

    try:
        uvicorn.Server(_config(service, settings, host, port, log_level)).run()
    finally:
        service.close()


class ServerThread:
    """The server on a background thread, for tests and embedding::

        with ServerThread(service) as server:      # 127.0.0.1, an ephemeral port
            httpx.get(server.url + "/healthz")

    ``stop()`` shuts down gracefully (in-flight requests finish); the service stays open.
    """

    def __init__(self, service: Service, settings: ServerSettings | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, log_level: str = "warning") -> None:
        import uvicorn

        self.service = service
        self.settings = settings or ServerSettings()
        self.server = uvicorn.Server(_config(service, self.settings, host, port, log_level))
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # not the main thread
        self._thread = threading.Thread(target=self.server.run, name="react-serve", daemon=True)
        self.host = host
        self.port = port

    @property
    def app(self) -> Any:
        return self.server.config.app

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start (see the log above)")
            time.sleep(0.01)
        sockets = [s for server in self.server.servers for s in server.sockets]
        self.port = sockets[0].getsockname()[1]
        return self

    def stop(self, timeout: float | None = None) -> None:
        self.server.should_exit = True
        self._thread.join(timeout if timeout is not None else self.settings.shutdown_timeout + 5)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
