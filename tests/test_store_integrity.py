"""What a damaged, pruned or rewritten history does to every command: damaged records named,
drafts addressed by number, each draft's own hashes checked when it is read, and the keyed
chain (what it catches that the plain chain cannot).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import edit, run

import letterkit
import letterkit.drafts.store as store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """letterkit's configuration folder (where the history key lives), inside the test."""
    folder = tmp_path / "config"
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(folder))
    return folder


def three_drafts(tmp_path: Path, *save_options: str) -> Path:
    """peter.yaml saved three times; draft 2 alone says "stuck", draft 3 alone "tired"."""
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    letter = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    saves = [
        ("therapist", "Helen Marsh", None),
        ("patient", "Peter Hale", ("You felt trapped", "You felt stuck")),
        ("therapist", "Helen Marsh", ("You felt stuck", "You felt tired")),
    ]
    for role, name, change in saves:
        if change:
            edit(letter, *change)
        result = run("draft", "save", str(letter), "--author", role, "--name", name, *save_options)
        assert result.exit_code == 0, result.output
    return letter


@pytest.fixture
def letter(tmp_path: Path, config: Path) -> Path:
    return three_drafts(tmp_path)


def folder_of(letter: Path) -> Path:
    return store.history_dir(letter)


def record(letter: Path, number: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder_of(letter) / f"{number:04d}.json").read_text(encoding="utf-8"))
    return data


def write_record(letter: Path, number: int, fields: Any) -> Path:
    path = folder_of(letter) / f"{number:04d}.json"
    path.write_text(json.dumps(fields, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def documented_hash(fields: dict[str, Any]) -> str:
    """The record hash as FORMAT.txt describes it (what someone rewriting a record would do)."""
    other = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(json.dumps(other, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def commands(letter: Path) -> dict[str, tuple[str, ...]]:
    return {
        "log": ("draft", "log", str(letter)),
        "verify": ("draft", "verify", str(letter)),
        "show": ("draft", "show", str(letter), "2"),
        "contributions": ("contributions", str(letter)),
        "render @2": ("render", f"{letter}@2"),
        "render @latest": ("render", f"{letter}@latest"),
        "diff": ("diff", f"{letter}@1", f"{letter}@3"),
    }


# --------------------------------------------------------------------------- damaged records (7)

DAMAGE = {
    "number as text": (lambda f: f | {"number": "2"}, '"number" should be a whole number from 1 up, not "2"'),
    "hash a number": (lambda f: f | {"hash": 123}, '"hash" should be text, not 123'),
    "time a number": (lambda f: f | {"time": 5}, '"time" should be text, not 5'),
    "note a list": (lambda f: f | {"note": ["a"]}, '"note" should be text, not ["a"]'),
    "role null": (
        lambda f: f | {"role": None},
        '"role" should be text, not null',
    ),
    "time not a time": (
        lambda f: f | {"time": "not a time"},
        '"time" should be a date and time such as 2026-05-04T10:30:00+00:00, not "not a time"',
    ),
    "role unknown": (
        lambda f: f | {"role": "cat"},
        '"role" should be therapist or patient or joint or supervisor, not "cat"',
    ),
    "missing keys": (
        lambda f: {k: v for k, v in f.items() if k not in ("status", "time")},
        'it has no "status" and "time"',
    ),
    "extra key": (lambda f: f | {"colour": "blue"}, 'it has a field letterkit does not know: "colour"'),
    "number of another draft": (
        lambda f: f | {"number": 5},
        '"number" says draft 5, but the file is named for draft 2',
    ),
    "not an object": (lambda f: [f], "it should hold named fields, not [{"),
    "bool number": (lambda f: f | {"number": True}, '"number" should be a whole number from 1 up, not true'),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_record_is_named_by_every_command(letter: Path, damage: str) -> None:
    change, detail = DAMAGE[damage]
    path = write_record(letter, 2, change(record(letter, 2)))
    for name, args in commands(letter).items():
        result = run(*args)
        assert result.exit_code == (2 if name == "diff" else 1), (name, result.output)  # diff(1)'s trouble
        assert f"{path}: this draft record is damaged ({detail}" in result.stderr, (name, result.stderr)
        assert "restore it from a backup of the history folder" in result.stderr
        assert "unexpected error" not in result.stderr, (name, result.stderr)


def test_the_message_for_a_damaged_record_in_full(letter: Path) -> None:
    path = write_record(letter, 2, record(letter, 2) | {"number": "2"})
    result = run("render", f"{letter}@2")
    assert result.stderr == (
        f'letterkit: {path}: this draft record is damaged ("number" should be a whole number from 1 up, '
        'not "2"); restore it from a backup of the history folder\n'
    )


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", b"[" * 50_000, b""])
def test_a_record_that_is_not_json(letter: Path, raw: bytes) -> None:
    path = folder_of(letter) / "0002.json"
    path.write_bytes(raw)
    result = run("draft", "log", str(letter))
    assert result.exit_code == 1
    assert f"{path}: this draft record is damaged (it is not valid JSON)" in result.stderr


def test_verify_lists_a_damaged_record_and_checks_the_rest(letter: Path) -> None:
    path = write_record(letter, 2, record(letter, 2) | {"time": 5})
    edit(folder_of(letter) / "0001.yaml", "You felt trapped", "You felt fine")
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f'{path}: this draft record is damaged ("time" should be text, not 5); ' in lines[0]
    assert any("0001.yaml: draft 1: the letter was changed after it was saved" in line for line in lines)


# --------------------------------------------------------------------------- drafts by number (8)


def test_a_missing_draft_is_missing_and_later_drafts_keep_their_numbers(letter: Path) -> None:
    folder = folder_of(letter)
    (folder / "0002.yaml").unlink()
    (folder / "0002.json").unlink()
    missing = run("render", f"{letter}@2")
    assert missing.exit_code == 1
    assert missing.stderr == (
        f"letterkit: {letter}: draft 2 is missing from the history (its record 0002.json is not there: "
        "deleted or moved?); restore it from a backup, or name another draft\n"
    )
    third = run("render", f"{letter}@3")
    assert third.exit_code == 0, third.output
    assert "You felt tired" in third.stdout and "**Draft 3 · " in third.stdout
    assert "there is no draft 4; drafts run from 1 to 3" in run("render", f"{letter}@4").stderr
    log = run("draft", "log", str(letter)).stdout.splitlines()
    assert [line.split()[0] for line in log] == ["3", "1"]
    verified = run("draft", "verify", str(letter))
    assert verified.exit_code == 1
    assert f"{folder / '0002.json'}: draft 2 is missing: neither its letter nor its record" in verified.stderr
    assert "out of sequence" not in verified.stderr
    assert run("contributions", str(letter)).exit_code == 0  # drafts 1 and 3 are still read


def test_a_record_whose_own_letter_is_gone_says_so(letter: Path) -> None:
    path = folder_of(letter) / "0002.yaml"
    path.unlink()
    result = run("render", f"{letter}@2")
    assert result.exit_code == 1
    assert f"{path}: draft 2 is missing: its saved letter is not in the history" in result.stderr


def test_a_sync_tools_conflicted_copy_is_not_a_draft(letter: Path) -> None:
    folder = folder_of(letter)
    copy = folder / "0001 (conflicted copy).json"
    shutil.copy(folder / "0001.json", copy)
    shutil.copy(folder / "0001.yaml", folder / "0001 (conflicted copy).yaml")
    log = run("draft", "log", str(letter)).stdout.splitlines()
    assert [line.split()[0] for line in log] == ["3", "2", "1"]
    assert [d.number for d in letterkit.history(letter)] == [1, 2, 3]
    verified = run("draft", "verify", str(letter))
    assert verified.exit_code == 1
    assert (
        f"{copy}: is not one of the history's files (a copy made by a file-sync tool?), so it is not read"
        in verified.stderr
    )
    assert "0001 (conflicted copy).yaml: is not one of the history's files" in verified.stderr
    assert "out of sequence" not in verified.stderr


def test_a_record_renamed_to_another_number_says_which(letter: Path) -> None:
    folder = folder_of(letter)
    (folder / "0003.json").rename(folder / "0004.json")
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert (
        f'{folder / "0004.json"}: this draft record is damaged ("number" says draft 3, but the file is named for draft 4)'
        in (result.stderr)
    )
    assert "out of sequence" not in result.stderr


def test_credits_between_drafts_follow_numbers_not_positions(letter: Path) -> None:
    """diff FILE@1 FILE@3 credits each change to the draft that made it, even with a draft
    missing before them."""
    edit(letter, "We have three sessions left", "We have two sessions left")
    assert run("draft", "save", str(letter), "--author", "joint", "--name", "Helen and Peter").exit_code == 0
    folder = folder_of(letter)
    (folder / "0001.yaml").unlink()
    (folder / "0001.json").unlink()
    changes = json.loads(run("diff", f"{letter}@2", f"{letter}@4", "-f", "json").stdout)["changes"]
    by_path = {c["path"]: c for c in changes}
    assert by_path["background"]["draft"] == 3
    assert by_path["ending"]["draft"] == 4 and by_path["ending"]["author"] == "joint Helen and Peter"


# --------------------------------------------------------------------------- each draft's own hash (9)


def test_a_tampered_draft_is_refused_when_read(letter: Path) -> None:
    saved = folder_of(letter) / "0002.yaml"
    edit(saved, "You felt stuck", "You felt perfectly happy")
    for args in (("render", f"{letter}@2"), ("draft", "show", str(letter), "2"), ("validate", f"{letter}@2")):
        result = run(*args)
        assert result.exit_code == 1, args
        message = (
            "draft 2 was changed after it was saved (it no longer matches its record), so it cannot "
            "be trusted; restore it from a backup of the history folder\n"
        )
        where = f"{letter}@2" if args[0] == "validate" else f"letterkit: {saved}"  # validate names FILE@N
        assert f"{where}: {message}" in (result.stderr, result.stdout), result.output
        assert "perfectly happy" not in result.stdout
    assert run("render", f"{letter}@3").exit_code == 0  # the others are still readable


def test_an_edited_record_is_refused_when_its_draft_is_read(letter: Path) -> None:
    path = write_record(letter, 2, record(letter, 2) | {"name": "Someone Else"})
    result = run("render", f"{letter}@2")
    assert result.exit_code == 1
    assert (
        f"{path}: draft 2's record was changed after it was saved (its hash does not match)" in result.stderr
    )


def rewrite_draft_2(
    letter: Path, *, whole_chain: bool, strip_keys: bool = False, rewrite_head: bool = False
) -> None:
    """What someone with write access can do without the key: change draft 2's letter and
    recompute its record (and, with ``whole_chain``, every later record's parent and hash;
    with ``rewrite_head``, the plain head naming the new latest hash)."""
    folder = folder_of(letter)
    saved = folder / "0002.yaml"
    edit(saved, "You felt stuck", "You felt perfectly happy")
    parent = None
    for number in [d.number for d in letterkit.history(letter)]:
        fields = record(letter, number)
        if strip_keys:
            fields.pop("mac", None)
            fields.pop("key_id", None)
        if number == 2:
            fields["content_sha256"] = hashlib.sha256(saved.read_bytes()).hexdigest()
        if number > 1 and (whole_chain or number == 2) and parent is not None:
            fields["parent"] = parent
        if number == 2 or whole_chain:
            fields["hash"] = documented_hash(fields)
            write_record(letter, number, fields)
        parent = fields["hash"]
    if rewrite_head:
        write_head(letter, {"number": len(letterkit.history(letter)), "hash": parent})


def write_head(letter: Path, fields: dict[str, Any]) -> None:
    (folder_of(letter) / "HEAD.json").write_text(json.dumps(fields), encoding="utf-8")


def test_the_plain_chain_catches_a_careless_rewrite_but_not_a_deliberate_one(letter: Path) -> None:
    careless = letter.parent / "careless"
    careless.mkdir()
    other = three_drafts(careless)
    rewrite_draft_2(other, whole_chain=False)
    result = run("draft", "verify", str(other))
    assert result.exit_code == 1 and "draft 3: the chain is broken" in result.stderr

    rewrite_draft_2(letter, whole_chain=True)
    result = run("draft", "verify", str(letter))  # the head still names the old draft 3
    assert result.exit_code == 1
    assert "HEAD.json: the head names draft 3 with the hash" in result.stderr

    write_head(letter, {"number": 3, "hash": record(letter, 3)["hash"]})  # the head rewritten too
    result = run("draft", "verify", str(letter))  # the limit of a chain without a secret
    assert result.exit_code == 0 and "history intact." in result.stdout
    assert "perfectly happy" in run("render", f"{letter}@2").stdout


# --------------------------------------------------------------------------- the keyed chain


@pytest.fixture
def keyed(tmp_path: Path, config: Path) -> Path:
    return three_drafts(tmp_path, "--keyed")


def test_a_keyed_history(tmp_path: Path, config: Path) -> None:
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    letter = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    first = run("draft", "save", str(letter), "--author", "therapist", "--keyed")
    assert first.exit_code == 0, first.output
    key = config / "history.key"
    assert first.stdout.startswith("Draft 1 (")
    assert f"and the history is kept with a key from now on (the key is {key})" in first.stdout
    assert key.stat().st_mode & 0o777 == 0o600
    edit(letter, "You felt trapped", "You felt stuck")
    second = run("draft", "save", str(letter), "--author", "patient")  # no --keyed: it stays keyed
    assert second.exit_code == 0 and "kept with a key from now on" not in second.stdout
    for number in (1, 2):
        fields = record(letter, number)
        assert len(fields["mac"]) == 64 and len(fields["key_id"]) == 16
    verified = run("draft", "verify", str(letter))
    assert verified.exit_code == 0, verified.output
    assert (
        verified.stdout
        == f"{letter}: 2 drafts, history intact (kept with a key, and every key signature checked).\n"
    )
    assert letterkit.verify(letter).keyed == "checked"
    described = (folder_of(letter) / "FORMAT.txt").read_text(encoding="utf-8")
    assert "HMAC-SHA256" in described and "key_id" in described


def test_a_keyed_history_catches_a_deliberate_rewrite(keyed: Path) -> None:
    rewrite_draft_2(keyed, whole_chain=True)
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    for number in (2, 3):
        assert (
            f"{number:04d}.json: draft {number}: the record was rewritten without the history key "
            "(its key signature does not match)" in result.stderr
        )
    rendered = run("render", f"{keyed}@2")
    assert rendered.exit_code == 1
    assert "draft 2's record was rewritten without the history key" in rendered.stderr


def test_a_keyed_history_catches_an_unsigned_draft_added_later(keyed: Path) -> None:
    """Someone without the key adds a draft 4 the plain way."""
    folder = folder_of(keyed)
    latest = record(keyed, 3)
    content = (folder / "0003.yaml").read_bytes().replace(b"You felt tired", b"You felt happy")
    (folder / "0004.yaml").write_bytes(content)
    fields = {k: v for k, v in latest.items() if k not in ("mac", "key_id")}
    fields |= {"number": 4, "parent": latest["hash"], "content_sha256": hashlib.sha256(content).hexdigest()}
    fields["hash"] = documented_hash(fields)
    write_record(keyed, 4, fields)
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert (
        "draft 4: has no key signature, though the history is kept with a key from draft 1: "
        "it was added or rewritten without the key" in result.stderr
    )


def test_without_the_key_verify_says_what_it_could_not_check(
    keyed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = keyed.parent / "elsewhere"
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(elsewhere))
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == f"{keyed}: 3 drafts, history intact as far as it can be checked without its key.\n"
    )
    assert (
        f"this history is kept with a key (from draft 1), and the key is not on this computer "
        f"({elsewhere / 'history.key'}), so the key signatures were not checked" in result.stderr
    )
    assert letterkit.verify(keyed).keyed == "unchecked"
    assert not elsewhere.exists()  # verify never makes a key

    edit(keyed, "You felt tired", "You felt rested")
    saved = run("draft", "save", str(keyed), "--author", "therapist")
    assert saved.exit_code == 1
    assert "this history is kept with a key, and the key is not on this computer" in saved.stderr
    assert "set LETTERKIT_CONFIG_DIR to the folder that holds it" in saved.stderr
    assert not elsewhere.exists() and len(letterkit.history(keyed)) == 3


def test_another_key_is_not_taken_for_the_right_one(keyed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = keyed.parent / "other-config"
    other.mkdir()
    (other / "history.key").write_text("ab" * 32 + "\n", encoding="ascii")
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(other))
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert "the drafts are signed with a key that is not yours" in result.stderr
    edit(keyed, "You felt tired", "You felt rested")
    saved = run("draft", "save", str(keyed), "--author", "therapist")
    assert saved.exit_code == 1 and "is not the key this history was kept with" in saved.stderr


def test_keying_an_existing_history_protects_the_drafts_before_it(letter: Path) -> None:
    """The first keyed record's signature covers its parent, so the plain drafts before it
    cannot be rewritten without the key either."""
    edit(letter, "You felt tired", "You felt rested")
    assert run("draft", "save", str(letter), "--author", "therapist", "--keyed").exit_code == 0
    assert "mac" not in record(letter, 3) and "mac" in record(letter, 4)
    rewrite_draft_2(letter, whole_chain=True)  # drafts 2 to 4 rehashed; 4's signature cannot be
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert "draft 4: the record was rewritten without the history key" in result.stderr


def test_a_damaged_history_key_is_a_clear_error(keyed: Path, config: Path) -> None:
    (config / "history.key").write_text("\n", encoding="ascii")
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert result.stderr == (
        f"letterkit: {config / 'history.key'}: the history key cannot be read "
        "(it holds 0 bytes; a key has at least 16)\n"
    )


@pytest.mark.parametrize("name", ["0002.json", "0002.yaml"])
def test_a_pipe_in_place_of_a_draft_file_is_refused_not_waited_on(letter: Path, name: str) -> None:
    path = folder_of(letter) / name
    path.unlink()
    os.mkfifo(path)
    for args in (("render", f"{letter}@2"), ("draft", "verify", str(letter))):
        result = run(*args)
        assert result.exit_code == 1
        assert f"{path}: " in result.stderr and "is not a regular file" in result.stderr, result.stderr


# --------------------------------------------------------------------------- the head: keys stripped, drafts deleted


def test_stripping_every_key_signature_is_caught(keyed: Path) -> None:
    """Remove ``mac`` and ``key_id`` from every record, recompute the plain chain, edit draft 2:
    the signed head still says the history is kept with a key from draft 1."""
    rewrite_draft_2(keyed, whole_chain=True, strip_keys=True)
    assert all("mac" not in record(keyed, n) for n in (1, 2, 3))
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert (
        f"{folder_of(keyed)}: drafts 1 to 3 have no key signature, though the head says the history "
        "is kept with a key from draft 1: they were rewritten without the key" in result.stderr
    )
    assert "history intact" not in result.stdout
    rendered = run("render", f"{keyed}@2")
    assert rendered.exit_code == 1
    assert "draft 2's record has no key signature, though the history is kept with a key" in rendered.stderr

    edit(keyed, "You felt tired", "You felt rested")
    saved = run("draft", "save", str(keyed), "--author", "therapist", "--keyed")
    assert saved.exit_code == 1 and "every key signature checked" not in saved.output
    assert "Nothing was saved: a new draft would hide it" in saved.stderr
    assert len(letterkit.history(keyed)) == 3


def test_a_keyed_history_stripped_of_keys_and_head_alike_shows_as_plain(keyed: Path) -> None:
    """The limit README states: rewritten wholesale (records and head) as a plain history, it
    verifies as a plain one, never as "every key signature checked"."""
    rewrite_draft_2(keyed, whole_chain=True, strip_keys=True, rewrite_head=True)
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 0
    assert result.stdout == f"{keyed}: 3 drafts, history intact.\n"


@pytest.mark.parametrize("mode", ["plain", "keyed"])
def test_deleting_the_newest_drafts_is_caught(tmp_path: Path, config: Path, mode: str) -> None:
    letter = three_drafts(tmp_path, *(["--keyed"] if mode == "keyed" else []))
    folder = folder_of(letter)
    short = record(letter, 3)["hash"][:8]
    for name in ("0003.json", "0003.yaml"):  # rm peter.yaml.drafts/0003.*
        (folder / name).unlink()
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{folder / 'HEAD.json'}: the head names draft 3 ({short}) as the latest, but draft 3 is not in "
        "the history: deleted; restore it from a backup of the history folder\n"
    )
    edit(letter, "You felt tired", "You felt rested")
    saved = run("draft", "save", str(letter), "--author", "therapist")
    assert saved.exit_code == 1 and "Nothing was saved" in saved.stderr
    assert len(letterkit.history(letter)) == 2

    (folder / "HEAD.json").unlink()  # and the head with them
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert (
        f"{folder / 'HEAD.json'}: the history's head is missing (deleted?), though the drafts from "
        "draft 1 on say the history keeps one, so the newest drafts may have been deleted with it"
        in result.stderr
    )


def test_a_keyed_head_cannot_be_rewritten_without_the_key(keyed: Path) -> None:
    folder = folder_of(keyed)
    for name in ("0003.json", "0003.yaml"):
        (folder / name).unlink()
    write_head(keyed, {"number": 2, "hash": record(keyed, 2)["hash"]})  # a plain head, as documented
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert (
        "HEAD.json: the head has no key signature, though the history is kept with a key from draft 1: "
        "it was rewritten without the key" in result.stderr
    )
    forged = json.loads(json.dumps({"number": 2, "hash": record(keyed, 2)["hash"], "keyed_from": 1}))
    write_head(keyed, forged | {"key_id": record(keyed, 1)["key_id"], "mac": "0" * 64})
    result = run("draft", "verify", str(keyed))
    assert result.exit_code == 1
    assert "HEAD.json: the head was rewritten without the history key" in result.stderr


def test_the_plain_head_catches_deleted_drafts_not_a_rewritten_head(letter: Path) -> None:
    """The limit README states: in a plain history, whoever deletes drafts can also rewrite
    the head to name the draft now latest."""
    folder = folder_of(letter)
    for name in ("0003.json", "0003.yaml"):
        (folder / name).unlink()
    write_head(letter, {"number": 2, "hash": record(letter, 2)["hash"]})
    assert run("draft", "verify", str(letter)).exit_code == 0


def make_legacy(letter: Path, key: bytes | None = None) -> None:
    """The history as the previous release kept it: no HEAD.json, no "head" in any record."""
    (folder_of(letter) / "HEAD.json").unlink()
    parent = None
    for number in (1, 2, 3):
        fields = record(letter, number)
        del fields["head"]
        fields["parent"] = parent
        if key is not None:
            fields["mac"] = store._record_mac(key, fields)
        fields["hash"] = documented_hash(fields)
        write_record(letter, number, fields)
        parent = fields["hash"]


@pytest.mark.parametrize("mode", ["plain", "keyed"])
def test_a_history_from_before_heads_reads_verifies_and_gets_its_head(
    tmp_path: Path, config: Path, mode: str
) -> None:
    letter = three_drafts(tmp_path, *(["--keyed"] if mode == "keyed" else []))
    make_legacy(letter, bytes.fromhex((config / "history.key").read_text()) if mode == "keyed" else None)
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 0, result.output
    assert "history intact" in result.stdout
    assert (
        "has no head yet, so deleted newest drafts would go unnoticed; the next save adds it" in result.stderr
    )
    assert "perfectly" not in run("render", f"{letter}@2").stdout

    edit(letter, "You felt tired", "You felt rested")
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    head = json.loads((folder_of(letter) / "HEAD.json").read_text(encoding="utf-8"))
    assert head["number"] == 4 and head["hash"] == record(letter, 4)["hash"]
    assert ("mac" in head) == (mode == "keyed") and record(letter, 4)["head"] is True
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 0 and result.stderr == ""
    for name in ("0004.json", "0004.yaml"):
        (folder_of(letter) / name).unlink()
    assert run("draft", "verify", str(letter)).exit_code == 1


def test_a_save_interrupted_before_the_head_is_updated_is_finished_by_the_next(letter: Path) -> None:
    folder = folder_of(letter)
    write_head(letter, {"number": 2, "hash": record(letter, 2)["hash"]})  # as it was before draft 3's save
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 0, result.output
    assert (
        "a save of draft 3 was interrupted before the head was updated; the next save updates it"
        in result.stderr
    )
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0  # no change
    assert json.loads((folder / "HEAD.json").read_text(encoding="utf-8"))["number"] == 3
    assert run("draft", "verify", str(letter)).stderr == ""
