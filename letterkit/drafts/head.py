"""A draft history's head (``HEAD.json``): the latest draft's number and hash, signed in a keyed
history, read, written and checked against the records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from letterkit.drafts.records import (
    _HEX16,
    _HEX64,
    HEAD_FILE,
    MAX_RECORD,
    SHORT,
    Draft,
    _canonical,
    _key_id,
    _names,
    _record_mac,
    _shown,
    history_dir,
)
from letterkit.errors import HistoryError
from letterkit.files import read_bytes, write_atomic


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
