"""Reading a saved draft back and verifying a whole history; naming a revision (``FILE@N``)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from letterkit.drafts.head import Head, _head_check, _mac_ok, _valid_head, read_head
from letterkit.drafts.records import (
    _LETTER_NAME,
    _PENDING_NAME,
    _RECORD_NAME,
    _SET_ASIDE_NAME,
    HEAD_FILE,
    Draft,
    HistoryCheck,
    _entries,
    _history_key,
    _key_id,
    _numbered,
    _read_record,
    _record_hash,
    drafts,
    history_dir,
    key_path,
)
from letterkit.drafts.recovery import _interrupted
from letterkit.errors import HistoryError, NoSuchDraftError
from letterkit.files import read_bytes
from letterkit.model.loading import read_letter_bytes


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
    # The decisions on suggestions and the sign-offs kept beside the drafts: loaded here, for
    # a check, and by the workflows that keep them, never on the way to a letter's text.
    from letterkit.drafts import attestations, decisions

    problems += decisions.check(letter)
    problems += attestations.check(letter, [readable[n] for n in sorted(readable)])
    known = {"FORMAT.txt", ".lock", HEAD_FILE, decisions.DECISIONS_DIR, attestations.ATTESTATIONS_DIR}
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
    return resolve_in(spec, lambda name: Path(name).exists(), drafts)


def resolve_in(
    spec: str, exists: Callable[[str], bool], history_of: Callable[[str], list[Draft]]
) -> Revision:
    """``resolve`` over any store: ``exists(name)`` and ``history_of(name)`` are the store's."""
    match = _REV.match(spec)
    if not match or exists(spec):
        return Revision(spec, None)
    file, rev = match.group("file"), match.group("rev")
    history = history_of(file)
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
