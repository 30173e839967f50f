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
import hmac
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from letterkit.errors import (
    HistoryError,
    HistoryKeyError,
    LetterFileError,
    LetterkitError,
    LetterNotFoundError,
    NoSuchDraftError,
    UnknownRoleError,
)
from letterkit.files import ensure_dir, read_bytes, write_atomic
from letterkit.keys import HISTORY_KEY, config_dir, load_key, read_key
from letterkit.model.fields import ROLES as ROLES  # who writes a draft, from the field table
from letterkit.model.loading import decode, load_text, read_letter_bytes

log = logging.getLogger(__name__)

STATUSES: tuple[str, ...] = ("draft", "agreed", "final")
EVENTS: tuple[str, ...] = ("save", "status")
SHORT = 8
LOCK_TIMEOUT = 30.0
KEY_FILE = HISTORY_KEY
"""The keyed chain's key, in letterkit's configuration folder (beside the pseudonym key)."""
MAX_RECORD = 64 * 1024

FORMAT_TEXT = __doc__ or ""

_RECORD_NAME = re.compile(r"(\d{4,6})\.json")
_LETTER_NAME = re.compile(r"(\d{4,6})\.yaml")
_PENDING_NAME = re.compile(r"\.(\d{4,6})\.pending\.json")
_SET_ASIDE_NAME = re.compile(r"(\d{4,6})\.(?:yaml|json)\.interrupted-[0-9A-Z-]+")
_REQUIRED = ("number", "event", "status", "role", "name", "note", "time", "content_sha256", "parent", "hash")
_OPTIONAL = ("key_id", "mac", "head")
HEAD_FILE = "HEAD.json"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")


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
    key_id: str | None = None
    mac: str | None = None
    head: bool | None = None
    """True on records written since the history keeps ``HEAD.json`` (None on older ones)."""

    @property
    def short(self) -> str:
        return self.hash[:SHORT]

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromisoformat(self.time).date()

    def to_json(self) -> dict[str, Any]:
        """The record exactly as stored (the key fields only in a keyed history)."""
        fields = asdict(self)
        for key in _OPTIONAL:
            if fields[key] is None:
                del fields[key]
        return fields


@dataclass(frozen=True)
class SaveResult:
    draft: Draft
    saved: bool
    message: str
    notices: tuple[str, ...] = ()
    """What the save found and repaired first (an interrupted earlier save), one line each."""


@dataclass(frozen=True)
class HistoryCheck:
    """A history checked: its readable drafts, what is wrong, what is worth knowing, and
    whether its key signatures were checked (``keyed``: no, checked or unchecked)."""

    drafts: tuple[Draft, ...]
    problems: tuple[str, ...]
    notices: tuple[str, ...]
    keyed: Literal["no", "checked", "unchecked"]


def history_dir(letter: str | os.PathLike[str]) -> Path:
    path = Path(letter)
    return path.with_name(path.name + ".drafts")


def _canonical(fields: dict[str, Any], leave_out: tuple[str, ...]) -> bytes:
    body = {k: v for k, v in fields.items() if k not in leave_out}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _record_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(fields, ("hash",))).hexdigest()


def _record_mac(key: bytes, fields: dict[str, Any]) -> str:
    return hmac.new(key, _canonical(fields, ("hash", "mac")), hashlib.sha256).hexdigest()


def _key_id(key: bytes) -> str:
    return hmac.new(key, b"letterkit history key id", hashlib.sha256).hexdigest()[:16]


def key_path() -> Path:
    """Where the keyed chain's key is kept (``$LETTERKIT_CONFIG_DIR/history.key``)."""
    return config_dir() / KEY_FILE


def _history_key() -> bytes | None:
    return read_key(KEY_FILE)


def _record_text(draft: Draft) -> str:
    return json.dumps(draft.to_json(), indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- reading records


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _names(keys: list[str]) -> str:
    quoted = [f'"{k}"' for k in keys]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _record_from(fields: Any, number: int) -> Draft:
    """A record's fields as a Draft, checking every type; ValueError says what is wrong."""
    if not isinstance(fields, dict):
        raise ValueError(f"it should hold named fields, not {_shown(fields)}")
    missing = [k for k in _REQUIRED if k not in fields]
    if missing:
        raise ValueError(f"it has no {_names(missing)}")
    extra = sorted(str(k) for k in fields if k not in _REQUIRED + _OPTIONAL)
    if extra:
        raise ValueError(
            f"it has {'a field' if len(extra) == 1 else 'fields'} letterkit does not know: {_names(extra)}"
        )
    value = fields["number"]
    if type(value) is not int or value < 1:
        raise ValueError(f'"number" should be a whole number from 1 up, not {_shown(value)}')
    if value != number:
        raise ValueError(f'"number" says draft {value}, but the file is named for draft {number}')
    for key in ("event", "status", "role", "name", "note", "time", "content_sha256", "hash"):
        if not isinstance(fields[key], str):
            raise ValueError(f'"{key}" should be text, not {_shown(fields[key])}')
    for key, allowed in (("event", EVENTS), ("status", STATUSES), ("role", ROLES)):
        if fields[key] not in allowed:
            raise ValueError(f'"{key}" should be {" or ".join(allowed)}, not {_shown(fields[key])}')
    try:
        dt.datetime.fromisoformat(fields["time"])
    except ValueError:
        raise ValueError(
            f'"time" should be a date and time such as 2026-05-04T10:30:00+00:00, not {_shown(fields["time"])}'
        ) from None
    for key in ("content_sha256", "hash"):
        if not _HEX64.fullmatch(fields[key]):
            raise ValueError(f'"{key}" should be 64 hexadecimal digits, not {_shown(fields[key])}')
    parent = fields["parent"]
    if parent is not None and not (isinstance(parent, str) and _HEX64.fullmatch(parent)):
        raise ValueError(f'"parent" should be 64 hexadecimal digits or null, not {_shown(parent)}')
    if ("key_id" in fields) != ("mac" in fields):
        raise ValueError('"key_id" and "mac" come together, and one of them is missing')
    if "mac" in fields:
        key_id, mac = fields["key_id"], fields["mac"]
        if not (isinstance(key_id, str) and _HEX16.fullmatch(key_id)):
            raise ValueError(f'"key_id" should be 16 hexadecimal digits, not {_shown(key_id)}')
        if not (isinstance(mac, str) and _HEX64.fullmatch(mac)):
            raise ValueError(f'"mac" should be 64 hexadecimal digits, not {_shown(mac)}')
    if "head" in fields and fields["head"] is not True:
        raise ValueError(f'"head" should be true, not {_shown(fields["head"])}')
    return Draft(**fields)


def _read_record(path: Path, number: int) -> Draft:
    """One record, every field's type checked; a HistoryError naming the file if it is damaged."""
    try:
        raw = read_bytes(path, what="draft record", max_bytes=MAX_RECORD)
    except OSError as error:
        raise HistoryError(
            f"{path}: this draft record cannot be read ({error.strerror or error}); "
            "restore it from a backup of the history folder"
        ) from None
    try:
        fields = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged(path, "it is not valid JSON") from None
    try:
        return _record_from(fields, number)
    except ValueError as error:
        raise _damaged(path, str(error)) from None


def _damaged(path: Path, detail: str) -> HistoryError:
    return HistoryError(
        f"{path}: this draft record is damaged ({detail}); restore it from a backup of the history folder"
    )


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(folder))
    except OSError as error:
        raise HistoryError(
            f"{folder}: the history folder cannot be read ({error.strerror or error})"
        ) from None


def _numbered(names: list[str], pattern: re.Pattern[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            found[int(match.group(1))] = name
    return found


def drafts(letter: str | os.PathLike[str]) -> list[Draft]:
    """Every saved draft of a letter, by number (empty if it has no history).

    Only exact ``NNNN.json`` names are records; a damaged record raises HistoryError naming it.
    """
    folder = history_dir(letter)
    if not folder.is_dir():
        return []
    records = _numbered(_entries(folder), _RECORD_NAME)
    return [_read_record(folder / name, number) for number, name in sorted(records.items())]


def draft_content(letter: str | os.PathLike[str], draft: Draft) -> bytes:
    """A saved draft's letter, checked against its own record (and key, if kept with one)."""
    folder = history_dir(letter)
    path = folder / f"{draft.number:04d}.yaml"
    record = folder / f"{draft.number:04d}.json"
    try:
        content = read_bytes(path, what="saved draft")
    except FileNotFoundError:
        raise HistoryError(
            f"{path}: draft {draft.number} is missing: its saved letter is not in the history "
            "(deleted or moved?); restore it from a backup of the history folder"
        ) from None
    except OSError as error:
        raise HistoryError(
            f"{path}: draft {draft.number} cannot be read ({error.strerror or error}); "
            "restore it from a backup of the history folder"
        ) from None
    if _record_hash(draft.to_json()) != draft.hash:
        raise HistoryError(
            f"{record}: draft {draft.number}'s record was changed after it was saved (its hash does "
            "not match), so the draft cannot be trusted; restore it from a backup of the history folder"
        )
    if hashlib.sha256(content).hexdigest() != draft.content_sha256:
        raise HistoryError(
            f"{path}: draft {draft.number} was changed after it was saved (it no longer matches its "
            "record), so it cannot be trusted; restore it from a backup of the history folder"
        )
    if draft.mac is None:
        head = _valid_head(folder)
        if head is not None and head.keyed_from is not None and draft.number >= head.keyed_from:
            raise HistoryError(
                f"{record}: draft {draft.number}'s record has no key signature, though the history is kept "
                f"with a key from draft {head.keyed_from}: it was rewritten without the key, so it cannot "
                "be trusted; restore it from a backup"
            )
    else:
        key = _history_key()
        if key is not None and _key_id(key) == draft.key_id and not _mac_ok(key, draft):
            raise HistoryError(
                f"{record}: draft {draft.number}'s record was rewritten without the history key (its key "
                "signature does not match), so it cannot be trusted; restore it from a backup"
            )
    return content


# --------------------------------------------------------------------------- the head


@dataclass(frozen=True)
class Head:
    """``HEAD.json``: the latest draft's number and hash, signed in a keyed history."""

    number: int
    hash: str | None
    keyed_from: int | None = None
    key_id: str | None = None
    mac: str | None = None

    def fields(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None or k == "hash"}


_HEAD_DOMAIN = b"letterkit history head\n"


def _head_mac(key: bytes, head: Head) -> str:
    body = _HEAD_DOMAIN + _canonical(head.fields(), ("mac",))
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _head_from(fields: Any) -> Head:
    """HEAD.json's fields as a Head, every type checked; ValueError says what is wrong."""
    if not isinstance(fields, dict):
        raise ValueError(f"it should hold named fields, not {_shown(fields)}")
    known = ("number", "hash", "keyed_from", "key_id", "mac")
    extra = sorted(str(k) for k in fields if k not in known)
    if extra:
        raise ValueError(f"it has fields letterkit does not know: {_names(extra)}")
    missing = [k for k in ("number", "hash") if k not in fields]
    if missing:
        raise ValueError(f"it has no {_names(missing)}")
    number, digest = fields["number"], fields["hash"]
    if type(number) is not int or number < 0:
        raise ValueError(f'"number" should be a whole number from 0 up, not {_shown(number)}')
    if (number == 0) != (digest is None) or not (digest is None or _HEX64.fullmatch(str(digest))):
        raise ValueError(f'"hash" should be 64 hexadecimal digits (null for no drafts), not {_shown(digest)}')
    keyed = [k for k in ("keyed_from", "key_id", "mac") if k in fields]
    if keyed and len(keyed) != 3:
        raise ValueError('"keyed_from", "key_id" and "mac" come together, and one of them is missing')
    if keyed:
        if type(fields["keyed_from"]) is not int or fields["keyed_from"] < 1:
            raise ValueError(
                f'"keyed_from" should be a whole number from 1 up, not {_shown(fields["keyed_from"])}'
            )
        if not (isinstance(fields["key_id"], str) and _HEX16.fullmatch(fields["key_id"])):
            raise ValueError(f'"key_id" should be 16 hexadecimal digits, not {_shown(fields["key_id"])}')
        if not (isinstance(fields["mac"], str) and _HEX64.fullmatch(fields["mac"])):
            raise ValueError(f'"mac" should be 64 hexadecimal digits, not {_shown(fields["mac"])}')
    return Head(**fields)


def read_head(letter: str | os.PathLike[str]) -> Head | None:
    """The history's head (None if it has none: no history, or one from before heads)."""
    path = history_dir(letter) / HEAD_FILE
    try:
        raw = read_bytes(path, what="history head", max_bytes=MAX_RECORD)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise HistoryError(
            f"{path}: the history's head cannot be read ({error.strerror or error}); "
            "restore it from a backup of the history folder"
        ) from None
    try:
        return _head_from(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        detail = (
            str(error)
            if isinstance(error, ValueError)
            and not isinstance(error, (UnicodeDecodeError, json.JSONDecodeError))
            else "it is not valid JSON"
        )
        raise HistoryError(
            f"{path}: the history's head is damaged ({detail}); restore it from a backup of the history folder"
        ) from None


def _write_head(folder: Path, latest: Draft | None, key: bytes | None, keyed_from: int | None) -> None:
    head = Head(latest.number if latest else 0, latest.hash if latest else None)
    if key is not None and keyed_from is not None:
        head = Head(head.number, head.hash, keyed_from, _key_id(key))
        head = Head(head.number, head.hash, keyed_from, head.key_id, _head_mac(key, head))
    write_atomic(folder / HEAD_FILE, json.dumps(head.fields(), indent=2, sort_keys=True) + "\n")


def _head_check(
    folder: Path, head: Head | None, records: dict[int, Draft], top: int, key: bytes | None
) -> tuple[list[str], list[str]]:
    """What the head says about the records: (problems, notices).

    ``records`` are the readable ones, ``top`` the highest record number in the folder.
    """
    path = folder / HEAD_FILE
    problems: list[str] = []
    notices: list[str] = []
    marked = [n for n, d in sorted(records.items()) if d.head]
    if head is None:
        if marked:
            problems.append(
                f"{path}: the history's head is missing (deleted?), though the drafts from draft "
                f"{marked[0]} on say the history keeps one, so the newest drafts may have been deleted "
                "with it; restore the history folder from a backup"
            )
        elif records:
            notices.append(
                f"{path}: this history was kept by an earlier letterkit and has no head yet, so deleted "
                "newest drafts would go unnoticed; the next save adds it"
            )
        return problems, notices
    if head.number > top:
        gone = f"draft {head.number}" if head.number == top + 1 else f"drafts {top + 1} to {head.number}"
        problems.append(
            f"{path}: the head names draft {head.number} ({(head.hash or '')[:SHORT]}) as the latest, but "
            f"{gone} {'is' if head.number == top + 1 else 'are'} not in the history: deleted; restore "
            f"{'it' if head.number == top + 1 else 'them'} from a backup of the history folder"
        )
    elif head.number < top:
        newest = records.get(top)
        interrupted = head.number == top - 1 and newest is not None and newest.parent == head.hash
        if interrupted:
            notices.append(
                f"{path}: a save of draft {top} was interrupted before the head was updated; "
                "the next save updates it"
            )
        else:
            problems.append(
                f"{path}: the head names draft {head.number} as the latest, but the drafts go to {top}: "
                "the head was put back from an older copy, or drafts were added without letterkit"
            )
    else:
        latest = records.get(top)
        if latest is not None and latest.hash != head.hash:
            problems.append(
                f"{path}: the head names draft {top} with the hash {(head.hash or '')[:SHORT]}, but that "
                f"draft's record has {latest.short}: the record (or the head) was rewritten"
            )
    signed = [n for n, d in sorted(records.items()) if d.mac is not None]
    if head.mac is None:
        if signed and head.number >= signed[0]:
            problems.append(
                f"{path}: the head has no key signature, though the history is kept with a key from "
                f"draft {signed[0]}: it was rewritten without the key"
            )
        return problems, notices
    assert head.keyed_from is not None
    unsigned = [n for n, d in sorted(records.items()) if n >= head.keyed_from and d.mac is None]
    if unsigned and (not signed or unsigned[0] < signed[0]):
        which = f"draft {unsigned[0]}" if len(unsigned) == 1 else f"drafts {unsigned[0]} to {unsigned[-1]}"
        problems.append(
            f"{folder}: {which} {'has' if len(unsigned) == 1 else 'have'} no key signature, though the "
            f"head says the history is kept with a key from draft {head.keyed_from}: "
            f"{'it was' if len(unsigned) == 1 else 'they were'} rewritten without the key"
        )
    if (
        key is not None
        and head.key_id == _key_id(key)
        and not hmac.compare_digest(_head_mac(key, head), head.mac)
    ):
        problems.append(
            f"{path}: the head was rewritten without the history key (its key signature does not match)"
        )
    return problems, notices


def _valid_head(folder: Path) -> Head | None:
    """The head if it can be read (``verify`` reports a damaged one)."""
    try:
        return read_head(folder.with_name(folder.name.removesuffix(".drafts")))
    except HistoryError:
        return None


def _mac_ok(key: bytes, draft: Draft) -> bool:
    return draft.mac is not None and hmac.compare_digest(_record_mac(key, draft.to_json()), draft.mac)


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


# --------------------------------------------------------------------------- interrupted saves


@dataclass(frozen=True)
class _Interrupted:
    """What an interrupted save left for draft ``number``, and what the next save does with it."""

    number: int
    letter: Path | None
    pending: Path | None
    completes: Draft | None
    why: str


def _valid_letter(content: bytes, label: str) -> bool:
    try:
        load_text(decode(content, label), label)
    except LetterkitError:
        return False
    return True


def _interrupted(folder: Path, names: list[str], history: list[Draft]) -> list[_Interrupted]:
    """Saves that stopped half way: a pending record, or a letter above the latest record.

    Each is completed when its letter is whole, valid and follows on from the draft before;
    otherwise it is set aside. A letter below the latest record is damage, not an interruption.
    """
    recorded = {d.number for d in history}
    top = max(recorded, default=0)
    pending = _numbered(names, _PENDING_NAME)
    letters = {n: name for n, name in _numbered(names, _LETTER_NAME).items() if n > top}
    previous = history[-1] if history else None
    found = []
    for number in sorted(set(pending) | set(letters)):
        letter = folder / letters[number] if number in letters else None
        journal = folder / pending[number] if number in pending else None
        if letter is None or number in recorded:
            found.append(_Interrupted(number, letter, journal, None, ""))
            continue
        intended, why = None, "no record of who was saving it was kept"
        if journal is not None:
            try:
                intended = _read_record(journal, number)
            except HistoryError:
                why = "the record it was about to write is damaged"
        if intended is not None:
            try:
                content = read_bytes(letter, what="saved draft")
            except OSError:
                content = b""
            follows = intended.number == (previous.number if previous else 0) + 1 and intended.parent == (
                previous.hash if previous else None
            )
            if not follows:
                why, intended = "it does not follow on from the latest draft", None
            elif _record_hash(intended.to_json()) != intended.hash:
                why, intended = "the record it was about to write is damaged", None
            elif hashlib.sha256(content).hexdigest() != intended.content_sha256:
                why, intended = "its letter was not written in full", None
            elif not _valid_letter(content, str(letter)):
                why, intended = "its letter is not a valid letter", None
        found.append(_Interrupted(number, letter, journal, intended, why))
        if intended is not None:
            previous = intended
    return found


def _set_aside(path: Path, base: str, stamp: str) -> Path:
    """Rename ``path`` to ``<base>.interrupted-<time>``, never replacing anything."""
    for attempt in range(1, 100):
        aside = path.with_name(f"{base}.interrupted-{stamp}" + (f"-{attempt}" if attempt > 1 else ""))
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        os.unlink(path)
        return aside
    raise HistoryError(f"{path}: cannot be set aside (too many earlier copies); move it out of the folder")


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def recover(letter: str | os.PathLike[str]) -> list[str]:
    """Finish or set aside what interrupted saves left, and remove their temporary files.

    Call only while holding the history's lock (``save`` does). Returns one line per draft
    completed or set aside; nothing already saved is ever removed.
    """
    folder = history_dir(letter)
    names = _entries(folder)
    for name in names:
        if name.startswith(".") and name.endswith(".tmp"):
            _discard(folder / name)
            log.info("%s: removed a temporary file left by an interrupted save", folder / name)
    notices = []
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        for item in _interrupted(folder, names, drafts(letter)):
            if item.letter is None:  # nothing of the draft was written, or its record was
                if item.pending is not None:
                    _discard(item.pending)
                continue
            if item.completes is not None:
                record = folder / f"{item.number:04d}.json"
                write_atomic(record, _record_text(item.completes), replace=False)
                if item.pending is not None:
                    _discard(item.pending)
                notices.append(
                    f"{record}: a save of draft {item.number} ({item.completes.short}) had been interrupted; "
                    "it is now complete"
                )
                continue
            aside = _set_aside(item.letter, f"{item.number:04d}.yaml", stamp)
            if item.pending is not None:
                _set_aside(item.pending, f"{item.number:04d}.json", stamp)
            notices.append(
                f"{aside}: an interrupted save left draft {item.number}'s letter without a record "
                f"({item.why}), so it was set aside and is not part of the history; compare it with "
                "the letter file, save again if anything is missing, then delete it"
            )
    except OSError as error:
        raise HistoryError(
            f"{folder}: an interrupted save could not be repaired ({error.strerror or error}); "
            "check that the folder can be written to"
        ) from None
    return notices


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


# --------------------------------------------------------------------------- verify


def verify(letter: str | os.PathLike[str]) -> list[str]:
    """Check every draft and record against the chain; returns one line per problem."""
    return list(check_history(letter).problems)


def check_history(letter: str | os.PathLike[str]) -> HistoryCheck:
    """Check the whole history: every record's fields, hash and place in the chain, every
    draft's letter, the key signatures when the key is here, and any file that does not belong.

    Reads only; what an interrupted save left is reported as a notice (the next save repairs it).
    """
    folder = history_dir(letter)
    if not folder.is_dir():
        return HistoryCheck((), (f"{letter}: has no saved drafts",), (), "no")
    names = _entries(folder)
    problems: list[str] = []
    notices: list[str] = []
    records = _numbered(names, _RECORD_NAME)
    letters = _numbered(names, _LETTER_NAME)
    readable: dict[int, Draft] = {}
    for number, name in sorted(records.items()):
        try:
            readable[number] = _read_record(folder / name, number)
        except HistoryError as error:
            problems.append(str(error))
    top = max(records, default=0)
    for number in range(1, top + 1):
        if number in records:
            continue
        if number in letters:
            problems.append(
                f"{folder / letters[number]}: a saved letter with no record: draft {number}'s record "
                f"{number:04d}.json is missing (deleted or moved?); restore it from a backup"
            )
        else:
            problems.append(
                f"{folder / f'{number:04d}.json'}: draft {number} is missing: neither its letter nor its "
                "record is in the history (deleted or moved?); restore them from a backup"
            )
    key = _history_key()
    head: Head | None = None
    try:
        head = read_head(letter)
    except HistoryError as error:
        problems.append(str(error))
    else:
        found, noted = _head_check(folder, head, readable, top, key)
        problems += found
        notices += noted
    keyed_from: int | None = None
    key_ids: set[str] = set()
    previous: Draft | None = None
    for number, draft in sorted(readable.items()):
        record = folder / records[number]
        label = f"draft {number}"
        if _record_hash(draft.to_json()) != draft.hash:
            problems.append(f"{record}: {label}: the record was edited (its hash does not match)")
        if number == 1 and draft.parent is not None:
            problems.append(f"{record}: {label}: the chain is broken (the first draft has a parent)")
        elif (
            number > 1
            and previous is not None
            and previous.number == number - 1
            and draft.parent != previous.hash
        ):
            problems.append(
                f"{record}: {label}: the chain is broken (it does not follow on from draft {number - 1})"
            )
        saved = folder / f"{number:04d}.yaml"
        try:
            content = read_bytes(saved, what="saved draft")
            if hashlib.sha256(content).hexdigest() != draft.content_sha256:
                problems.append(f"{saved}: {label}: the letter was changed after it was saved")
        except FileNotFoundError:
            problems.append(f"{saved}: {label}: the saved letter is missing")
        except OSError as error:
            problems.append(f"{saved}: {label}: the saved letter cannot be read ({error.strerror or error})")
        if draft.mac is None:
            if keyed_from is not None:
                problems.append(
                    f"{record}: {label}: has no key signature, though the history is kept with a key "
                    f"from draft {keyed_from}: it was added or rewritten without the key"
                )
        else:
            keyed_from = keyed_from or number
            key_ids.add(draft.key_id or "")
            if key is not None and draft.key_id == _key_id(key) and not _mac_ok(key, draft):
                problems.append(
                    f"{record}: {label}: the record was rewritten without the history key "
                    "(its key signature does not match)"
                )
        previous = draft
    if head is not None and head.keyed_from is not None:
        keyed_from = min(keyed_from or head.keyed_from, head.keyed_from)
        key_ids.add(head.key_id or "")
    keyed: Literal["no", "checked", "unchecked"] = "no"
    if keyed_from is not None:
        keyed = "checked"
        if len(key_ids) > 1:
            problems.append(
                f"{folder}: the drafts are signed with different keys: some were rewritten without the history key"
            )
        if key is None:
            keyed = "unchecked"
            notices.append(
                f"{folder}: this history is kept with a key (from draft {keyed_from}), and the key is not "
                f"on this computer ({key_path()}), so the key signatures were not checked; check it where "
                "the key is (or set LETTERKIT_CONFIG_DIR to the folder that holds it)"
            )
        elif _key_id(key) not in key_ids:
            problems.append(
                f"{folder}: the drafts are signed with a key that is not yours ({key_path()}): either the "
                "history was rewritten without the key, or it was kept with another key; check it with "
                "the key it was kept with"
            )
    for item in _interrupted(folder, names, [readable[n] for n in sorted(readable)]):
        journal = f" (the record it was writing waits in {item.pending.name})" if item.pending else ""
        if item.letter is None and item.pending is not None:
            notices.append(
                f"{item.pending}: left by a save of draft {item.number} that "
                + ("had finished" if item.number in records else "was interrupted before it wrote anything")
                + "; the next save removes it"
            )
        elif item.letter is None:
            continue
        elif item.completes is not None:
            notices.append(
                f"{item.letter}: a save of draft {item.number} was interrupted before its record was "
                f"written{journal}; the next save completes it"
            )
        elif item.pending is not None:
            notices.append(
                f"{item.letter}: a save of draft {item.number} was interrupted ({item.why}){journal}; "
                "the next save sets it aside"
            )
        else:
            problems.append(
                f"{item.letter}: a saved letter with no record ({item.why}: was its record deleted?); "
                "the next save sets it aside"
            )
    known = {"FORMAT.txt", ".lock", HEAD_FILE}
    for name in names:
        path = folder / name
        if name in known or _RECORD_NAME.fullmatch(name) or _LETTER_NAME.fullmatch(name):
            continue
        if _PENDING_NAME.fullmatch(name):
            continue  # reported above
        if _SET_ASIDE_NAME.fullmatch(name):
            notices.append(
                f"{path}: set aside after an interrupted save; it is not part of the history: compare "
                "it with the letter file, save again if anything is missing, then delete it"
            )
        elif name.startswith("."):
            if name.endswith(".tmp"):
                notices.append(
                    f"{path}: a temporary file left by an interrupted save; the next save removes it"
                )
        else:
            problems.append(
                f"{path}: is not one of the history's files (a copy made by a file-sync tool?), so it is "
                "not read; compare it with the draft of the same number, then move it out of this folder"
            )
    return HistoryCheck(tuple(readable[n] for n in sorted(readable)), tuple(problems), tuple(notices), keyed)


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
        raise NoSuchDraftError(f"{file}: has no saved drafts, so {spec!r} does not exist; save a draft first")
    if rev == "latest":
        return Revision(file, history[-1])
    if rev.isdigit() and len(rev) < 5:
        number = int(rev)
        found_number = [d for d in history if d.number == number]
        if found_number:
            return Revision(file, found_number[0])
        if 1 <= number < history[-1].number:
            raise HistoryError(
                f"{file}: draft {number} is missing from the history (its record {number:04d}.json is not "
                "there: deleted or moved?); restore it from a backup, or name another draft"
            )
        raise NoSuchDraftError(
            f"{file}: there is no draft {number}; drafts run from 1 to {history[-1].number}"
        )
    found = [d for d in history if d.hash.startswith(rev.lower())]
    if len(found) == 1:
        return Revision(file, found[0])
    if found:
        raise HistoryError(f"{file}: {rev!r} matches several drafts; give more of the hash")
    raise NoSuchDraftError(f"{file}: no draft has a hash starting {rev!r} (the draft log lists them)")
