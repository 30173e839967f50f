"""The draft history of a letter: append-only, hash-chained, plain files beside the letter.

For a letter ``peter.yaml`` the history is the folder ``peter.yaml.drafts/``:

    peter.yaml.drafts/
        FORMAT.txt          how to read this folder without letterkit
        0001.yaml           draft 1: the letter file exactly as it was saved (bytes)
        0001.json           draft 1's record (see below)
        0002.yaml
        0002.json
        ...
        .lock               taken while a draft is being saved

A record is JSON with sorted keys: ``number``, ``event`` (``save`` or ``status``),
``status`` (the letter's status), ``role`` (therapist, patient, joint, supervisor), ``name``,
``note``, ``time`` (UTC, ISO 8601), ``content_sha256`` (of the .yaml file's bytes), ``parent``
(the previous record's ``hash``, null for draft 1) and ``hash``: the SHA-256 of the record's
other fields as compact sorted JSON. Changing one byte of any draft or record breaks the chain,
and ``letterkit draft verify`` names the draft. Files are created once and never rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from letterkit.errors import (
    HistoryError,
    LetterFileError,
    LetterNotFoundError,
    UnknownRoleError,
)
from letterkit.files import ensure_dir, write_atomic

Role = Literal["therapist", "patient", "joint", "supervisor"]
ROLES: tuple[str, ...] = ("therapist", "patient", "joint", "supervisor")
SHORT = 8
LOCK_TIMEOUT = 30.0

FORMAT_TEXT = __doc__ or ""


@dataclass(frozen=True)
class Draft:
    """One saved draft's record."""

    number: int
    event: str
    status: str
    role: str
    name: str
    note: str
    time: str
    content_sha256: str
    parent: str | None
    hash: str

    @property
    def short(self) -> str:
        return self.hash[:SHORT]

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromisoformat(self.time).date()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SaveResult:
    draft: Draft
    saved: bool
    message: str


def history_dir(letter: str | os.PathLike[str]) -> Path:
    path = Path(letter)
    return path.with_name(path.name + ".drafts")


def _record_hash(fields: dict[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _read_record(path: Path) -> Draft:
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return Draft(**fields)
    except (OSError, ValueError, TypeError) as error:
        raise HistoryError(
            f"{path}: the draft record cannot be read ({error}); verify the history to see what is damaged"
        ) from None


def drafts(letter: str | os.PathLike[str]) -> list[Draft]:
    """Every saved draft of a letter, oldest first (empty if it has no history)."""
    folder = history_dir(letter)
    if not folder.is_dir():
        return []
    records = sorted(p for p in folder.glob("[0-9][0-9][0-9][0-9]*.json"))
    return [_read_record(p) for p in records]


def draft_content(letter: str | os.PathLike[str], draft: Draft) -> bytes:
    path = history_dir(letter) / f"{draft.number:04d}.yaml"
    try:
        return path.read_bytes()
    except OSError as error:
        raise HistoryError(f"{path}: draft {draft.number} is missing ({error.strerror})") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# YAML's top-level status line, its key bare or quoted ("status": final), or JSON's.
_STATUS_LINE = re.compile(
    rb"""(?m)^((['"]?)status\2[ \t]*:[ \t]*)(['"]?)final\3(?=[ \t]*(?:#.*)?\r?$)|("status"\s*:\s*")final(")"""
)


def _reopen(content: bytes) -> bytes:
    """The letter with ``status: final`` set back to draft (YAML or JSON), nothing else changed."""

    def swap(match: re.Match[bytes]) -> bytes:
        if match.group(1) is not None:
            return match.group(1) + match.group(3) + b"draft" + match.group(3)
        return match.group(4) + b"draft" + match.group(5)

    return _STATUS_LINE.sub(swap, content, count=1)


def save(
    letter: str | os.PathLike[str],
    role: str,
    name: str = "",
    note: str = "",
    *,
    content: bytes | None = None,
    time: str | None = None,
) -> SaveResult:
    """Record the letter file's current content as its next draft.

    Saving content identical to the latest draft records nothing. The letter must be valid.
    """
    from filelock import FileLock, Timeout

    from letterkit.model.loading import decode, load_text, read_letter_bytes

    if role not in ROLES:
        raise UnknownRoleError(str(role), ROLES)
    path = Path(letter)
    if content is None:
        try:
            content = read_letter_bytes(path)
        except FileNotFoundError:
            raise LetterNotFoundError(str(path), "no such file — check the name and folder") from None
        except OSError as error:
            raise LetterFileError(str(path), f"cannot be read: {error.strerror or error}") from None
    parsed = load_text(decode(content, str(path)), str(path))  # only valid letters enter the history
    folder = ensure_dir(history_dir(path))
    if not (folder / "FORMAT.txt").exists():
        write_atomic(folder / "FORMAT.txt", FORMAT_TEXT)
    try:
        with FileLock(str(folder / ".lock"), timeout=LOCK_TIMEOUT, mode=0o600):
            history = drafts(path)
            latest = history[-1] if history else None
            digest = hashlib.sha256(content).hexdigest()
            if latest and latest.content_sha256 == digest:
                return SaveResult(
                    latest, False, f"No change since draft {latest.number} ({latest.short}); nothing saved."
                )
            status = parsed.status
            reopened = bool(latest and latest.status == "final" and status == "final")
            if reopened:
                # A final letter is never edited in place: the change starts a new draft.
                content = _reopen(content)
                status = load_text(decode(content, str(path)), str(path)).status
                if status == "final":  # never save a changed final letter as final
                    raise HistoryError(
                        f"{path}: the letter was final and has changed, so it must go back to "
                        "draft, but its status line could not be found; set status: draft and save again"
                    )
                digest = hashlib.sha256(content).hexdigest()
                write_atomic(path, content)
            event = "status" if latest and latest.status != status else "save"
            fields: dict[str, Any] = {
                "number": (latest.number if latest else 0) + 1,
                "event": event,
                "status": status,
                "role": role,
                "name": name,
                "note": note,
                "time": time or _now(),
                "content_sha256": digest,
                "parent": latest.hash if latest else None,
            }
            fields["hash"] = _record_hash(fields)
            draft = Draft(**fields)
            stem = folder / f"{draft.number:04d}"
            write_atomic(stem.with_suffix(".yaml"), content, replace=False)
            write_atomic(
                stem.with_suffix(".json"), json.dumps(fields, indent=2, sort_keys=True) + "\n", replace=False
            )
    except Timeout:
        raise HistoryError(f"{folder}: another save is in progress; try again in a moment") from None
    what = f"status {latest.status} → {status}" if latest and event == "status" else "saved"
    if latest and event == "status" and latest.status == "final":
        what += (
            ": the letter was final, so this change starts a new draft (status set back to draft in the file)"
        )
    return SaveResult(draft, True, f"Draft {draft.number} ({draft.short}) {what}.")


def verify(letter: str | os.PathLike[str]) -> list[str]:
    """Check every draft and record against the chain; returns one line per problem."""
    folder = history_dir(letter)
    if not folder.is_dir():
        return [f"{letter}: has no saved drafts"]
    problems: list[str] = []
    parent: str | None = None
    expected = 1
    for record in sorted(folder.glob("[0-9][0-9][0-9][0-9]*.json")):
        try:
            draft = _read_record(record)
        except HistoryError as error:
            problems.append(str(error))
            parent = None
            expected += 1
            continue
        label = f"draft {draft.number}"
        if draft.number != expected or record.stem != f"{draft.number:04d}":
            problems.append(f"{record}: {label}: out of sequence (expected draft {expected})")
        if _record_hash(draft.to_json()) != draft.hash:
            problems.append(f"{record}: {label}: the record was edited (its hash does not match)")
        if draft.parent != parent:
            problems.append(
                f"{record}: {label}: the chain is broken (its parent is not draft {expected - 1})"
            )
        try:
            content = (folder / f"{draft.number:04d}.yaml").read_bytes()
            if hashlib.sha256(content).hexdigest() != draft.content_sha256:
                problems.append(
                    f"{folder / f'{draft.number:04d}.yaml'}: {label}: the letter was changed after it was saved"
                )
        except OSError:
            problems.append(f"{folder / f'{draft.number:04d}.yaml'}: {label}: the saved letter is missing")
        parent = draft.hash
        expected = draft.number + 1
    stray = {p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]*.yaml")} - {
        p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]*.json")
    }
    problems.extend(f"{folder / (s + '.yaml')}: a saved letter with no record" for s in sorted(stray))
    return problems


# --------------------------------------------------------------------------- revisions

_REV = re.compile(r"^(?P<file>.+)@(?P<rev>[^@/\\]+)$")


@dataclass(frozen=True)
class Revision:
    """A letter file, or one saved draft of it (``FILE@N``, ``FILE@latest``, ``FILE@abc123``)."""

    file: str
    draft: Draft | None

    @property
    def label(self) -> str:
        return f"{self.file}@{self.draft.number}" if self.draft else self.file

    def content(self) -> bytes:
        if self.draft is None:
            from letterkit.model.loading import read_letter_bytes

            return read_letter_bytes(self.file)  # bounded: no device, FIFO or huge file
        return draft_content(self.file, self.draft)


def resolve(spec: str) -> Revision:
    """Parse ``FILE``, ``FILE@N``, ``FILE@latest`` or ``FILE@<hash prefix>``."""
    match = _REV.match(spec)
    if not match or Path(spec).exists():
        return Revision(spec, None)
    file, rev = match.group("file"), match.group("rev")
    history = drafts(file)
    if not history:
        raise HistoryError(f"{file}: has no saved drafts, so {spec!r} does not exist; save a draft first")
    if rev == "latest":
        return Revision(file, history[-1])
    if rev.isdigit() and len(rev) < 5:
        number = int(rev)
        if not 1 <= number <= len(history):
            raise HistoryError(f"{file}: there is no draft {number}; drafts run from 1 to {len(history)}")
        return Revision(file, history[number - 1])
    found = [d for d in history if d.hash.startswith(rev.lower())]
    if len(found) == 1:
        return Revision(file, found[0])
    if found:
        raise HistoryError(f"{file}: {rev!r} matches several drafts; give more of the hash")
    raise HistoryError(f"{file}: no draft has a hash starting {rev!r} (the draft log lists them)")
