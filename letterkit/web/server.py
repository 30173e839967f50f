"""Run the server on uvicorn until Ctrl-C."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from typing import Any

from letterkit.errors import LetterkitError, OptionsError
from letterkit.web.app import create_app
from letterkit.web.security import check_token
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

    if not os.path.isdir(folder):
        raise OptionsError(f"{os.fspath(folder)}: is not a folder of letters", "folder")
    if host not in LOCAL_HOSTS and not allow_remote:
        raise OptionsError(
            f"{host}: serving letters to other machines needs --allow-remote (and a network you trust)",
            "host",
        )
    token = check_token(token or os.environ.get("LETTERKIT_TOKEN") or secrets.token_urlsafe(24))
    app = create_app(os.fspath(folder), token, host=host, port=port)
    sock = _listen(host, port)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="off",
    )
    shown = f"[{host}]" if ":" in host else host
    link = f"http://{shown}:{sock.getsockname()[1]}/?token={token}"

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started and on_ready is not None:
                on_ready(link)

    try:
        Server(config).run(sockets=[sock])
    finally:
        sock.close()


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, or a clear error (a port in use, say)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise LetterkitError(
            f"could not listen on {host}:{port} ({error.strerror or error}); "
            "is another server using that port? Choose another port"
        ) from None
    sock.set_inheritable(True)
    return sock
