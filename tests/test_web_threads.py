"""The server stays responsive: blocking work runs off the event loop, routes stay thin.

A store whose saves wait for the test to release them stands in for a slow disk or a busy
database: while two saves hang, a page and an API read still answer. If any route did its
work on the event loop, the reads would wait behind the saves and never answer in time.
"""

from __future__ import annotations

import ast
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from conftest import SAMPLES

pytest.importorskip("fastapi")
import uvicorn  # noqa: E402

from letterkit import FileStore, Workspace  # noqa: E402
from letterkit.drafts.store import SaveResult  # noqa: E402
from letterkit.web import create_app  # noqa: E402

WEB = Path(__file__).resolve().parent.parent / "letterkit" / "web"
TOKEN = "test-token-threads"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


class HeldStore(FileStore):
    """A files store whose draft saves wait until ``release`` is set (a slow store)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.release = threading.Event()
        self.waiting = threading.Semaphore(0)

    def lock(self, name: str) -> AbstractContextManager[object]:
        return threading.RLock()  # each save on its own: both hang in the store at once

    def append_draft(
        self, name: str, role: str, person: str = "", note: str = "", *, keyed: bool = False
    ) -> SaveResult:
        self.waiting.release()
        assert self.release.wait(30), "the test never released the saves"
        return super().append_draft(name, role, person, note, keyed=keyed)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, HeldStore]]:
    for name in ("peter-goodbye.yaml", "aliya-formulation.yaml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    store = HeldStore(tmp_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(tmp_path, TOKEN, port=port, workspace=Workspace(store=store))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        store.release.set()
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_two_slow_saves_do_not_block_reading(served: tuple[str, HeldStore]) -> None:
    base, store = served
    results: list[int] = []

    def save(name: str) -> None:
        with httpx.Client(base_url=base, headers=BEARER, timeout=60) as c:
            results.append(c.post(f"/api/v1/letters/{name}/drafts", json={"author": "therapist"}).status_code)

    savers = [
        threading.Thread(target=save, args=(n,)) for n in ("peter-goodbye.yaml", "aliya-formulation.yaml")
    ]
    for t in savers:
        t.start()
    for _ in savers:  # both saves are inside the store, holding their threads
        assert store.waiting.acquire(timeout=20)
    with httpx.Client(base_url=base, headers={**BEARER, "Accept": "text/html"}, timeout=5) as c:
        assert c.get("/api/v1/letters").status_code == 200
        page = c.get("/letters/peter-goodbye.yaml")
        assert page.status_code == 200 and "Peter" in page.text
    assert results == []  # the reads answered while both saves were still waiting
    store.release.set()
    for t in savers:
        t.join(30)
    assert results == [200, 200]


def test_an_80_kb_body_is_refused_at_once_and_a_read_beside_it_answers(served: tuple[str, HeldStore]) -> None:
    """The body that took 28 s (quadratic checking, no limits on API bodies) and held every other
    request: now the file limits refuse it before validation, and a read sent at the same time
    answers. Bounds are generous (5 s, against 28 s before) so a busy machine cannot fail it."""
    base, store = served
    store.release.set()
    body = {"kind": "formulation", "ipaf": {"affect": [{"x": 1}] * 8000}}
    answers: list[httpx.Response] = []

    def post() -> None:
        with httpx.Client(base_url=base, headers=BEARER, timeout=5) as c:
            answers.append(c.post("/api/v1/validate", json=body))

    posting = threading.Thread(target=post)
    posting.start()
    with httpx.Client(base_url=base, headers=BEARER, timeout=5) as c:
        assert c.get("/api/v1/letters").status_code == 200
    posting.join(10)
    assert len(answers) == 1, "the 80 KB body got no answer within 5 s"
    assert answers[0].status_code == 422
    assert "8000 items; at most 1000 are allowed" in answers[0].text


# ------------------------------------------------------------------ the routes, read with ast

CHEAP = {"posted", "run_in_threadpool", "RedirectResponse", "quote", "form.get", "registries.letter_kinds"}
"""What an ``async def`` route may call itself: reading the request and handing work to a thread."""


def _routes() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in sorted(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Call)
                and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("get", "post", "put")
                for d in node.decorator_list
            ):
                found.append((f"{path.relative_to(WEB)}:{node.name}", node))
    return found


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return "?"


def test_no_async_route_does_blocking_work_itself() -> None:
    routes = [(name, node) for name, node in _routes() if isinstance(node, ast.AsyncFunctionDef)]
    assert len(routes) >= 4
    for name, node in routes:
        called = {_dotted(c.func) for stmt in node.body for c in ast.walk(stmt) if isinstance(c, ast.Call)}
        called = {c.removesuffix(".strip") for c in called}
        assert called <= CHEAP, f"{name} calls {sorted(called - CHEAP)} on the event loop"


def test_every_route_is_short() -> None:
    routes = _routes()
    assert len(routes) >= 15
    for name, node in routes:
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        assert length <= 40, f"{name} is {length} lines"
