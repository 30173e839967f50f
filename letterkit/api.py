"""The module-level functions: each a thin wrapper over a shared default ``Workspace``.

For embedders who want one call and no object: ``letterkit.render(letter, "pdf")``,
``letterkit.save_draft("peter.yaml", "therapist")``. Each workflow has one name here and one
method on ``letterkit.Workspace``, which owns it; a service that keeps letters elsewhere, or
wants its own settings, makes its own workspace.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import letterkit.model.loading as loading
from letterkit import writers
from letterkit.drafts.store import Draft, SaveResult
from letterkit.errors import Problem
from letterkit.model import kinds
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings
from letterkit.rendering import Rendered
from letterkit.workspace import Workspace
from letterkit.workspace.results import (
    Opened,
    RenderedFile,
    RenderReport,
)
from letterkit.writers.document import DEFAULT_OPTIONS, RenderOptions

if TYPE_CHECKING:
    from letterkit.diffs.core import Diff
    from letterkit.diffs.views import Styler
    from letterkit.drafts.attribution import Contributions
    from letterkit.review.redact import Redaction
    from letterkit.workspace.reports import (
        CheckReport,
        Comparison,
        ContributionsReport,
        Extracted,
        Imported,
        RedactedFile,
        Verification,
        Work,
        Written,
    )

Letter = LetterBase
"""A validated letter of any kind (``letterkit.letter_kinds()`` lists them)."""


PathLike = str | os.PathLike[str]

_default: Workspace | None = None
_guard = threading.Lock()


def default_workspace() -> Workspace:
    """The workspace the module-level functions share: names are paths, one renderer."""
    global _default
    if _default is None:
        with _guard:
            if _default is None:
                _default = Workspace()
    return _default


def _with_settings(settings_file: str | None) -> Workspace:
    """The default workspace, or one with a settings file that shares its renderer."""
    if not settings_file:
        return default_workspace()
    return Workspace(settings_file=settings_file, renderer=default_workspace().renderer)


# --------------------------------------------------------------------------- letters


def load(source: PathLike | Mapping[str, object]) -> LetterBase:
    """A validated letter from a file path, or from a dict (e.g. a web form's JSON)."""
    if isinstance(source, Mapping):
        return loading.load_data(source)
    return loading.load_file(source)


def from_data(data: Mapping[str, object], name: str = "letter") -> LetterBase:
    """A validated letter from data (a web form's or API body's JSON); never a file path."""
    return default_workspace().from_data(data, name)


def validate(paths: Sequence[PathLike]) -> list[Problem]:
    """Every problem in every file (or saved draft, FILE@N), in order; empty if all are valid."""
    return default_workspace().validate(paths)


def schema(kind: str) -> str:
    """The JSON Schema of one kind of letter, as indented JSON text."""
    return json.dumps(kinds.json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def new_letter(kind: str, out: PathLike | None = None) -> Written:
    """A new letter from the kind's scaffold, written to ``out`` (never replacing a file)."""
    return default_workspace().new_letter(kind, out)


def open_letter(spec: PathLike, *, allow_placeholders: bool = False) -> Opened:
    """Read ``FILE``, ``FILE@N``, ``FILE@latest`` or ``FILE@<hash>`` as a validated letter."""
    return default_workspace().open(spec, allow_placeholders=allow_placeholders)


# --------------------------------------------------------------------------- rendering


def render(
    letter: LetterBase,
    format: str | RenderOptions = writers.DEFAULT_FORMAT,
    *,
    settings: Settings | None = None,
) -> str | bytes:
    """Render a letter object: text for md and html, bytes for the others (the shared
    renderer; ``Workspace().render`` also gives the warnings)."""
    return default_workspace().render(letter, format, settings=settings).content


def render_file(
    spec: PathLike,
    options: RenderOptions = DEFAULT_OPTIONS,
    out: PathLike | None = None,
    *,
    settings_file: str | None = None,
) -> RenderedFile:
    """Open ``FILE`` or ``FILE@REV``, render it with the service's settings, and write it."""
    return _with_settings(settings_file).render_file(spec, options, out)


def render_files(
    inputs: Sequence[PathLike],
    options: RenderOptions = DEFAULT_OPTIONS,
    out: PathLike | None = None,
    *,
    settings_file: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, RenderedFile | None], None] | None = None,
) -> RenderReport:
    """Render one letter, or many, or a folder of them, into folder ``out``."""
    return _with_settings(settings_file).render_files(
        inputs, options, out, workers=workers, progress=progress
    )


# --------------------------------------------------------------------------- drafts


def history(path: PathLike) -> list[Draft]:
    """The saved drafts of a letter, oldest first (empty if none are saved yet)."""
    return default_workspace().history(path)


def save_draft(
    path: PathLike, role: str, name: str = "", note: str = "", *, keyed: bool = False
) -> SaveResult:
    """Save the letter file as its next draft (nothing is saved if nothing changed)."""
    return default_workspace().save_draft(path, role, name, note, keyed=keyed)


def verify(path: PathLike) -> Verification:
    """Check that no saved draft or record of a letter was changed or lost."""
    return default_workspace().verify(path)


def import_edits(
    edited: PathLike, into: PathLike, role: str, name: str = "", note: str = "", *, base: str | None = None
) -> Imported:
    """Map an edited Markdown copy of a letter back onto its fields and save the next draft."""
    return default_workspace().import_edits(edited, into, role, name, note, base=base)


# --------------------------------------------------------------------------- diffs and contributions


def diff(a: PathLike | LetterBase, b: PathLike | LetterBase) -> Diff:
    """The section-aware difference between two letters or revisions (``FILE@N``)."""
    return default_workspace().diff(a, b)


def compare(
    a: PathLike,
    b: PathLike,
    format: str = "text",
    out: PathLike | None = None,
    *,
    styler: Styler | None = None,
    reader: str = "therapist",
) -> Comparison:
    """Compare two letters or drafts and make the view asked for (see ``Workspace.compare``)."""
    return default_workspace().compare(a, b, format, out, styler=styler, reader=reader)


def contributions(path: PathLike) -> Contributions:
    """Who wrote which words of the latest draft, and what the patient changed."""
    return default_workspace().contributions(path)


def contributions_report(
    path: PathLike, format: str = "text", out: PathLike | None = None, *, reader: str = "therapist"
) -> ContributionsReport:
    """The contributions report in ``format`` (see ``Workspace.contributions_report``)."""
    return default_workspace().contributions_report(path, format, out, reader=reader)


# --------------------------------------------------------------------------- review


def check(
    files: Sequence[PathLike],
    jargon: Sequence[PathLike] = (),
    format: str = "text",
    *,
    style: str | None = None,
    settings_file: str | None = None,
) -> CheckReport:
    """Check how letters read (see ``Workspace.check``)."""
    return _with_settings(settings_file).check(files, jargon, format, style=style)


def redact(path: PathLike, names: Sequence[str] = ()) -> Redaction:
    """A pseudonymised copy of a letter for supervision, checked to be a valid letter."""
    return default_workspace().redact(path, names)


def redact_file(spec: PathLike, out: PathLike | None = None, names: Sequence[str] = ()) -> RedactedFile:
    """Write (or return) a pseudonymised copy of a letter, in the letter's own format."""
    return default_workspace().redact_file(spec, out, names)


def extract(pdf: PathLike) -> tuple[str, bytes]:
    """The letter file attached to an archival PDF: its name and exact bytes."""
    return default_workspace().extract(pdf)


def extract_file(pdf: PathLike, out: PathLike | None = None) -> Extracted:
    """Take the letter file out of an archival PDF, writing it to ``out`` if given."""
    return default_workspace().extract_file(pdf, out)


# --------------------------------------------------------------------------- work in progress


def letter_version(path: PathLike) -> str:
    """The version of a letter file: its content and its history's latest record."""
    return default_workspace().version(path)


def read_work(path: PathLike) -> Work:
    """A letter file as data for an editor, with every problem ``validate`` would report."""
    return default_workspace().read_work(path)


def save_work(path: PathLike, data: Mapping[str, object], version: str | None = None) -> Work:
    """Write a letter being written (incomplete is fine) back to its file (see ``Workspace.save_work``)."""
    return default_workspace().save_work(path, data, version)


def preview(
    data: Mapping[str, object], style: str | None = None, *, settings: Settings | None = None
) -> Rendered:
    """The HTML of a letter being written, with '…' where a section is not written yet."""
    return default_workspace().preview(data, style, settings=settings)


def serve(
    folder: PathLike = ".",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    token: str | None = None,
    on_ready: Callable[[str], None] | None = None,
    database: str | None = None,
    workers: int = 1,
    names: tuple[str, ...] = (),
) -> None:
    """Serve the letters in ``folder`` in the browser, and the HTTP API, until interrupted.

    ``on_ready(url)`` is called once the server listens, with the link that signs in (it
    carries the token: ``token``, else ``LETTERKIT_TOKEN``, else a fresh random one).
    Any host but this machine's needs ``allow_remote``.

    ``database``: serve a team from that PostgreSQL database instead of ``folder`` (staff
    sign in with their accounts, patients open links; ``workers`` processes answer; ``names``:
    the host names it is reached by, behind a proxy).
    """
    from letterkit.web import server  # FastAPI loads only for this command

    if database is not None:
        server.run_service(
            database,
            host=host,
            port=port,
            workers=workers,
            allow_remote=allow_remote,
            on_ready=on_ready,
            names=names,
        )
        return
    server.run(folder, host=host, port=port, allow_remote=allow_remote, token=token, on_ready=on_ready)
