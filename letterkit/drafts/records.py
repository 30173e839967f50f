"""A draft history's records: their fields, the hash chain and key signatures, reading them.

The folder's format is described in ``letterkit.drafts.store`` (and its ``FORMAT.txt``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from letterkit.errors import HistoryError
from letterkit.files import read_bytes
from letterkit.keys import HISTORY_KEY, config_dir, read_key
from letterkit.model.fields import ROLES  # who writes a draft, from the field table

STATUSES: tuple[str, ...] = ("draft", "agreed", "final")
EVENTS: tuple[str, ...] = ("save", "status")
SHORT = 8
LOCK_TIMEOUT = 30.0
KEY_FILE = HISTORY_KEY
"""The keyed chain's key, in letterkit's configuration folder (beside the pseudonym key)."""
MAX_RECORD = 64 * 1024

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
