"""Run the server on uvicorn until Ctrl-C."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

from letterkit.errors import OptionsError
from letterkit.web.site import LOCAL_HOSTS

log = logging.getLogger(__name__)


def run(
    folder: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    token: str | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``folder`` on ``host:port``; ``on_ready(link)`` once listening. Returns on Ctrl-C."""
    import uvicorn

    from letterkit.web.app import create_app

    if not os.path.isdir(folder):
        raise OptionsError(f"{os.fspath(folder)}: is not a folder of letters", "folder")
    if host not in LOCAL_HOSTS and not allow_remote:
        raise OptionsError(
            f"{host}: serving letters to other machines needs --allow-remote (and a network you trust)",
            "host",
        )
    token = token or os.environ.get("LETTERKIT_TOKEN") or secrets.token_urlsafe(24)
    app = create_app(os.fspath(folder), token, host=host, port=port)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="off",
    )
    server = _Server(config)
    shown = f"[{host}]" if ":" in host else host

    def ready(actual_port: int) -> None:
        if on_ready is not None:
            on_ready(f"http://{shown}:{actual_port}/?token={token}")

    server.when_ready = ready
    server.run()


class _Server:
    """uvicorn's server, calling back with the port once it listens."""

    def __init__(self, config: Any) -> None:
        import uvicorn

        class Server(uvicorn.Server):
            when_ready: Callable[[int], None] | None = None

            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets)
                if self.started and self.when_ready is not None:
                    port = config.port
                    for server in getattr(self, "servers", []):
                        for sock in getattr(server, "sockets", []) or []:
                            port = sock.getsockname()[1]
                    self.when_ready(port)

        self._server = Server(config)

    @property
    def when_ready(self) -> Callable[[int], None] | None:
        return self._server.when_ready

    @when_ready.setter
    def when_ready(self, callback: Callable[[int], None]) -> None:
        self._server.when_ready = callback

    def run(self) -> None:
        self._server.run()
        if not self._server.started:
            raise OptionsError(
                f"could not listen on {self._server.config.host}:{self._server.config.port} "
                "(is another server using that port? choose another with --port)",
                "port",
            )
