"""Time limits that never interrupt a thread: the work itself checks a deadline.

Work that letterkit's own code steps through (a template: the sandbox checks at every call,
attribute, operator, loop step and piece of output) runs under ``limit``, and calls ``check``
as it goes; past the deadline, ``check`` raises the letterkit error the limit was set with.
Nothing is raised into a thread from outside, so no shared cache can be left half updated.
Work that cannot check (a PDF's layout, a Word document) runs in a worker process that is
stopped when its time is up (``letterkit.writers.worker``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from letterkit.errors import LetterkitError

_current: ContextVar[tuple[float, Callable[[], LetterkitError]] | None] = ContextVar(
    "letterkit_deadline", default=None
)


@contextlib.contextmanager
def limit(seconds: float | None, error: Callable[[], LetterkitError]) -> Iterator[None]:
    """Within the block, ``check()`` raises ``error()`` once ``seconds`` have passed (None: no limit).

    Limits are per thread (a context variable), so threads rendering side by side never see each
    other's; an inner limit replaces an outer one until its block ends.
    """
    token = _current.set(None if seconds is None else (time.monotonic() + seconds, error))
    try:
        yield
    finally:
        _current.reset(token)


def check() -> None:
    """Raise the current limit's error if its time is up; nothing when there is no limit."""
    state = _current.get()
    if state is not None and time.monotonic() > state[0]:
        raise state[1]()


def paced(iterable: Iterable[Any]) -> Iterable[Any]:
    """``iterable``, checking the deadline before each item (a template's loops run through this)."""
    if _current.get() is None:
        return iterable
    return _paced(iter(iterable))


def _paced(items: Iterator[Any]) -> Iterator[Any]:
    for item in items:
        check()
        yield item
