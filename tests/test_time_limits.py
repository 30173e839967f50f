"""Time limits: templates check a deadline as they run; a PDF's layout and a Word document are
made in worker processes that are stopped when their time is up. No thread is ever interrupted."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import letterkit
from letterkit import RenderError, RenderOptions, TemplateError
from letterkit.rendering import Renderer, shared_renderer
from letterkit.writers.worker import WorkerPool

PACKAGE = Path(letterkit.__file__).parent


def test_no_exception_is_ever_raised_into_a_thread() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "SetAsyncExc" in path.read_text(encoding="utf-8")
        or "import ctypes" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_a_pdf_past_its_limit_stops_its_worker_and_the_next_render_gets_a_new_one(
    goodbye_data: dict[str, Any],
) -> None:
    pool = WorkerPool(size=2)
    renderer = Renderer(workers=pool)
    letter = letterkit.load(goodbye_data)
    first = renderer.render(letter, RenderOptions(format="pdf"))
    assert isinstance(first.content, bytes) and first.content.startswith(b"%PDF")
    (warm,) = pool._idle
    with pytest.raises(RenderError) as caught:
        renderer.render(letter, RenderOptions(format="pdf", timeout=0.01))
    assert str(caught.value) == (
        "the PDF took longer than 0.01 seconds to lay out and was stopped — is the letter unusually long?"
    )
    assert warm.process.wait(timeout=10) is not None  # the worker that ran out of time is gone
    assert pool._idle == []
    again = renderer.render(letter, RenderOptions(format="pdf"))
    assert again.content == first.content  # a new worker, the same bytes
    (fresh,) = pool._idle
    assert fresh is not warm and fresh.alive()
    pool.close()
    assert fresh.process.wait(timeout=10) is not None


def test_a_word_document_past_its_limit_is_stopped(goodbye_data: dict[str, Any]) -> None:
    letter = letterkit.load(goodbye_data)
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        shared_renderer().render(letter, RenderOptions(format="docx", timeout=0.01))
    assert time.monotonic() - started < 60
    assert str(caught.value) == (
        "the Word document took longer than 0.01 seconds to write and was stopped "
        "— is the letter unusually long?"
    )
    in_worker = shared_renderer().render(letter, RenderOptions(format="docx")).content
    in_thread = shared_renderer().render(letter, RenderOptions(format="docx", timeout=None)).content
    assert in_worker == in_thread and isinstance(in_worker, bytes) and in_worker.startswith(b"PK")


def test_a_pdf_made_in_a_worker_is_the_pdf_made_in_this_thread(goodbye_data: dict[str, Any]) -> None:
    letter = letterkit.load(goodbye_data)
    for archive in (False, True):
        options = RenderOptions(format="pdf", archive=archive)
        in_worker = shared_renderer().render(letter, options).content
        in_thread = shared_renderer().render(letter, options.model_copy(update={"timeout": None})).content
        assert in_worker == in_thread


def test_a_template_looping_over_a_long_text_is_stopped_between_steps(
    tmp_path: Path, goodbye_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import letterkit.compose.templating as templating

    monkeypatch.setattr(templating, "TEMPLATE_TIMEOUT", 1.0)
    pack = tmp_path / "pack"
    pack.mkdir()
    # No output, no call, no range: only the loops themselves can notice the time.
    (pack / "help.md.j2").write_text(
        '{% set s = "x" * 10000000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}\n',
        encoding="utf-8",
    )
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        letterkit.render(letterkit.load(goodbye_data), RenderOptions(format="md", template_dir=str(pack)))
    assert time.monotonic() - started < 10
    assert str(caught.value) == (
        "help.md.j2: the template ran longer than 1 seconds and was stopped — does it loop without end?"
    )


def test_a_template_limit_in_one_thread_leaves_the_others_alone(
    tmp_path: Path, goodbye_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import letterkit.compose.templating as templating

    monkeypatch.setattr(templating, "TEMPLATE_TIMEOUT", 1.0)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "help.md.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n", encoding="utf-8"
    )
    letter = letterkit.load(goodbye_data)
    expected = letterkit.render(letter, "md")
    results: dict[str, object] = {}

    def endless() -> None:
        try:
            letterkit.render(letter, RenderOptions(format="md", template_dir=str(pack)))
        except TemplateError as error:
            results["endless"] = str(error)

    def ordinary() -> None:
        results["ordinary"] = [letterkit.render(letter, "md") for _ in range(5)]

    threads = [threading.Thread(target=endless), threading.Thread(target=ordinary)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert "was stopped" in str(results["endless"])
    assert results["ordinary"] == [expected] * 5


def test_the_module_level_render_reuses_one_renderer(goodbye_data: dict[str, Any]) -> None:
    letter = letterkit.load(goodbye_data)
    letterkit.render(letter, "md")
    renderer = shared_renderer()
    environments = dict(renderer.templates._environments)
    assert environments  # the built-in templates, compiled once
    letterkit.render(letter, "html")
    assert shared_renderer() is renderer
    assert renderer.templates._environments == environments


def test_the_server_answers_a_render_past_its_limit_and_keeps_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fastapi")
    import shutil

    from fastapi.testclient import TestClient

    import letterkit.web.api_v1 as api_v1
    from letterkit.web import create_app

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    token = "test-token-123"
    client = TestClient(
        create_app(tmp_path, token),
        base_url="http://127.0.0.1:8000",
        headers={"Authorization": f"Bearer {token}"},
        raise_server_exceptions=False,
    )
    monkeypatch.setattr(api_v1, "RENDER_TIMEOUT", 0.01)
    for fmt, words in (("pdf", "the PDF took longer than 0.01 seconds"), ("docx", "the Word document took")):
        r = client.get(f"/api/v1/letters/peter.yaml/render?format={fmt}")
        assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["detail"].startswith(words)
    monkeypatch.setattr(api_v1, "RENDER_TIMEOUT", 60.0)
    r = client.get("/api/v1/letters/peter.yaml/render?format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
