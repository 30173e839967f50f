"""A time limit for work on any thread: PDF layout and template rendering both run under it.

A watchdog timer raises an exception in the working thread (CPython's
PyThreadState_SetAsyncExc), so a service's worker thread is freed too. The exception is a
``BaseException``, so that no ``except Exception`` in the work can swallow it; it arrives
between two Python bytecodes, so work stuck in one long C call is stopped only when it returns.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import TypeVar

from letterkit.errors import LetterkitError

T = TypeVar("T")


class _TimeUp(BaseException):
    """Raised inside the work when time is up."""


def run_with_deadline(work: Callable[[], T], timeout: float, error: Callable[[], LetterkitError]) -> T:
    """``work()``, or ``error()`` raised if it runs past ``timeout`` seconds."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_TimeUp))

    timer = threading.Timer(timeout, fire)
    timer.daemon = True
    try:
        try:
            timer.start()
            result = work()
        finally:
            with lock:
                state["done"] = True
                if state["fired"]:  # clear an exception that has not been delivered yet
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            timer.cancel()
    except _TimeUp:
        raise error() from None
    if state["fired"]:
        raise error()
    return result
