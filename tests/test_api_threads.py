"""The public API from several threads at once, and from its exported names only.

A service embeds letterkit in a web app whose worker threads render letters side by side: the
renders must not interfere (shared caches, the sandboxed Jinja environments, WeasyPrint, the
PDF time limit's worker processes). Four threads each load and render a different sample
as Markdown, HTML and PDF at the same moment; the results must equal the same renders done
one after another.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import io
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import GOODBYE_YAML, SAMPLE_NAMES, SAMPLES
from pypdf import PdfReader

import letterkit
from letterkit import (  # only names from letterkit.__all__ (checked below)
    Diff,
    LetterkitError,
    RenderOptions,
    Workspace,
    contributions,
    diff,
    history,
    load,
    render,
    save_draft,
    settings_for,
    verify,
)

USED = (
    "Diff",
    "LetterkitError",
    "RenderOptions",
    "contributions",
    "diff",
    "history",
    "load",
    "render",
    "Workspace",
    "save_draft",
    "settings_for",
    "verify",
)


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def render_all(name: str, start: threading.Barrier | None = None) -> dict[str, Any]:
    path = SAMPLES / f"{name}.yaml"
    if start is not None:
        start.wait(timeout=60)  # all threads begin together
    letter = load(path)
    settings = settings_for(path)
    md = render(letter, "md", settings=settings)
    html = render(letter, "html", settings=settings)
    pdf = Workspace().render(letter, RenderOptions(format="pdf"), settings=settings)
    assert isinstance(pdf.content, bytes)
    return {
        "md": md,
        "html": html,
        "pdf_text": pdf_text(pdf.content),
        "pdf_bytes": pdf.content,
        "warnings": pdf.warnings,
        "thread": threading.get_ident(),
    }


@pytest.fixture(scope="module")
def serial() -> dict[str, dict[str, Any]]:
    return {name: render_all(name) for name in SAMPLE_NAMES}


def test_four_threads_render_like_one(serial: dict[str, dict[str, Any]]) -> None:
    assert len(SAMPLE_NAMES) == 4
    start = threading.Barrier(len(SAMPLE_NAMES))
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(SAMPLE_NAMES)) as pool:
        futures = {name: pool.submit(render_all, name, start) for name in SAMPLE_NAMES}
        parallel = {name: future.result(timeout=300) for name, future in futures.items()}
    assert len({result["thread"] for result in parallel.values()}) == len(SAMPLE_NAMES)
    for name in SAMPLE_NAMES:
        assert parallel[name]["md"] == serial[name]["md"], name
        assert parallel[name]["html"] == serial[name]["html"], name
        assert parallel[name]["pdf_text"] == serial[name]["pdf_text"], name
        assert parallel[name]["warnings"] == serial[name]["warnings"] == [], name
        # The README promises the same letter gives the same PDF bytes; threads must not change that.
        assert parallel[name]["pdf_bytes"] == serial[name]["pdf_bytes"], name
    # Each thread rendered its own letter, not a neighbour's.
    for name in SAMPLE_NAMES:
        letter = load(SAMPLES / f"{name}.yaml")
        assert letter.patient.name in " ".join(parallel[name]["pdf_text"])


def test_many_text_renders_in_threads_match(serial: dict[str, dict[str, Any]]) -> None:
    """Markdown and HTML are cheap: 8 threads x 4 letters x 5 rounds, all identical."""

    def work(index: int) -> list[tuple[str, str, str]]:
        out = []
        for round_ in range(5):
            name = SAMPLE_NAMES[(index + round_) % len(SAMPLE_NAMES)]
            path = SAMPLES / f"{name}.yaml"
            letter, settings = load(path), settings_for(path)
            out.append(
                (
                    name,
                    str(render(letter, "md", settings=settings)),
                    str(render(letter, "html", settings=settings)),
                )
            )
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = [item for chunk in pool.map(work, range(8)) for item in chunk]
    assert len(results) == 40
    for name, md, html in results:
        assert md == serial[name]["md"] and html == serial[name]["html"], name


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_time_limit_in_one_thread_stops_only_that_thread(serial: dict[str, dict[str, Any]]) -> None:
    """The render that ran out of time stops (its worker process is killed), never its neighbour."""
    name = SAMPLE_NAMES[0]
    path = SAMPLES / f"{name}.yaml"
    letter, settings = load(path), settings_for(path)

    def quick() -> str:
        try:
            Workspace().render(letter, RenderOptions(format="pdf", timeout=0.01), settings=settings)
        except LetterkitError as error:
            return str(error)
        return "finished in time"

    def normal() -> list[str]:
        result = Workspace().render(letter, RenderOptions(format="pdf"), settings=settings)
        assert isinstance(result.content, bytes)
        return pdf_text(result.content)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        stopped, finished = pool.submit(quick), pool.submit(normal)
        assert finished.result(timeout=120) == serial[name]["pdf_text"]
        message = stopped.result(timeout=120)
    assert "longer than 0.01 seconds" in message, message


# --------------------------------------------------------------------------- the exported names


def test_all_is_sorted_unique_and_resolves() -> None:
    names = letterkit.__all__
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(letterkit, name) is not None, name
        namespace: dict[str, Any] = {}
        exec(f"from letterkit import {name}", namespace)  # noqa: S102 - a fixed, known name
        assert namespace[name] is getattr(letterkit, name)
    # A star import gives exactly these names.
    star: dict[str, Any] = {}
    exec("from letterkit import *", star)  # noqa: S102
    assert {k for k in star if not k.startswith("__")} == set(names)
    assert importlib.import_module("letterkit") is letterkit


def test_this_module_uses_only_exported_names() -> None:
    assert set(USED) <= set(letterkit.__all__)
    for name in USED:
        assert globals()[name] is getattr(letterkit, name)


def test_round_trip_through_the_public_api(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    path = tmp_path / "sam.yaml"
    path.write_text(GOODBYE_YAML, encoding="utf-8")

    letter = load(path)
    md = render(letter, "md", settings=settings_for(path))
    assert isinstance(md, str) and "Dear Sam," in md

    first = save_draft(path, "therapist", "Nell Arbuthnot", "For session 13")
    assert first.saved and first.draft.number == 1
    again = save_draft(path, "therapist", "Nell Arbuthnot")
    assert not again.saved  # unchanged: nothing saved

    path.write_text(
        GOODBYE_YAML.replace(
            "You came because the winter felt endless and very quiet.",
            "You came because the winter felt endless, grey and very quiet.",
        ),
        encoding="utf-8",
    )
    second = save_draft(path, "patient", "Samuel Ferris", "My changes")
    assert second.saved and second.draft.number == 2
    assert [d.number for d in history(path)] == [1, 2]
    assert [d.role for d in history(path)] == ["therapist", "patient"]
    assert verify(path).problems == ()

    changes = diff(f"{path}@1", f"{path}@latest")
    assert isinstance(changes, Diff) and changes
    assert [c.path for c in changes.changes] == ["background"]
    change = changes.changes[0]
    assert change.draft == 2 and "patient" in (change.author or "")
    assert not diff(f"{path}@2", path)  # the file is the latest draft

    credit = contributions(path)
    patient_words = " ".join(t for texts in credit.words_of("patient").values() for t in texts)
    assert "grey" in patient_words
    assert credit.words_by_role()["therapist"] > credit.words_by_role()["patient"] > 0

    rendered = render(load(path), "md", settings=settings_for(path))
    assert isinstance(rendered, str) and "endless, grey and very quiet" in rendered

    with pytest.raises(LetterkitError):
        load(tmp_path / "missing.yaml")
    with pytest.raises(LetterkitError):
        diff(f"{path}@7", path)
