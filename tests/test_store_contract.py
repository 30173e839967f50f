"""The store contract: what every ``letterkit.store.Store`` implementation must do.

A workspace reads and writes letters only through its store, so a new store (a database, say)
is ready when it passes these tests: add it to ``STORES``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import SAMPLES

from letterkit import FileStore, PostgresStore, Store, Workspace
from letterkit.errors import (
    HistoryError,
    LetterNotFoundError,
    LetterValidationError,
    OutputError,
    SignOffNeededError,
    UnknownRoleError,
)

LETTER = (SAMPLES / "peter-goodbye.yaml").read_bytes()

STORES: dict[str, Callable[[Path, pytest.FixtureRequest], Store]] = {
    "files": lambda folder, _: FileStore(folder),
    # A fresh database with letterkit's tables, in the session's throwaway cluster (conftest.py).
    "postgres": lambda _, request: PostgresStore(request.getfixturevalue("postgres_url")),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = STORES[request.param](tmp_path, request)
    assert isinstance(made, Store)  # the protocol, checked at run time too
    yield made
    if isinstance(made, PostgresStore):
        made.engine.dispose()


def _changed(content: bytes, n: int) -> bytes:
    return content.replace(b"status: draft", b"status: draft\n# revision %d" % n, 1)


def test_a_letter_written_reads_back_byte_for_byte(store: Store) -> None:
    assert not store.exists("peter.yaml")
    store.write("peter.yaml", LETTER)
    assert store.exists("peter.yaml")
    assert store.read("peter.yaml") == LETTER
    store.write("peter.yaml", _changed(LETTER, 1))
    assert store.read("peter.yaml") == _changed(LETTER, 1)


def test_a_missing_letter_is_not_found(store: Store) -> None:
    with pytest.raises(LetterNotFoundError):
        store.read("nobody.yaml")
    assert store.drafts("nobody.yaml") == []


def test_create_never_replaces_a_letter(store: Store) -> None:
    store.write("peter.yaml", LETTER, create=True)
    with pytest.raises(OutputError):
        store.write("peter.yaml", b"kind: formulation\n", create=True)
    assert store.read("peter.yaml") == LETTER


def test_drafts_are_numbered_chained_and_kept_exactly(store: Store) -> None:
    store.write("peter.yaml", LETTER)
    first = store.append_draft("peter.yaml", "therapist", "Dr Sara Okafor", "first")
    assert first.saved and first.draft.number == 1 and first.draft.parent is None
    again = store.append_draft("peter.yaml", "therapist")
    assert not again.saved and again.draft == first.draft  # nothing changed: nothing saved
    store.write("peter.yaml", _changed(LETTER, 2))
    second = store.append_draft("peter.yaml", "patient", "Peter Hale")
    assert second.draft.number == 2 and second.draft.parent == first.draft.hash
    drafts = store.drafts("peter.yaml")
    assert [(d.number, d.role, d.name) for d in drafts] == [
        (1, "therapist", "Dr Sara Okafor"),
        (2, "patient", "Peter Hale"),
    ]
    assert store.draft_content("peter.yaml", drafts[0]) == LETTER
    assert store.draft_content("peter.yaml", drafts[1]) == _changed(LETTER, 2)
    checked = store.check("peter.yaml")
    assert checked.problems == () and [d.number for d in checked.drafts] == [1, 2]


def test_only_valid_letters_by_known_authors_enter_the_history(store: Store) -> None:
    store.write("broken.yaml", b"kind: goodbye-letter\nsession: 99\n")
    with pytest.raises(LetterValidationError):
        store.append_draft("broken.yaml", "therapist")
    store.write("peter.yaml", LETTER)
    with pytest.raises(UnknownRoleError):
        store.append_draft("peter.yaml", "receptionist")
    assert store.drafts("broken.yaml") == [] and store.drafts("peter.yaml") == []


def test_revisions_resolve_by_number_latest_and_hash(store: Store) -> None:
    store.write("peter.yaml", LETTER)
    one = store.append_draft("peter.yaml", "therapist").draft
    store.write("peter.yaml", _changed(LETTER, 2))
    two = store.append_draft("peter.yaml", "therapist").draft
    assert store.resolve("peter.yaml").draft is None
    assert store.resolve("peter.yaml@1").draft == one
    assert store.resolve("peter.yaml@latest").draft == two
    assert store.resolve(f"peter.yaml@{two.hash[:8]}").draft == two
    with pytest.raises(HistoryError, match="there is no draft 7"):
        store.resolve("peter.yaml@7")


def test_names_are_the_letters_sorted(store: Store) -> None:
    for name in ("zoe.yaml", "ada.json", "peter.yaml"):
        store.write(name, LETTER)
    store.append_draft("peter.yaml", "therapist")
    assert store.names() == ["ada.json", "peter.yaml", "zoe.yaml"]


def test_typing_kept_beside_a_letter_is_not_a_letter_nor_a_draft(store: Store) -> None:
    store.write("peter.yaml", LETTER)
    store.append_draft("peter.yaml", "therapist")
    assert store.kept("peter.yaml") is None
    store.keep("peter.yaml", b'{"read": {}}')
    store.keep("peter.yaml", b'{"read": {"fields": {}}}')  # replaced
    assert store.kept("peter.yaml") == b'{"read": {"fields": {}}}'
    assert store.names() == ["peter.yaml"]
    assert len(store.drafts("peter.yaml")) == 1 and store.read("peter.yaml") == LETTER
    assert not store.check("peter.yaml").problems
    store.keep("peter.yaml", None)
    store.keep("peter.yaml", None)  # forgetting twice is fine
    assert store.kept("peter.yaml") is None


def test_decisions_are_numbered_chained_and_kept(store: Store) -> None:
    store.write("peter.yaml", LETTER)
    store.append_draft("peter.yaml", "therapist")
    assert store.decisions("peter.yaml") == []
    one = {
        "suggested": 2, "suggested_hash": "a" * 64, "base": 1, "change": 1, "decision": "accepted",
        "role": "therapist", "name": "Dr Sam Lee", "time": "2026-12-05T10:00:00+00:00", "author": "Nora",
        "where": "What has changed", "kind": "insert", "old": "", "new": "and she came", "draft": 1,
        "draft_hash": "b" * 64,
    }  # fmt: skip
    first = store.append_decisions("peter.yaml", [one])
    second = store.append_decisions("peter.yaml", [{**one, "change": 2, "decision": "rejected"}])
    kept = store.decisions("peter.yaml")
    assert [d.number for d in kept] == [1, 2] and kept == first + second
    assert kept[0].parent is None and kept[1].parent == kept[0].hash
    assert [d.id for d in kept] == ["2-1", "2-2"] and kept[1].decision == "rejected"
    with pytest.raises(HistoryError):
        store.append_decisions("peter.yaml", [{**one, "decision": "maybe"}])
    assert len(store.decisions("peter.yaml")) == 2


def test_sign_offs_are_numbered_chained_and_kept(store: Store) -> None:
    store.write("peter.yaml", LETTER)
    assert store.attestations("peter.yaml") == []
    first_draft = store.append_draft("peter.yaml", "therapist", "Sam Reyes").draft
    store.write("peter.yaml", _changed(LETTER, 1))
    second_draft = store.append_draft("peter.yaml", "therapist", "Sam Reyes").draft
    one = {"draft": 1, "draft_hash": first_draft.hash, "supervisor": "Dr Ruth Adler", "note": "good"}
    first = store.append_attestation("peter.yaml", one)
    second = store.append_attestation(
        "peter.yaml", {"draft": 2, "draft_hash": second_draft.hash, "supervisor": "Dr Ruth Adler"}
    )
    kept = store.attestations("peter.yaml")
    assert kept == [first, second] and [a.number for a in kept] == [1, 2]
    assert kept[0].parent is None and kept[1].parent == kept[0].hash
    assert (kept[0].draft, kept[0].supervisor, kept[0].note, kept[1].note) == (1, "Dr Ruth Adler", "good", "")
    assert store.check("peter.yaml").problems == ()


@pytest.mark.parametrize(
    "wrong",
    [
        {"draft": 3},  # no such draft
        {"draft_hash": "c" * 64},  # not that draft's hash
        {"supervisor": "  "},  # nobody
        {"draft": "1"},  # not a number
    ],
)
def test_a_sign_off_of_no_saved_draft_or_by_nobody_is_refused(store: Store, wrong: dict[str, object]) -> None:
    store.write("peter.yaml", LETTER)
    draft = store.append_draft("peter.yaml", "therapist").draft
    with pytest.raises(HistoryError):
        store.append_attestation(
            "peter.yaml", {"draft": 1, "draft_hash": draft.hash, "supervisor": "Dr Ruth Adler", **wrong}
        )
    assert store.attestations("peter.yaml") == []


def test_a_sign_off_of_a_missing_letter_is_not_found(store: Store) -> None:
    with pytest.raises(LetterNotFoundError):
        store.append_attestation(
            "nobody.yaml", {"draft": 1, "draft_hash": "a" * 64, "supervisor": "Dr Ruth Adler"}
        )
    assert store.attestations("nobody.yaml") == []


def test_the_lock_is_reentrant_and_keeps_writers_apart(store: Store) -> None:
    order: list[str] = []
    with store.lock("peter.yaml"), store.lock("peter.yaml"):  # reentrant
        other = threading.Thread(target=lambda: _locked(store, order))
        other.start()
        time.sleep(0.2)
        order.append("first done")
    other.join(5)
    assert order == ["first done", "second"]


def _locked(store: Store, order: list[str]) -> None:
    with store.lock("peter.yaml"):
        order.append("second")


def test_a_workspace_works_through_any_store(store: Store) -> None:
    ws = Workspace(store=store)
    store.write("peter.yaml", LETTER)
    work = ws.read_work("peter.yaml")
    ws.save_draft("peter.yaml", "therapist", version=work.version)
    data = dict(work.data, session=14)
    saved = ws.save_work("peter.yaml", data, ws.version("peter.yaml"), draft_as=("patient", "Peter Hale", ""))
    assert saved.message.startswith("Draft 2")
    assert ws.diff("peter.yaml@1", "peter.yaml@2").changes[0].author == "patient Peter Hale"
    assert ws.verify("peter.yaml").problems == ()


def test_a_letter_needing_sign_off_becomes_final_only_after_it_through_any_store(store: Store) -> None:
    ws = Workspace(store=store, needs_sign_off=lambda name: True)
    store.write("peter.yaml", LETTER)
    ws.save_draft("peter.yaml", "therapist", "Sam Reyes")
    final = LETTER.replace(b"status: draft", b"status: final", 1)
    with pytest.raises(SignOffNeededError, match="draft 1 is not signed off yet"):
        ws.save_work("peter.yaml", dict(ws.read_work("peter.yaml").data, status="final"))
    assert store.read("peter.yaml") == LETTER
    ws.attest("peter.yaml", None, "Dr Ruth Adler")
    store.write("peter.yaml", final)
    assert ws.save_draft("peter.yaml", "therapist", "Sam Reyes").draft.status == "final"
    store.write("peter.yaml", final.replace(b"session: 13", b"session: 14"))  # an edit after it was final ...
    assert ws.save_draft("peter.yaml", "therapist", "Sam Reyes").draft.status == "draft"
    [void] = ws.attestations("peter.yaml")  # ... voids the sign-off
    assert void.void == "draft 1 was changed after it was signed off (in draft 3)"
    assert ws.verify("peter.yaml").problems == ()
