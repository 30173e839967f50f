"""What every workflow of a workspace shares: the store, the settings, one renderer, opening
a letter, and the two checks that keep writers apart (a stale version, unsaved changes)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import letterkit.compose as compose
import letterkit.model.loading as loading
from letterkit.errors import (
    ConflictError,
    LetterFileError,
    LetterkitError,
    LetterValidationError,
    MarkdownCopyError,
    UnsavedChangesError,
    VersionRequiredError,
)
from letterkit.model.editing import version as version_tag
from letterkit.model.fields import FieldPath
from letterkit.model.settings import Settings, settings_for
from letterkit.rendering import Renderer, shared_renderer
from letterkit.review.unseen import unseen
from letterkit.store import FileStore, Store
from letterkit.workspace.results import Opened

if TYPE_CHECKING:
    from letterkit.review.unseen import Unseen

PathLike = str | os.PathLike[str]
MARKDOWN_SUFFIXES = (".md", ".markdown")


class Base:
    """A folder (or any store) of letters, its settings and one renderer.

    ``folder``: names are relative to it (default: names are paths as given); ``store``:
    where letters are kept (default: ``FileStore(folder)``); ``settings_file``: the service's
    settings for every letter (default: the ``letterkit.toml`` beside each letter);
    ``renderer``: used by every render (default: the process's shared renderer, whose fonts
    and PDF workers stay warm between renders; thread-safe); ``needs_sign_off(name)``: whether
    a letter needs a supervisor's sign-off before it can be final (a trainee's letter; default:
    the ``supervised`` setting).
    """

    def __init__(
        self,
        folder: PathLike | None = None,
        *,
        store: Store | None = None,
        settings_file: str | None = None,
        renderer: Renderer | None = None,
        needs_sign_off: Callable[[str], bool] | None = None,
    ) -> None:
        self.store: Store = store if store is not None else FileStore(folder)
        self.needs_sign_off = needs_sign_off
        self.settings_file = settings_file
        self._renderer = renderer
        self._renderer_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(store={self.store!r})"

    @property
    def renderer(self) -> Renderer:
        """The one renderer every render of this workspace uses."""
        if self._renderer is None:
            with self._renderer_guard:
                if self._renderer is None:
                    self._renderer = shared_renderer()
        return self._renderer

    # ----------------------------------------------------------------- names and settings

    def _file(self, name: str) -> str | None:
        """The file a name is kept in, when the store keeps letters as files."""
        path = getattr(self.store, "path", None)
        return str(path(name)) if callable(path) else None

    def settings(self, name: str | None = None) -> Settings:
        """The service's settings for a letter (``settings_file``, else letterkit.toml beside it)."""
        if self.settings_file:
            return settings_for(None, self.settings_file)
        return settings_for(self._file(name) if name is not None else None)

    # ----------------------------------------------------------------- opening letters

    def open(self, spec: PathLike, *, allow_placeholders: bool = False) -> Opened:
        """Read ``NAME``, ``NAME@N``, ``NAME@latest`` or ``NAME@<hash>`` as a validated letter.

        A letter still holding a scaffold's example text (``[Full name]``) is refused unless
        ``allow_placeholders``: history, diffs and imports work on unfinished drafts too; what
        is rendered or validated for a patient must be finished.
        """
        revision = self.store.resolve(os.fspath(spec))
        if revision.draft is None:
            content = self.store.read(revision.file)
        else:
            content = self.store.draft_content(revision.file, revision.draft)
        try:
            text = loading.decode(content, revision.label)
            letter = loading.load_text(text, revision.label, allow_placeholders=allow_placeholders)
            return Opened(letter, revision, content)
        except (LetterFileError, LetterValidationError):
            if Path(revision.file).suffix.lower() in MARKDOWN_SUFFIXES:
                raise MarkdownCopyError(
                    revision.label,
                    "is a Markdown copy of a letter, not a letter file — letterkit reads the letter's "
                    "YAML file; an edited copy goes back into that file as its next draft",
                ) from None
            raise

    def draft_label(self, opened: Opened) -> str | None:
        """'Draft 2 · 14 March 2026' for a saved draft of a letter still in draft; else None."""
        draft = opened.revision.draft
        if draft is None or opened.letter.status != "draft":
            return None
        return f"Draft {draft.number} · {compose.long_date(draft.date)}"

    def reference(self, opened: Opened) -> str | None:
        """The short hash that ties a printed letter to its saved history, if it has one."""
        if opened.revision.draft is not None:
            return str(opened.revision.draft.short)
        history = self.store.drafts(opened.revision.file)
        if not history:
            return None
        latest = history[-1]
        if hashlib.sha256(opened.content).hexdigest() == latest.content_sha256:
            return latest.short
        return f"{latest.short}, changed since"

    # ----------------------------------------------------------------- the two checks

    def version(self, name: PathLike) -> str:
        """The version of a letter: its content and its history's latest record."""
        key = os.fspath(name)
        content = self.store.read(key) if self.store.exists(key) else b""
        saved = self.store.drafts(key)
        return version_tag(content, saved[-1].hash if saved else None)

    def _require_version(self, name: str, version: str | None, *, required: bool = False) -> None:
        """The stale-version check: refuse a write based on a version that is not current.

        ``required``: an existing letter may only be replaced by a writer that says which
        version it read (the HTTP API's If-Match)."""
        if version is None:
            if required and self.store.exists(name):
                raise VersionRequiredError(
                    f"{name}: already exists; send the version you read (If-Match) so that "
                    "changes made elsewhere are not overwritten"
                )
            return
        if version != self.version(name):
            raise ConflictError(
                f"{name}: was changed somewhere else (another tab, or the command line) since you "
                "opened it; nothing was saved — copy your changes, reload, and make them again"
            )

    def _require_saved(self, name: str, what: str) -> None:
        """The unsaved-changes check: the letter now must be its latest saved draft."""
        saved = self.store.drafts(name)
        content = self.store.read(name)
        if not saved or hashlib.sha256(content).hexdigest() != saved[-1].content_sha256:
            raise UnsavedChangesError(f"{name}: has changes that are not saved as a draft yet; {what}")

    # ----------------------------------------------------------------- before the patient reads it

    def unseen(self, opened: Opened) -> tuple[list[Unseen], frozenset[FieldPath]]:
        """The fields of a letter that read as notes or speak about the patient (one entry per
        field, ``reviewed:`` ones left out), and the fields holding the patient's own words
        (from the draft history), which letterkit never changes."""
        return self._unseen_in(opened.content, opened.label, opened.file)

    def _unseen_in(self, content: bytes, label: str, file: str) -> tuple[list[Unseen], frozenset[FieldPath]]:
        """``unseen`` for a letter's content (complete or not), its history in ``file``."""
        source = loading.parse(loading.decode(content, label), label)
        data = source.data if isinstance(source.data, dict) else {}
        own: dict[FieldPath, list[tuple[int, int]]] = {}
        contributions = getattr(self, "contributions", None)
        try:
            if callable(contributions) and self.store.exists(file) and self.store.drafts(file):
                from letterkit.review.check import patients_spans  # only for a letter with drafts

                own = patients_spans(contributions(file), data)
        except LetterkitError:
            own = {}
        text = loading.decode(content, label)
        return unseen(source, text, own), frozenset(own)
