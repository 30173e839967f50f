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

Only these exact names are drafts: a copy such as ``0001 (conflicted copy).json`` made by a
file-sync tool is never read as one (``letterkit draft verify`` lists it). Drafts are known by
their number: if draft 2 is lost, draft 3 is still draft 3.

A record is JSON with sorted keys: ``number``, ``event`` (``save`` or ``status``),
``status`` (the letter's status), ``role`` (therapist, patient, joint, supervisor), ``name``,
``note``, ``time`` (UTC, ISO 8601), ``content_sha256`` (of the .yaml file's bytes), ``parent``
(the previous record's ``hash``, null for draft 1) and ``hash``: the SHA-256 of the record's
other fields as compact sorted JSON. Changing one byte of any draft or record breaks the chain,
and ``letterkit draft verify`` names the draft. Files are created once and never rewritten.

A history kept with a key (``letterkit draft save --keyed``) adds two fields to every record
from then on: ``key_id`` (the first 16 hex digits of HMAC-SHA256(key, "letterkit history key
id")) and ``mac``: HMAC-SHA256, under a secret key kept outside this folder, of the record's
fields other than ``hash`` and ``mac`` as compact sorted JSON (``hash`` then covers ``mac`` too).
Anyone can recompute a hash; only someone with the key can make a ``mac``, so a history
rewritten without the key no longer verifies. Once a history is kept with a key, every later
record must carry a ``mac``: a record without one is a rewrite.

``HEAD.json`` names the latest draft: ``number`` and ``hash`` (0 and null before the first
draft), rewritten atomically after each save (and before it, so that it exists before the
first record that relies on it). Records written since the history has a head carry
``"head": true``, so a history whose records say so and which has no ``HEAD.json`` has lost it.
A head naming a draft that is not there means drafts were deleted. In a keyed history the head
also holds ``keyed_from`` (the first keyed draft), ``key_id`` and ``mac``: HMAC-SHA256, under
the history key, of "letterkit history head" and a newline followed by the head's other fields
as compact sorted JSON. A history from before heads (no ``HEAD.json``, no record with
``"head"``) is read as it is and gets its head at its next save.

A save writes ``.NNNN.pending.json`` (the record it is about to add), then ``NNNN.yaml``, then
``NNNN.json``, then removes the pending file. If a save is interrupted (a crash, a power cut),
the next save finishes it from the pending record when the letter is complete and follows on
from the latest draft; anything else is set aside as ``NNNN.yaml.interrupted-<time>`` (never
deleted) and listed by ``letterkit draft verify``. Temporary files (``.NNNN.yaml.….tmp``) left
by an interrupted save are removed by the next save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from letterkit.drafts.checking import Revision, check_history, draft_content, resolve, resolve_in, verify
from letterkit.drafts.head import Head, _head_check, _write_head, read_head
from letterkit.drafts.records import (
    EVENTS,
    HEAD_FILE,
    KEY_FILE,
    LOCK_TIMEOUT,
    MAX_RECORD,
    SHORT,
    STATUSES,
    Draft,
    HistoryCheck,
    SaveResult,
    _history_key,
    _key_id,
    _record_hash,
    _record_mac,
    _record_text,
    drafts,
    history_dir,
    key_path,
)
from letterkit.drafts.recovery import _discard, recover
from letterkit.errors import (
    HistoryError,
    HistoryKeyError,
    LetterFileError,
    LetterNotFoundError,
    UnknownRoleError,
)
from letterkit.files import ensure_dir, write_atomic
from letterkit.keys import load_key
from letterkit.model.fields import ROLES  # who writes a draft, from the field table
from letterkit.model.loading import decode, load_text, read_letter_bytes

__all__ = [
    "Draft",
    "EVENTS",
    "FORMAT_TEXT",
    "HEAD_FILE",
    "Head",
    "HistoryCheck",
    "KEY_FILE",
    "LOCK_TIMEOUT",
    "MAX_RECORD",
    "ROLES",
    "Revision",
    "SHORT",
    "STATUSES",
    "SaveResult",
    "check_history",
    "draft_content",
    "drafts",
    "history_dir",
    "key_path",
    "read_head",
    "recover",
    "resolve",
    "resolve_in",
    "save",
    "verify",
]


FORMAT_TEXT = __doc__ or ""


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


# --------------------------------------------------------------------------- saving


def _signing_key(folder: Path, history: list[Draft], head: Head | None, keyed: bool) -> bytes | None:
    """The key for the next record: None for a plain history; created when first asked for."""
    signed = [d.key_id for d in history if d.mac is not None]
    if head is not None and head.key_id is not None:
        signed.append(head.key_id)
    if not signed:
        if not keyed:
            return None
        key = _history_key()
        return key if key is not None else load_key(key_path().parent, KEY_FILE)
    key = _history_key()
    if key is None:
        raise HistoryKeyError(
            f"{folder}: this history is kept with a key, and the key is not on this computer "
            f"({key_path()}), so no draft can be added; copy the key file there (or set "
            "LETTERKIT_CONFIG_DIR to the folder that holds it) and save again"
        )
    if _key_id(key) != signed[-1]:
        raise HistoryKeyError(
            f"{key_path()}: is not the key this history was kept with, so no draft can be added; "
            "use the key it was kept with (set LETTERKIT_CONFIG_DIR to the folder that holds it)"
        )
    return key


def save(
    letter: str | os.PathLike[str],
    role: str,
    name: str = "",
    note: str = "",
    *,
    content: bytes | None = None,
    time: str | None = None,
    keyed: bool = False,
) -> SaveResult:
    """Record the letter file's current content as its next draft.

    Saving content identical to the latest draft records nothing. The letter must be valid.
    ``keyed`` keeps the history with a key from this draft on (see the module's notes); a
    history kept with a key stays so. An earlier save that was interrupted is finished (or
    set aside) first.
    """
    from filelock import FileLock, Timeout

    if role not in ROLES:
        raise UnknownRoleError(str(role), ROLES)
    if time is not None:
        try:
            dt.datetime.fromisoformat(time)
        except ValueError:
            raise HistoryError(f"{time!r} is not a date and time such as 2026-05-04T10:30:00+00:00") from None
    path = Path(letter)
    if content is None:
        try:
            content = read_letter_bytes(path)
        except FileNotFoundError:
            raise LetterNotFoundError(str(path), "no such file — check the name and folder") from None
        except OSError as error:
            raise LetterFileError(str(path), f"cannot be read: {error.strerror or error}") from None
    # Only valid letters enter the history; work in progress may still hold a scaffold's example.
    parsed = load_text(decode(content, str(path)), str(path), allow_placeholders=True)
    folder = ensure_dir(history_dir(path))
    try:
        with FileLock(str(folder / ".lock"), timeout=LOCK_TIMEOUT, mode=0o600):
            notices = tuple(recover(path))
            if not (folder / "FORMAT.txt").exists():
                write_atomic(folder / "FORMAT.txt", FORMAT_TEXT)
            history = drafts(path)
            latest = history[-1] if history else None
            head = _head_before_saving(folder, path, history)
            digest = hashlib.sha256(content).hexdigest()
            if latest and latest.content_sha256 == digest:
                return SaveResult(
                    latest,
                    False,
                    f"No change since draft {latest.number} ({latest.short}); nothing saved.",
                    notices,
                )
            key = _signing_key(folder, history, head, keyed)
            keyed_from = _keyed_from(history, head)
            if key is not None and keyed_from is None:
                keyed_from = (latest.number if latest else 0) + 1
            status = parsed.status
            reopened = bool(latest and latest.status == "final" and status == "final")
            if reopened:
                # A final letter is never edited in place: the change starts a new draft.
                content = _reopen(content)
                status = load_text(decode(content, str(path)), str(path), allow_placeholders=True).status
                if status == "final":  # never save a changed final letter as final
                    raise HistoryError(
                        f"{path}: the letter was final and has changed, so it must go back to "
                        "draft, but its status line could not be found; set status: draft and save again"
                    )
                digest = hashlib.sha256(content).hexdigest()
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
                "head": True,
            }
            if key is not None:
                fields["key_id"] = _key_id(key)
                fields["mac"] = _record_mac(key, fields)
            fields["hash"] = _record_hash(fields)
            draft = Draft(**fields)
            _commit(folder, draft, content, path if reopened else None)
            _write_head(folder, draft, key, keyed_from)
    except Timeout:
        raise HistoryError(f"{folder}: another save is in progress; try again in a moment") from None
    what = f"status {latest.status} → {status}" if latest and event == "status" else "saved"
    if latest and event == "status" and latest.status == "final":
        what += (
            ": the letter was final, so this change starts a new draft (status set back to draft in the file)"
        )
    if key is not None and keyed_from == draft.number:
        what += f", and the history is kept with a key from now on (the key is {key_path()})"
    return SaveResult(draft, True, f"Draft {draft.number} ({draft.short}) {what}.", notices)


def _keyed_from(history: list[Draft], head: Head | None) -> int | None:
    if head is not None and head.keyed_from is not None:
        return head.keyed_from
    return next((d.number for d in history if d.mac is not None), None)


def _head_before_saving(folder: Path, letter: Path, history: list[Draft]) -> Head | None:
    """The head, checked: a save never adds to a history that has lost drafts or been rewritten
    without its key (it would hide it). A history without a head gets one now, naming its latest
    draft, so that it exists before the first record that says so."""
    head = read_head(letter)
    records = {d.number: d for d in history}
    top = max(records, default=0)
    problems, _ = _head_check(folder, head, records, top, _history_key())
    keyed_from = _keyed_from(history, head)
    if keyed_from is not None:
        unsigned = [d.number for d in history if d.number >= keyed_from and d.mac is None]
        if unsigned:
            problems.append(
                f"{folder}: draft {unsigned[0]} has no key signature, though the history is kept with a "
                f"key from draft {keyed_from}: it was rewritten without the key"
            )
    if problems:
        raise HistoryError(
            f"{problems[0]}. Nothing was saved: a new draft would hide it (letterkit draft verify "
            "lists everything that is wrong)"
        )
    latest = history[-1] if history else None
    if head is None or head.number != top:
        key = _history_key() if keyed_from is not None else None
        signed_with = [d.key_id for d in history if d.mac is not None] + [head.key_id if head else None]
        if keyed_from is None or (key is not None and _key_id(key) in signed_with):
            _write_head(folder, latest, key, keyed_from)
            head = read_head(letter)
    return head


def _commit(folder: Path, draft: Draft, content: bytes, rewrite: Path | None) -> None:
    """Write a draft so that a crash at any point can be finished or set aside by ``recover``:
    first the record it will add (pending), then the letter, then the record."""
    stem = f"{draft.number:04d}"
    record = _record_text(draft)
    pending = folder / f".{stem}.pending.json"
    write_atomic(pending, record)
    if rewrite is not None:
        write_atomic(rewrite, content)
    write_atomic(folder / f"{stem}.yaml", content, replace=False)
    write_atomic(folder / f"{stem}.json", record, replace=False)
    _discard(pending)
