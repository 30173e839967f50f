"""Writer work that may run long, in worker processes that can be stopped: PDF layout, Word.

A thread cannot be stopped safely from outside: an exception raised into it may land half way
through an update of a cache that other threads share. So the writers' long, uninterruptible
work (WeasyPrint's layout, python-docx) runs in a worker process. Workers are kept warm between
renders (WeasyPrint imported, fonts loaded), one job at a time each; a job that runs past its
time limit has its worker killed (the next job gets a new one) and raises the caller's error.
Threads calling ``run`` never wait longer than their own limit plus a worker's start.

Jobs name a function in a letterkit module (``"letterkit.writers.pdf:layout_job"``) and pass
plain values. A job may ``ask`` the caller for more while it runs (the PDF writer asks for other
versions of the letter only when the first one's diagram is off page 1). Warnings and errors
that the job logs are logged again in the calling process, under the same logger names.

The protocol is length-prefixed pickles over the worker's stdin and stdout; the worker is our
own code started with this interpreter, so nothing untrusted is ever unpickled.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, NoReturn

from letterkit.errors import LetterkitError, RenderError

log = logging.getLogger(__name__)

START_TIMEOUT = 120.0
"""Seconds a new worker may take to start and import what a job needs (not part of a job's limit)."""

_HEADER = struct.Struct("!Q")
_EOF = ("eof",)


def _send(stream: IO[bytes], message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> tuple[Any, ...]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return _EOF
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return _EOF
    message: tuple[Any, ...] = pickle.loads(data)
    return message


class _Worker:
    """One worker process, and a thread reading what it sends."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # The same letterkit and dependencies as this process, however it was started.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if isinstance(p, str) and p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from letterkit.writers.worker import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.prepared: set[str] = set()
        self.preparing: set[str] = set()
        reader = threading.Thread(target=self._read, name="letterkit-worker-reader", daemon=True)
        reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while True:
            try:
                message = _receive(self.process.stdout)
            except Exception:
                message = _EOF
            self.inbox.put(message)
            if message == _EOF:
                return

    def send(self, *message: Any) -> None:
        assert self.process.stdin is not None
        try:
            _send(self.process.stdin, message)
        except (OSError, ValueError):
            raise RenderError("the writer's worker process stopped unexpectedly; try again") from None

    def receive(self, timeout: float | None) -> tuple[Any, ...] | None:
        """The next message, or None when ``timeout`` seconds pass first."""
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def prepare(self, module: str) -> None:
        """Have the worker import ``module`` and run its ``prepare_worker`` (without waiting)."""
        if module not in self.prepared and module not in self.preparing:
            self.send("prepare", module)
            self.preparing.add(module)

    def wait_prepared(self, module: str) -> None:
        self.prepare(module)
        while module in self.preparing:
            reply = self.receive(START_TIMEOUT)
            if reply is None or reply[0] != "prepared":
                raise RenderError(
                    "the writer's worker process could not start"
                    + (f": {reply[1]}" if reply is not None and reply[0] == "error" else "")
                )
            self.preparing.discard(reply[1])
            self.prepared.add(reply[1])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class WorkerPool:
    """Worker processes, kept warm between jobs; safe to share between threads.

    At most ``size`` workers run at once (by default the number of CPUs, at least 2); callers
    beyond that wait for a free one (the wait is not counted against their limit).
    """

    def __init__(self, size: int | None = None) -> None:
        self.size = size or max(2, os.cpu_count() or 1)
        self._slots = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy = 0
        self._pid = os.getpid()
        weakref.finalize(self, _stop_all, self._idle)

    def prestart(self, module: str) -> None:
        """Start a worker preparing for ``module`` now, if none is idle, so that its start-up
        overlaps the caller's own work (composing the letter)."""
        with self._lock:
            self._check_fork()
            if self._idle or self._busy >= self.size:
                return
            try:
                worker = _Worker()
                worker.prepare(module)
            except OSError:
                return  # reported by run(), which tries again
            self._idle.append(worker)

    def run(
        self,
        function: str,
        *args: Any,
        prepare: str,
        timeout: float,
        error: Callable[[], LetterkitError],
        answers: Mapping[str, Callable[[], Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``function(*args, ask=..., **kwargs)`` in a worker prepared by ``prepare``'s module;
        ``error()`` is raised, and the worker stopped, if the job runs past ``timeout`` seconds.
        ``answers[name]()`` answers the job's ``ask(name)``; it runs in this thread, on the job's
        clock. A LetterkitError raised by the job is raised here as a RenderError."""
        import time

        with self._slots, self._borrow() as worker:
            worker.wait_prepared(prepare)
            ends = time.monotonic() + timeout  # the clock starts once the worker is ready
            worker.send("job", function, args, kwargs)
            while True:
                reply = worker.receive(max(0.0, ends - time.monotonic()))
                if reply is None:
                    worker.stop()
                    raise error()
                kind = reply[0]
                if kind == "ask":
                    answer = (answers or {})[reply[1]]()
                    worker.send("answer", answer)
                    continue
                if kind == "eof":
                    worker.stop()
                    raise RenderError("the writer's worker process stopped unexpectedly; try again")
                _relog(reply[-1])
                if kind == "done":
                    return reply[1]
                raise RenderError(reply[1])

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[_Worker]:
        with self._lock:
            self._check_fork()
            worker = None
            while self._idle and worker is None:
                candidate = self._idle.pop()
                if candidate.alive():
                    worker = candidate
                else:
                    candidate.stop()
            self._busy += 1
        try:
            if worker is None:
                try:
                    worker = _Worker()
                except OSError as error:
                    raise RenderError(f"cannot start the writer's worker process: {error}") from None
            try:
                yield worker
            except BaseException:
                # Stopped by its time limit, or left mid-conversation: never reused.
                worker.stop()
                raise
        finally:
            with self._lock:
                self._busy -= 1
        with self._lock:
            if worker.alive() and len(self._idle) < self.size and os.getpid() == self._pid:
                self._idle.append(worker)
                return
        worker.stop()

    def _check_fork(self) -> None:
        """In a child forked from the process that made this pool, its workers are not ours."""
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._idle.clear()

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their job ends and they are not reused)."""
        with self._lock:
            _stop_all(self._idle)


def _stop_all(workers: list[_Worker]) -> None:
    while workers:
        workers.pop().stop()


def _relog(records: list[logging.LogRecord]) -> None:
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process's one pool, used by every renderer that is not given its own."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool()
        return _shared


# --------------------------------------------------------------------------- in the worker


class _Collect(logging.Handler):
    """Keeps the job's log records (warnings and worse) to send back with its answer."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


def serve() -> None:
    """The worker's loop: prepare, run jobs, answer, until its stdin closes."""
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print never corrupts the protocol
    collect = _Collect()
    logging.getLogger().addHandler(collect)

    def reply(message: tuple[Any, ...]) -> None:
        try:
            _send(outbox, message)
        except OSError:  # the caller is gone (it finished, or was stopped): so is the worker
            _leave()

    def ask(name: str) -> Any:
        reply(("ask", name))
        answer = _receive(inbox)
        if answer[0] != "answer":
            _leave()
        return answer[1]

    while True:
        message = _receive(inbox)
        if message[0] == "prepare":
            try:
                prepare: Callable[[], None] | None = getattr(
                    importlib.import_module(_letterkit(message[1])), "prepare_worker", None
                )
                if prepare is not None:
                    prepare()
            except Exception as error:
                reply(("error", f"{type(error).__name__}: {error}", collect.take()))
                continue
            gc.freeze()  # what the imports made is never garbage: later collections skip it
            reply(("prepared", message[1]))
        elif message[0] == "job":
            _, function, args, kwargs = message
            module, _, name = function.partition(":")
            result = None
            try:
                result = getattr(importlib.import_module(_letterkit(module)), name)(*args, ask=ask, **kwargs)
            except LetterkitError as error:
                reply(("error", str(error), collect.take()))
            except Exception as error:  # the caller needs one kind of error, and the worker lives on
                log.debug("a job failed in the worker", exc_info=True)
                reply(("error", f"{type(error).__name__}: {error}", collect.take()))
            else:
                reply(("done", result, collect.take()))
            del message, args, kwargs, result  # the letter goes before the collection
            gc.collect()  # a layout leaves many cycles: collect them now, between jobs, not during one
        else:
            _leave()


def _leave() -> NoReturn:
    """End the worker at once: an interpreter's normal shutdown would tear modules down under
    WeasyPrint's font configuration, whose finaliser then prints a traceback to stderr."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _letterkit(module: str) -> str:
    if module != "letterkit" and not module.startswith("letterkit."):
        raise ValueError(f"{module}: a worker runs letterkit's own functions only")
    return module
