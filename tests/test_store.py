"""The draft history: save, log, show, status changes, revisions (FILE@N), printed drafts,
verify, file permissions, and saves from several processes at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import edit, run

import letterkit
import letterkit.compose as compose
import letterkit.drafts.store as store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LETTERKIT = Path(sys.executable).parent / "letterkit"  # the installed console script, not a pyenv shim
CLI = [str(LETTERKIT)] if LETTERKIT.is_file() else [sys.executable, "-m", "letterkit"]
LOG_LINE = re.compile(
    r"^ *(?P<number>\d+) (?P<short>[0-9a-f]{8}) (?P<date>\d{4}-\d\d-\d\d) (?P<role>\w+)(?P<rest>.*)$"
)


# --------------------------------------------------------------------------- helpers


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def records(letter: Path) -> list[dict[str, Any]]:
    folder = store.history_dir(letter)
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("[0-9]*.json"))]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    return Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))


@pytest.fixture
def three_drafts(sample: Path) -> tuple[Path, list[bytes]]:
    """peter.yaml saved three times (therapist, patient, therapist), and each draft's bytes."""
    saved = []
    assert (
        run(
            "draft",
            "save",
            str(sample),
            "--author",
            "therapist",
            "--name",
            "Helen Marsh",
            "--note",
            "For session 13",
        ).exit_code
        == 0
    )
    saved.append(sample.read_bytes())
    edit(sample, "You felt trapped", "You felt stuck")
    assert (
        run(
            "draft",
            "save",
            str(sample),
            "--author",
            "patient",
            "--name",
            "Peter Hale",
            "--note",
            "Peter's changes",
        ).exit_code
        == 0
    )
    saved.append(sample.read_bytes())
    edit(sample, "We have three sessions left", "We have two sessions left")
    assert run("draft", "save", str(sample), "--author", "therapist", "--name", "Helen Marsh").exit_code == 0
    saved.append(sample.read_bytes())
    return sample, saved


# --------------------------------------------------------------------------- save, log, show


def test_save_log_show(three_drafts: tuple[Path, list[bytes]]) -> None:
    letter, saved = three_drafts
    history = letterkit.history(letter)
    assert [d.number for d in history] == [1, 2, 3]
    assert [(d.role, d.name, d.note) for d in history] == [
        ("therapist", "Helen Marsh", "For session 13"),
        ("patient", "Peter Hale", "Peter's changes"),
        ("therapist", "Helen Marsh", ""),
    ]
    assert [d.content_sha256 for d in history] == [hashlib.sha256(b).hexdigest() for b in saved]
    assert [d.parent for d in history] == [None, history[0].hash, history[1].hash]

    log = run("draft", "log", str(letter))
    assert log.exit_code == 0
    lines = log.stdout.splitlines()
    assert len(lines) == 3  # one line per draft
    expected_rest = [
        " therapist Helen Marsh",
        " patient Peter Hale: Peter's changes",
        " therapist Helen Marsh: For session 13",
    ]
    for line, draft, rest in zip(lines, reversed(history), expected_rest, strict=True):  # newest first
        match = LOG_LINE.match(line)
        assert match, line
        assert int(match["number"]) == draft.number
        assert match["short"] == draft.hash[:8]
        assert match["date"] == draft.time[:10]
        assert match["role"] + match["rest"] == rest.lstrip()

    for number, content in enumerate(saved, 1):
        shown = run("draft", "show", str(letter), str(number))
        assert shown.exit_code == 0
        assert shown.stdout_bytes == content  # byte for byte
        assert (store.history_dir(letter) / f"{number:04d}.yaml").read_bytes() == content
    assert run("draft", "show", str(letter), "latest").stdout_bytes == saved[2]
    assert run("draft", "show", str(letter), history[1].hash[:8]).stdout_bytes == saved[1]
    assert run("draft", "show", str(letter), f"{letter}@1").stdout_bytes == saved[0]


@pytest.mark.parametrize(
    "transform",
    [
        lambda b: b.replace(b"\n", b"\r\n"),
        lambda b: b"\xef\xbb\xbf" + b,
        lambda b: b.rstrip(b"\n"),
        lambda b: (
            b"# a comment the therapist wrote\n" + b.replace(b"draft\n", b"draft   # still working\n", 1)
        ),
    ],
    ids=["crlf", "bom", "no-final-newline", "comments"],
)
def test_show_gives_back_exactly_the_bytes_saved(sample: Path, transform: Any) -> None:
    content = transform(sample.read_bytes())
    sample.write_bytes(content)
    assert run("draft", "save", str(sample), "--author", "therapist").exit_code == 0
    sample.write_bytes(b"overwritten later")
    shown = run("draft", "show", str(sample), "1")
    assert shown.exit_code == 0
    assert shown.stdout_bytes == content


def test_saving_identical_content_is_a_no_op(sample: Path) -> None:
    first = run("draft", "save", str(sample), "--author", "therapist", "--name", "Helen Marsh")
    assert first.exit_code == 0
    assert re.fullmatch(r"Draft 1 \([0-9a-f]{8}\) saved\.\n", first.stdout)
    again = run("draft", "save", str(sample), "--author", "patient", "--name", "Peter Hale")
    assert again.exit_code == 0
    short = letterkit.history(sample)[0].short
    assert again.stdout == f"No change since draft 1 ({short}); nothing saved.\n"
    assert len(letterkit.history(sample)) == 1
    assert sorted(p.name for p in store.history_dir(sample).iterdir()) == [
        ".lock",
        "0001.json",
        "0001.yaml",
        "FORMAT.txt",
        "HEAD.json",
    ]
    result = letterkit.save_draft(sample, "therapist")
    assert result.saved is False and result.draft.number == 1


def test_an_invalid_letter_is_refused_and_nothing_is_stored(sample: Path) -> None:
    good = sample.read_bytes()
    sample.write_bytes(good.replace(b"session: 13", b"session: 99"))
    refused = run("draft", "save", str(sample), "--author", "therapist")
    assert refused.exit_code == 1
    assert "session" in refused.stderr
    assert not store.history_dir(sample).exists()  # no history folder at all

    sample.write_bytes(good)
    assert run("draft", "save", str(sample), "--author", "therapist").exit_code == 0
    sample.write_text("kind: goodbye-letter\n", encoding="utf-8")
    assert run("draft", "save", str(sample), "--author", "therapist").exit_code == 1
    assert len(letterkit.history(sample)) == 1
    assert sorted(p.name for p in store.history_dir(sample).glob("0*")) == ["0001.json", "0001.yaml"]
    sample.write_bytes(b"kind: [unclosed\n")
    assert run("draft", "save", str(sample), "--author", "therapist").exit_code == 1
    assert len(letterkit.history(sample)) == 1


def test_an_unknown_role_or_missing_file_is_refused(sample: Path) -> None:
    assert run("draft", "save", str(sample), "--author", "nurse").exit_code == 2
    with pytest.raises(letterkit.LetterkitError):
        letterkit.save_draft(sample, "nurse")
    missing = run("draft", "save", str(sample.with_name("nobody.yaml")), "--author", "therapist")
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    assert not store.history_dir(sample).exists()


def test_a_status_change_is_recorded_with_who_made_it(sample: Path) -> None:
    assert run("draft", "save", str(sample), "--author", "therapist", "--name", "Helen Marsh").exit_code == 0
    edit(sample, "status: draft", "status: agreed")
    result = run(
        "draft",
        "save",
        str(sample),
        "--author",
        "joint",
        "--name",
        "Helen and Peter",
        "--note",
        "Read together",
    )
    assert result.exit_code == 0
    assert "status draft → agreed" in result.stdout
    latest = records(sample)[-1]
    assert {k: latest[k] for k in ("number", "event", "status", "role", "name", "note")} == {
        "number": 2,
        "event": "status",
        "status": "agreed",
        "role": "joint",
        "name": "Helen and Peter",
        "note": "Read together",
    }
    assert records(sample)[0]["event"] == "save" and records(sample)[0]["status"] == "draft"
    first_line = run("draft", "log", str(sample)).stdout.splitlines()[0]
    assert first_line.endswith(" joint Helen and Peter [agreed]: Read together")


def test_editing_a_final_letter_starts_a_new_draft(sample: Path) -> None:
    edit(sample, "status: draft", "status: agreed")
    assert run("draft", "save", str(sample), "--author", "therapist", "--name", "Helen Marsh").exit_code == 0
    edit(sample, "status: agreed", "status: final")
    made_final = run("draft", "save", str(sample), "--author", "therapist", "--name", "Helen Marsh")
    assert made_final.exit_code == 0 and "agreed → final" in made_final.stdout
    assert records(sample)[-1]["status"] == "final" and records(sample)[-1]["event"] == "status"

    edit(sample, "You felt trapped", "You felt stuck")  # the letter stays marked final in the file
    reopened = run("draft", "save", str(sample), "--author", "patient", "--name", "Peter Hale")
    assert reopened.exit_code == 0
    assert "starts a new draft" in reopened.stdout
    text = sample.read_text(encoding="utf-8")
    assert re.search(r"(?m)^status: draft$", text) and "final" not in text
    assert "You felt stuck" in text  # the edit itself is kept
    letterkit.load(sample)  # still a valid letter
    latest = records(sample)[-1]
    assert (latest["number"], latest["event"], latest["status"], latest["role"]) == (
        3,
        "status",
        "draft",
        "patient",
    )
    assert latest["content_sha256"] == hashlib.sha256(sample.read_bytes()).hexdigest()
    assert run("draft", "show", str(sample), "3").stdout_bytes == sample.read_bytes()
    assert b"status: final" in run("draft", "show", str(sample), "2").stdout_bytes  # history unchanged
    assert run("draft", "log", str(sample)).stdout.splitlines()[0].endswith("patient Peter Hale [draft]")
    assert run("draft", "verify", str(sample)).exit_code == 0


def test_a_status_change_in_a_json_letter_is_recorded(tmp_path: Path) -> None:
    data = letterkit.load(SAMPLES / "peter-goodbye.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    letter = tmp_path / "peter.json"
    letter.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert letterkit.save_draft(letter, "therapist").saved
    data["status"] = "agreed"
    letter.write_text(json.dumps(data, indent=2), encoding="utf-8")
    letterkit.load(letter)
    assert letterkit.save_draft(letter, "joint", "Both").saved
    latest = records(letter)[-1]
    assert (latest["event"], latest["status"]) == ("status", "agreed")


def test_log_shows_the_note_as_written(sample: Path) -> None:
    assert (
        run("draft", "save", str(sample), "--author", "therapist", "--note", "Questions for Peter:").exit_code
        == 0
    )
    assert run("draft", "log", str(sample)).stdout.rstrip("\n").endswith(": Questions for Peter:")


def test_log_keeps_one_line_per_draft_whatever_the_note(sample: Path) -> None:
    assert (
        run("draft", "save", str(sample), "--author", "therapist", "--note", "Line one\nLine two").exit_code
        == 0
    )
    assert len(run("draft", "log", str(sample)).stdout.splitlines()) == 1


def test_log_of_a_letter_without_history(sample: Path) -> None:
    result = run("draft", "log", str(sample))
    assert result.exit_code == 0
    assert "no saved drafts yet" in result.stdout


# --------------------------------------------------------------------------- revisions


def test_revisions_resolve(three_drafts: tuple[Path, list[bytes]]) -> None:
    letter, saved = three_drafts
    history = letterkit.history(letter)
    for number in (1, 2, 3):
        opened = letterkit.open_letter(f"{letter}@{number}")
        assert opened.content == saved[number - 1]
        assert opened.revision.draft == history[number - 1]
        assert opened.label == f"{letter}@{number}"
    assert letterkit.open_letter(f"{letter}@latest").revision.draft == history[-1]
    assert letterkit.open_letter(f"{letter}@02").revision.draft == history[1]
    for draft in history:
        for prefix in (draft.hash[:8], draft.hash, draft.hash[:12].upper()):
            if prefix.isdigit() and len(prefix) < 5:
                continue
            assert letterkit.open_letter(f"{letter}@{prefix}").content == saved[draft.number - 1]
    plain = letterkit.open_letter(letter)
    assert plain.revision.draft is None and plain.content == letter.read_bytes()
    assert "We have two sessions left" in letterkit.open_letter(f"{letter}@3").letter.ending
    assert "We have three sessions left" in letterkit.open_letter(f"{letter}@2").letter.ending


@pytest.mark.parametrize(
    ("rev", "message"),
    [
        ("4", "there is no draft 4; drafts run from 1 to 3"),
        ("0", "there is no draft 0"),
        ("99", "there is no draft 99"),
        ("fffffffffffff", "no draft has a hash starting"),
        ("notahash", "no draft has a hash starting"),
    ],
)
def test_revision_errors(three_drafts: tuple[Path, list[bytes]], rev: str, message: str) -> None:
    letter, _ = three_drafts
    if rev == "fffffffffffff" and any(d.hash.startswith(rev) for d in letterkit.history(letter)):
        pytest.skip("a draft's hash really starts with that")
    with pytest.raises(store.HistoryError, match=re.escape(message)):
        letterkit.open_letter(f"{letter}@{rev}")
    shown = run("draft", "show", str(letter), rev)
    assert shown.exit_code == 1
    assert message in shown.stderr and shown.stdout == ""


def test_a_revision_of_a_letter_without_history(sample: Path) -> None:
    with pytest.raises(store.HistoryError, match="has no saved drafts"):
        letterkit.open_letter(f"{sample}@1")
    for rev in ("1", "latest", "abcdef12"):
        result = run("draft", "show", str(sample), rev)
        assert result.exit_code == 1 and "has no saved drafts" in result.stderr
    assert run("render", f"{sample}@latest").exit_code == 1


def test_an_ambiguous_hash_prefix_is_refused(sample: Path) -> None:
    """Save drafts (with fixed times, so the hashes are the same on every run) until two hashes
    share a first character that is a letter, then ask for that one character."""
    original = sample.read_bytes()
    by_first: dict[str, list[store.Draft]] = {}
    for n in range(40):
        content = original.replace(b"session: 13", f"session: {n % 16 + 1}".encode()).replace(
            b"You felt trapped", f"You felt trapped {n}".encode()
        )
        draft = store.save(sample, "therapist", content=content, time=f"2026-05-01T10:{n:02d}:00+00:00").draft
        if draft.hash[0].isalpha():
            by_first.setdefault(draft.hash[0], []).append(draft)
            if len(by_first[draft.hash[0]]) == 2:
                break
    prefix, (one, two) = next((k, v) for k, v in by_first.items() if len(v) == 2)
    with pytest.raises(store.HistoryError, match="matches several drafts"):
        letterkit.open_letter(f"{sample}@{prefix}")
    common = os.path.commonprefix([one.hash, two.hash])
    assert letterkit.open_letter(f"{sample}@{one.hash[: len(common) + 1]}").revision.draft == one
    result = run("draft", "show", str(sample), prefix)
    assert result.exit_code == 1 and "matches several drafts" in result.stderr


# --------------------------------------------------------------------------- printed drafts


def pdf_text(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def pdf_every_string(path: Path) -> str:
    """The PDF's page text, document info, XMP metadata and every decompressed stream."""
    import pypdf

    reader = pypdf.PdfReader(path)
    parts = [page.extract_text() for page in reader.pages]
    parts += [f"{k} {v}" for k, v in (reader.metadata or {}).items()]
    if reader.xmp_metadata is not None:
        parts.append(reader.xmp_metadata.stream.get_data().decode("utf-8", "replace"))
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if obj is None:
            continue
        if isinstance(obj, pypdf.generic.StreamObject):
            try:
                parts.append(obj.get_data().decode("latin-1"))
            except Exception:
                pass
        parts.append(str(obj))
    return "\n".join(parts)


def test_a_saved_draft_prints_its_number_and_date_on_every_page(
    three_drafts: tuple[Path, list[bytes]],
) -> None:
    letter, _ = three_drafts
    draft = letterkit.history(letter)[1]
    result = run("render", f"{letter}@2", "-f", "pdf")
    assert result.exit_code == 0, result.output
    out = letter.with_name("peter-draft2.pdf")
    pages = pdf_text(out)
    assert len(pages) >= 2
    label = f"Draft 2 · {compose.long_date(draft.date)}"
    for page in pages:
        assert label in page
        assert f"Ref {draft.short}" in page
    joined = " ".join(" ".join(pages).split())
    assert "You felt stuck" in joined and "We have three sessions left" in joined  # draft 2's text


def test_an_agreed_letter_with_history_carries_its_ref_and_never_says_draft(
    sample: Path, tmp_path: Path
) -> None:
    edit(sample, "status: draft", "status: agreed")
    assert run("draft", "save", str(sample), "--author", "joint", "--name", "Helen and Peter").exit_code == 0
    short = letterkit.history(sample)[-1].short
    out = tmp_path / "agreed.pdf"
    assert run("render", str(sample), "-o", str(out)).exit_code == 0
    pages = pdf_text(out)
    for page in pages:
        assert f"Ref {short}" in page
    everything = pdf_every_string(out)
    assert "Peter" in everything and short in everything  # the scan does see the content
    assert not re.search("draft", everything, re.IGNORECASE)


def test_the_reference_says_when_the_file_changed_since_its_draft(
    three_drafts: tuple[Path, list[bytes]],
) -> None:
    letter, _ = three_drafts
    short = letterkit.history(letter)[-1].short
    assert f"Ref: {short}\n" in run("render", str(letter)).stdout
    edit(letter, "Peter, thank you", "Peter, many thanks")
    assert f"Ref: {short}, changed since" in run("render", str(letter)).stdout
    assert "Ref: " not in run("render", str(SAMPLES / "peter-goodbye.yaml")).stdout


# --------------------------------------------------------------------------- verify


def test_verify_passes_for_an_intact_history(three_drafts: tuple[Path, list[bytes]]) -> None:
    letter, _ = three_drafts
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 0
    assert result.stdout == f"{letter}: 3 drafts, history intact.\n"
    assert letterkit.verify(letter).problems == ()


def test_verify_of_a_letter_without_history(sample: Path) -> None:
    result = run("draft", "verify", str(sample))
    assert result.exit_code == 1 and "no saved drafts" in result.stderr


@pytest.mark.parametrize("offset", [0, 100, -2])
def test_verify_names_a_draft_whose_letter_changed_by_one_byte(
    three_drafts: tuple[Path, list[bytes]], offset: int
) -> None:
    letter, _ = three_drafts
    target = store.history_dir(letter) / "0002.yaml"
    data = bytearray(target.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert "draft 2" in result.stderr and "0002.yaml" in result.stderr
    assert "changed" in result.stderr
    assert "draft 1" not in result.stderr and "draft 3" not in result.stderr


def test_verify_catches_an_edited_record(three_drafts: tuple[Path, list[bytes]]) -> None:
    letter, _ = three_drafts
    record = store.history_dir(letter) / "0001.json"
    fields = json.loads(record.read_text(encoding="utf-8"))
    fields["note"] = "Written by someone else"
    record.write_text(json.dumps(fields, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert "draft 1: the record was edited" in result.stderr


def test_verify_catches_a_rewritten_record_through_the_chain(three_drafts: tuple[Path, list[bytes]]) -> None:
    """Even with its own hash recomputed, a changed record breaks the next record's link."""
    letter, _ = three_drafts
    record = store.history_dir(letter) / "0002.json"
    fields = json.loads(record.read_text(encoding="utf-8"))

    def documented_hash(fields: dict[str, Any]) -> str:
        """The record hash as FORMAT.txt tells anyone to compute it: the SHA-256 of the record's
        other fields as compact sorted JSON (what someone rewriting a record would do)."""
        other = {name: value for name, value in fields.items() if name != "hash"}
        return hashlib.sha256(json.dumps(other, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    described = " ".join((record.parent / "FORMAT.txt").read_text(encoding="utf-8").split())
    assert "the SHA-256 of the record's other fields as compact sorted JSON" in described
    assert documented_hash(fields) == fields["hash"]  # the recipe is right, so the forgery is good
    fields["role"] = "therapist"
    fields["hash"] = documented_hash(fields)
    record.write_text(json.dumps(fields, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert "draft 3: the chain is broken" in result.stderr


@pytest.mark.parametrize("name", ["0002.json", "0002.yaml", "0001.json"])
def test_verify_catches_a_deleted_file(three_drafts: tuple[Path, list[bytes]], name: str) -> None:
    letter, _ = three_drafts
    (store.history_dir(letter) / name).unlink()
    result = run("draft", "verify", str(letter))
    assert result.exit_code == 1
    assert name.replace(".json", ".yaml") in result.stderr or name in result.stderr
    if name.endswith(".yaml"):
        assert "draft 2: the saved letter is missing" in result.stderr
    else:
        assert "a saved letter with no record" in result.stderr


def test_history_files_are_owner_only(three_drafts: tuple[Path, list[bytes]]) -> None:
    letter, _ = three_drafts
    folder = store.history_dir(letter)
    assert mode(folder) == 0o700
    files = list(folder.iterdir())
    assert {p.name for p in files} >= {"FORMAT.txt", "0001.yaml", "0001.json", "0003.json"}
    for path in files:
        assert mode(path) == 0o600, path
    assert "0001.yaml" in (folder / "FORMAT.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- several processes at once

WORKER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import letterkit.drafts.store as store

    letter, who, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    base = Path(letter).read_bytes()
    import filelock
    import letterkit.model.loading as loading
    loading.load_text(base.decode("utf-8"), letter)  # warm up: the first validation builds the models
    Path(f"{go}.{who}").touch()  # ready
    while not go.exists():
        time.sleep(0.005)
    for n in range(count):
        content = base.replace(b"You felt trapped", f"You felt trapped ({who} {n})".encode())
        result = store.save(letter, "therapist", who, f"{who} {n}", content=content)
        assert result.saved, result.message
        time.sleep(0.02)  # let the other process in
    """
)


def test_concurrent_saves_lose_no_draft(sample: Path, tmp_path: Path) -> None:
    workers, saves = 2, 5
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(sample), f"w{w}", str(saves), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(workers)
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.w{w}").exists() for w in range(workers)):  # both ready, then go together
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    history = letterkit.history(sample)
    assert [d.number for d in history] == list(range(1, workers * saves + 1))
    assert sorted(d.note for d in history) == sorted(
        f"w{w} {n}" for w in range(workers) for n in range(saves)
    )
    for w in range(workers):  # each process's own saves are in its order
        mine = [d.note for d in history if d.name == f"w{w}"]
        assert mine == [f"w{w} {n}" for n in range(saves)]
    for draft in history:
        content = store.draft_content(sample, draft)
        assert f"({draft.note})".encode() in content
    assert letterkit.verify(sample).problems == ()
    assert run("draft", "verify", str(sample)).exit_code == 0
    assert len(run("draft", "log", str(sample)).stdout.splitlines()) == workers * saves


def test_concurrent_cli_saves_of_one_file_record_it_once(sample: Path) -> None:
    procs = [
        subprocess.Popen(
            [*CLI, "draft", "save", str(sample), "--author", "therapist"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    assert len(letterkit.history(sample)) == 1
    assert sum("saved." in out and "nothing saved" not in out for out, _ in outputs) == 1
    assert sum("nothing saved" in out for out, _ in outputs) == 2
    assert letterkit.verify(sample).problems == ()


def test_validate_and_check_read_saved_drafts_too(tmp_path: Path) -> None:
    """The FILE@N syntax works wherever a letter is read, validate and check included."""
    import subprocess
    import sys

    letter = tmp_path / "peter.yaml"
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", letter)
    run = lambda *a: subprocess.run([sys.executable, "-m", "letterkit", *a], capture_output=True, text=True)  # noqa: E731
    assert run("draft", "save", str(letter), "--author", "therapist").returncode == 0
    letter.write_text("kind: goodbye-letter\n", encoding="utf-8")  # the working file is now broken
    assert run("validate", f"{letter}@1").returncode == 0
    assert run("validate", str(letter)).returncode == 1
    missing = run("validate", f"{letter}@7")
    assert missing.returncode == 1
    assert missing.stderr == f"{letter}@7: there is no draft 7; drafts run from 1 to 1\n"
    checked = run("check", f"{letter}@1")
    assert checked.returncode == 0 and f"{letter}@1: letter: info: reading age" in checked.stdout
