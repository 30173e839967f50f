"""Run the server on uvicorn until Ctrl-C.

Slow or stuck clients are cut off (what uvicorn offers, and one thing it does not):

- ``HEADER_TIMEOUT``: a connection must send a request's whole header block within 10 seconds
  of connecting (or of its previous answer), else it is closed. uvicorn has no such limit (its
  ``timeout_keep_alive`` only runs between requests), so letterkit's protocol adds it to
  uvicorn's h11 one; without it, a client that sends half its headers holds a connection open
  for ever (slowloris).
- ``timeout_keep_alive``: an idle kept-alive connection is closed after 5 seconds.
- ``h11_max_incomplete_event_size``: a header block over 16 KiB is refused (400).
- ``limit_concurrency``: over 64 connections at once, new requests get 503.
- Bodies over 1 MiB are refused by the gate (letterkit.web.security).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import socket
from collections.abc import Callable
from typing import Any

from letterkit.errors import LetterkitError, OptionsError
from letterkit.web.app import create_app
from letterkit.web.security import check_token
from letterkit.web.service import create_service_app
from letterkit.web.site import LOCAL_HOSTS

log = logging.getLogger(__name__)

HEADER_TIMEOUT = 10.0
"""Seconds a connection has to send a request's headers in full."""
KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle kept-alive connection stays open."""
MAX_HEADER_BYTES = 16 * 1024
"""The largest header block accepted (h11's incomplete-event limit)."""
MAX_CONNECTIONS = 64
"""Connections served at once; beyond them uvicorn answers 503."""


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
    config = uvicorn_config(app)
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


def run_service(
    url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    allow_remote: bool = False,
    on_ready: Callable[[str], None] | None = None,
    names: tuple[str, ...] = (),
) -> None:
    """Serve the letters of the database at ``url`` to a team (``letterkit serve --database``):
    ``workers`` processes share one listening socket and keep nothing of their own but
    caches, so that any of them answers any request; ``names``: the host names it is reached
    by besides ``host`` (behind a proxy). Returns on Ctrl-C (or SIGTERM)."""
    import uvicorn

    if host not in LOCAL_HOSTS and not allow_remote:
        raise OptionsError(
            f"{host}: serving letters to other machines needs --allow-remote (and a network you trust)",
            "host",
        )
    if not 1 <= workers <= MAX_WORKERS:
        raise OptionsError(f"--workers must be from 1 to {MAX_WORKERS}", "workers")
    checking = create_service_app(url, host=host, port=port, names=names).accounts
    try:
        checking.ready()  # a database that cannot be reached, or has no tables, is said here, once
    finally:
        checking.store.close()  # before the workers are forked: each makes its own connections
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    link = f"http://{shown}:{bound}/"
    try:
        if workers == 1:
            app = create_service_app(url, host=host, port=bound, names=names)
            _Ready.announcing(uvicorn.Server, link, on_ready)(uvicorn_config(app)).run(sockets=[sock])
            return
        children = [_fork_worker(url, host, bound, sock, names) for _ in range(workers)]
        if on_ready is not None:
            on_ready(link)
        _wait_for(children)
    finally:
        sock.close()


MAX_WORKERS = 64


class _Ready:
    @staticmethod
    def announcing(base: type[Any], link: str, on_ready: Callable[[str], None] | None) -> type[Any]:
        class Server(base):  # type: ignore[misc]
            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets)
                if self.started and on_ready is not None:
                    on_ready(link)

        return Server


def _fork_worker(url: str, host: str, port: int, sock: socket.socket, names: tuple[str, ...]) -> int:
    """A worker process answering on ``sock`` (its own app, engine and pool, made after the fork)."""
    import uvicorn

    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        app = create_service_app(url, host=host, port=port, names=names)
        uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])
    except BaseException:
        log.exception("a worker stopped")
        code = 1
    finally:
        os._exit(code)


def _wait_for(children: list[int]) -> None:
    """Wait for the workers; on Ctrl-C or SIGTERM, stop them all and wait for them."""

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    finally:
        signal.signal(signal.SIGTERM, previous)


def uvicorn_config(app: Any, header_timeout: float = HEADER_TIMEOUT) -> Any:
    """uvicorn's settings for letterkit serve: the limits in the module's docstring."""
    import uvicorn

    return uvicorn.Config(
        app,
        http=header_timeout_protocol(header_timeout),
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="off",
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        limit_concurrency=MAX_CONNECTIONS,
    )


def header_timeout_protocol(seconds: float) -> type[Any]:
    """uvicorn's h11 protocol, closing a connection that has not sent a request's headers in
    full within ``seconds`` of connecting or of its previous answer."""
    import asyncio

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._arm()
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self._disarm()  # the keep-alive timeout runs until the next request starts

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                log.info("closed a connection that did not send its headers within %s s", seconds)
                self.transport.close()

    return HeaderTimeoutProtocol


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
