"""Supervisor sign-off: a supervisor attests a saved draft, and a letter that needs sign-off
(a trainee's) cannot be made final without one.

The gate is here once: every workflow that writes a letter or saves a draft goes through
``_write`` and ``_append_draft``, which refuse to make such a letter final unless its latest
saved draft is signed off and the letter differs from the draft signed off only by its status.
A sign-off holds while every later draft differs from it only by its status; any other change
saved after it voids it (the record stays, shown as void), and a new sign-off is needed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import letterkit.model.loading as loading
from letterkit.drafts.store import Draft, SaveResult, _reopen
from letterkit.errors import (
    LetterkitError,
    LetterNotFoundError,
    NoSuchDraftError,
    SignOffError,
    SignOffNeededError,
)
from letterkit.store import Store
from letterkit.workspace.base import Base, PathLike
from letterkit.workspace.results import Opened

if TYPE_CHECKING:
    from letterkit.drafts.attestations import Attestation
    from letterkit.workspace.reports import DraftLog, SignOff

NEEDS = "this letter needs a supervisor's sign-off before it can be final"


class SignOffs(Base):
    def sign_off_needed(self, name: PathLike) -> bool:
        """Whether a letter needs a supervisor's sign-off before it can be final: as the
        workspace's ``needs_sign_off`` says, else the ``supervised`` setting."""
        key = os.fspath(name)
        if self.needs_sign_off is not None:
            return bool(self.needs_sign_off(key))
        return self.settings(key).supervised

    def attest(self, name: PathLike, draft: int | None, supervisor: str, note: str = "") -> SignOff:
        """Sign off saved draft ``draft`` (None: the latest) as ``supervisor``, with a note.

        Only the latest saved draft can be signed off: an earlier one is refused, as is a
        draft that does not exist or one this supervisor has signed off already.
        """
        key = os.fspath(name)
        supervisor = " ".join(supervisor.split())
        with self.store.lock(key):
            saved = self.store.drafts(key)
            if not saved:
                if not self.store.exists(key):
                    raise LetterNotFoundError(key, "no such letter — check the name")
                raise SignOffError(f"{key}: has no saved drafts yet; save a draft, then it can be signed off")
            latest = saved[-1]
            number = latest.number if draft is None else draft
            if number not in {d.number for d in saved}:
                raise NoSuchDraftError(
                    f"{key}: there is no draft {number}; drafts run from 1 to {latest.number}"
                )
            if number != latest.number:
                raise SignOffError(
                    f"{key}: draft {number} is not the latest saved draft (draft {latest.number} is); "
                    "only the latest draft can be signed off"
                )
            if not supervisor:
                raise SignOffError(f"{key}: give the supervisor's name to sign off draft {number}")
            for kept in sign_offs(self.store, key, saved):
                if kept.draft == number and kept.supervisor == supervisor and kept.holds:
                    raise SignOffError(f"{key}: draft {number} is signed off already, by {supervisor}")
            record = self.store.append_attestation(
                key, {"draft": number, "draft_hash": latest.hash, "supervisor": supervisor, "note": note}
            )
        return _sign_off(record, "")

    def attestations(self, name: PathLike) -> tuple[SignOff, ...]:
        """Every sign-off of a letter's drafts, oldest first, each with whether it still holds."""
        key = os.fspath(name)
        return tuple(sign_offs(self.store, key, self.store.drafts(key)))

    def draft_log(self, name: PathLike) -> DraftLog:
        """A letter's saved drafts and their sign-offs, as ``letterkit draft log`` lists them."""
        from letterkit.workspace.reports import DraftLog

        key = os.fspath(name)
        saved = self.store.drafts(key)
        if not saved and not self.store.exists(key):
            raise LetterNotFoundError(key, "no such file — check the name and folder")
        return DraftLog(key, tuple(saved), tuple(sign_offs(self.store, key, saved)))

    # ----------------------------------------------------------------- the gate

    def _write(self, key: str, content: bytes, *, create: bool = False) -> None:
        """Write a letter (every workflow writes through here). A letter that needs sign-off is
        never written final unless its latest draft is signed off and nothing but the status
        changed since; an edit to one that was final goes back to draft (as a save would)."""
        if self._final(content) and self.sign_off_needed(key) and self.store.exists(key):
            saved = self.store.drafts(key)
            latest = saved[-1] if saved else None
            if latest is not None and latest.status == "final":
                before = _unstatused(self.store.draft_content(key, latest), key)
                if _unstatused(content, key) != before:
                    content = _reopen(content)  # edited after it was final: a new draft, not final
        self._require_sign_off(key, content)
        self.store.write(key, content, create=create)

    def _append_draft(
        self, key: str, role: str, person: str = "", note: str = "", *, keyed: bool = False
    ) -> SaveResult:
        """Save the letter as its next draft (every workflow saves through here), under the gate."""
        content = self.store.read(key) if self.store.exists(key) else b""
        saved = self.store.drafts(key)
        latest = saved[-1] if saved else None
        reopens = (
            latest is not None and latest.status == "final" and _digest(content) != latest.content_sha256
        )
        if not reopens:  # a changed final letter is saved as a draft (the store sets it back)
            self._require_sign_off(key, content)
        return self.store.append_draft(key, role, person, note, keyed=keyed)

    def _require_sign_off_to_print(self, opened: Opened) -> None:
        """A final letter that needs sign-off is printed only as signed off (a saved draft, as
        it stood when it was saved): so a final copy of a trainee's letter is never made
        without it, even from a letter file edited by hand."""
        if opened.letter.status != "final" or not self.sign_off_needed(opened.file):
            return
        saved = self.store.drafts(opened.file)
        draft = opened.revision.draft
        if draft is not None:
            saved = [d for d in saved if d.number <= draft.number]
        gap = self._sign_off_gap(opened.file, opened.content, saved)
        if gap:
            raise SignOffNeededError(f"{opened.label}: {NEEDS}: {gap}")

    def _require_sign_off(self, key: str, content: bytes) -> None:
        if not self._final(content) or not self.sign_off_needed(key):
            return
        saved = self.store.drafts(key)
        gap = self._sign_off_gap(key, content, saved)
        if gap:
            raise SignOffNeededError(f"{key}: {NEEDS}: {gap}")

    def _sign_off_gap(self, key: str, content: bytes, saved: Sequence[Draft]) -> str:
        """Why ``content`` cannot be final yet ("draft 4 is not signed off yet"); empty if it can."""
        if not saved:
            return "save it as a draft first, then ask a supervisor to sign that draft off"
        latest = saved[-1]
        kept = sign_offs(self.store, key, saved)
        holding = [s for s in kept if s.holds]
        if not holding:
            voided = [s for s in kept if not s.holds]
            if voided:
                return f"{voided[-1].void}, and draft {latest.number} is not signed off yet"
            return f"draft {latest.number} is not signed off yet"
        signed = next(d for d in saved if d.number == holding[-1].draft)
        if _unstatused(content, key) != _unstatused(self.store.draft_content(key, signed), key):
            return (
                f"it has changes since draft {signed.number} was signed off; set its status to draft, "
                "save the changes as a draft and ask for a new sign-off"
            )
        return ""

    @staticmethod
    def _final(content: bytes) -> bool:
        data = _data(content, "letter")
        return data is not None and data.get("status") == "final"


# --------------------------------------------------------------------------- helpers


def sign_offs(store: Store, key: str, saved: Sequence[Draft]) -> list[SignOff]:
    """Every sign-off of a letter, oldest first, each with why it no longer holds (if it does not)."""
    records = store.attestations(key)
    if not records:
        return []
    contents: dict[int, object] = {}

    def data(draft: Draft) -> object:
        if draft.number not in contents:
            contents[draft.number] = _unstatused(store.draft_content(key, draft), key)
        return contents[draft.number]

    out = []
    for record in records:
        signed = next((d for d in saved if d.number == record.draft), None)
        void = ""
        if signed is None or signed.hash != record.draft_hash:
            void = f"draft {record.draft} is not in the history as it was signed off"
        else:
            try:
                changed = next(
                    (d for d in saved if d.number > signed.number and data(d) != data(signed)), None
                )
            except LetterkitError:
                changed, void = None, f"a draft after draft {record.draft} cannot be read"
            if changed is not None:
                void = f"draft {record.draft} was changed after it was signed off (in draft {changed.number})"
        out.append(_sign_off(record, void))
    return out


def _sign_off(record: Attestation, void: str) -> SignOff:
    from letterkit.workspace.reports import SignOff

    return SignOff(
        record.number, record.draft, record.draft_hash, record.supervisor, record.note, record.time, void
    )


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _data(content: bytes, key: str) -> Mapping[str, Any] | None:
    try:
        parsed = loading.parse(loading.decode(content, key), key).data
    except LetterkitError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _unstatused(content: bytes, key: str) -> object:
    """A letter's data without its status: two versions that differ only by status compare equal."""
    data = _data(content, key)
    if data is None:
        return _digest(content)
    return {k: v for k, v in data.items() if k != "status"}


__all__ = ["SignOffs", "sign_offs"]
