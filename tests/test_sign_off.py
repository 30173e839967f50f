"""Supervisor sign-off: a letter that needs it (a trainee's) becomes final only once a supervisor
has signed off its latest draft, and only with nothing but its status changed since; a later
edit voids the sign-off. Through the workspace, ``letterkit draft sign-off`` and ``draft log``.
Fictional people only.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import run

from letterkit import RenderOptions, Workspace
from letterkit.errors import LetterkitError, NoSuchDraftError, SignOffError, SignOffNeededError

NAME = "peter-goodbye.yaml"
TRAINEE = ("therapist", "Sam Reyes", "")
SUPERVISOR = "Dr Ruth Adler"
NEEDS = f"{NAME}: this letter needs a supervisor's sign-off before it can be final"
RELEASE = Path(__file__).parent / "histories" / "release-0.1.0"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / NAME, tmp_path / NAME)
    return tmp_path


@pytest.fixture
def ws(folder: Path) -> Workspace:
    """A trainee's letter, saved once as draft 1."""
    made = Workspace(folder, needs_sign_off=lambda name: True)
    made.save_draft(NAME, *TRAINEE)
    return made


def _final(ws: Workspace, **changes: object) -> str:
    """Make the letter final (with ``changes``) and save it as a draft: the message."""
    work = ws.read_work(NAME)
    return ws.save_work(
        NAME, dict(work.data, status="final", **changes), work.version, draft_as=TRAINEE
    ).message


# --------------------------------------------------------------------------- the gate


def test_a_letter_needing_sign_off_cannot_be_final_without_it(ws: Workspace, folder: Path) -> None:
    before = (folder / NAME).read_bytes()
    with pytest.raises(SignOffNeededError) as refused:
        _final(ws)
    assert str(refused.value) == f"{NEEDS}: draft 1 is not signed off yet"
    assert (folder / NAME).read_bytes() == before  # nothing was written
    assert [d.number for d in ws.history(NAME)] == [1]


def test_saving_a_hand_edited_final_letter_is_refused_too(ws: Workspace, folder: Path) -> None:
    letter = folder / NAME
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
    )
    with pytest.raises(SignOffNeededError, match="draft 1 is not signed off yet"):
        ws.save_draft(NAME, *TRAINEE)
    assert [d.status for d in ws.history(NAME)] == ["draft"]


def test_after_sign_off_the_letter_can_be_made_final(ws: Workspace) -> None:
    signed = ws.attest(NAME, 1, SUPERVISOR, "Good to send")
    assert (signed.draft, signed.supervisor, signed.note, signed.holds) == (
        1,
        SUPERVISOR,
        "Good to send",
        True,
    )
    assert signed.text.startswith(f"Draft 1 signed off by {SUPERVISOR} on ")
    assert _final(ws).startswith("Draft 2 ")
    assert [(d.number, d.status) for d in ws.history(NAME)] == [(1, "draft"), (2, "final")]
    assert [s.holds for s in ws.attestations(NAME)] == [True]  # only the status changed since


def test_with_other_changes_than_the_status_it_is_refused(ws: Workspace, folder: Path) -> None:
    ws.attest(NAME, None, SUPERVISOR)
    before = (folder / NAME).read_bytes()
    with pytest.raises(SignOffNeededError) as refused:
        _final(ws, session=14)
    assert str(refused.value) == (
        f"{NEEDS}: it has changes since draft 1 was signed off; set its status to draft, save the changes "
        "as a draft and ask for a new sign-off"
    )
    assert (folder / NAME).read_bytes() == before


def test_a_later_edit_voids_the_sign_off(ws: Workspace) -> None:
    ws.attest(NAME, 1, SUPERVISOR)
    _final(ws)
    work = ws.read_work(NAME)
    # An edit to the final letter goes back to draft (as a save of a changed final letter does).
    saved = ws.save_work(NAME, dict(work.data, session=14), work.version, draft_as=TRAINEE)
    assert saved.data["status"] == "draft" and saved.message.startswith("Draft 3 ")
    [void] = ws.attestations(NAME)
    assert not void.holds and void.void == "draft 1 was changed after it was signed off (in draft 3)"
    assert void.text.endswith("no longer holds: draft 1 was changed after it was signed off (in draft 3)")
    with pytest.raises(SignOffNeededError) as refused:
        _final(ws)
    assert str(refused.value) == (
        f"{NEEDS}: draft 1 was changed after it was signed off (in draft 3), and draft 3 is not signed off yet"
    )
    ws.attest(NAME, 3, SUPERVISOR)  # a new sign-off of the latest draft
    assert _final(ws).startswith("Draft 4 ")
    assert [s.holds for s in ws.attestations(NAME)] == [False, True]


def test_an_edited_copy_brought_back_into_a_final_letter_voids_it(ws: Workspace, folder: Path) -> None:
    ws.attest(NAME, 1, SUPERVISOR)
    _final(ws)
    copy = folder / "peter.md"
    copy.write_text(str(ws.render_file(NAME, RenderOptions(format="md")).rendered.content), encoding="utf-8")
    text = copy.read_text(encoding="utf-8")
    assert "You came to see me" in text
    copy.write_text(text.replace("You came to see me", "You first came to see me", 1), encoding="utf-8")
    imported = ws.import_edits(copy, NAME, "patient", "Peter Hale")
    assert imported.saved is not None and imported.saved.draft.status == "draft"
    assert not ws.attestations(NAME)[0].holds


def test_a_letter_that_needs_no_sign_off_becomes_final_as_before(folder: Path) -> None:
    ws = Workspace(folder, needs_sign_off=lambda name: name != NAME)
    ws.save_draft(NAME, *TRAINEE)
    assert not ws.sign_off_needed(NAME)
    assert _final(ws).startswith("Draft 2 ")


def test_the_supervised_setting_asks_for_sign_off(folder: Path) -> None:
    ws = Workspace(folder)
    assert not ws.sign_off_needed(NAME)
    (folder / "letterkit.toml").write_text("supervised = true\n", encoding="utf-8")
    assert ws.sign_off_needed(NAME)
    ws.save_draft(NAME, *TRAINEE)
    with pytest.raises(SignOffNeededError):
        _final(ws)


# --------------------------------------------------------------------------- signing off


def test_only_the_latest_saved_draft_can_be_signed_off(ws: Workspace) -> None:
    work = ws.read_work(NAME)
    ws.save_work(NAME, dict(work.data, session=14), work.version, draft_as=TRAINEE)
    with pytest.raises(SignOffError) as refused:
        ws.attest(NAME, 1, SUPERVISOR)
    assert str(refused.value) == (
        f"{NAME}: draft 1 is not the latest saved draft (draft 2 is); only the latest draft can be signed off"
    )
    with pytest.raises(NoSuchDraftError) as missing:
        ws.attest(NAME, 7, SUPERVISOR)
    assert str(missing.value) == f"{NAME}: there is no draft 7; drafts run from 1 to 2"
    with pytest.raises(SignOffError, match="give the supervisor's name"):
        ws.attest(NAME, 2, "  ")
    ws.attest(NAME, 2, SUPERVISOR)
    with pytest.raises(SignOffError, match=f"draft 2 is signed off already, by {SUPERVISOR}"):
        ws.attest(NAME, 2, SUPERVISOR)
    assert [s.draft for s in ws.attestations(NAME)] == [2]


def test_a_letter_with_no_saved_draft_cannot_be_signed_off(folder: Path) -> None:
    ws = Workspace(folder)
    with pytest.raises(SignOffError, match="has no saved drafts yet"):
        ws.attest(NAME, None, SUPERVISOR)
    with pytest.raises(LetterkitError, match="no such letter"):
        ws.attest("nobody.yaml", None, SUPERVISOR)
    assert not (folder / f"{NAME}.drafts").exists()


def test_a_history_from_before_sign_offs_reads_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    shutil.copytree(RELEASE / "peter.yaml.drafts", folder / "peter.yaml.drafts")
    shutil.copy(RELEASE / "peter.yaml", folder / "peter.yaml")
    before = sorted(p.name for p in (folder / "peter.yaml.drafts").iterdir())
    ws = Workspace(folder)
    assert ws.attestations("peter.yaml") == ()
    assert ws.verify("peter.yaml").problems == ()
    assert len(ws.draft_log("peter.yaml").drafts) == 3
    assert sorted(p.name for p in (folder / "peter.yaml.drafts").iterdir()) == before


def test_verify_names_a_sign_off_that_was_changed(ws: Workspace, folder: Path) -> None:
    ws.attest(NAME, 1, SUPERVISOR)
    record = folder / f"{NAME}.drafts" / "attestations" / "0001.json"
    fields = json.loads(record.read_text(encoding="utf-8"))
    assert sorted(fields) == ["draft", "draft_hash", "hash", "note", "number", "parent", "supervisor", "time"]
    record.write_text(json.dumps({**fields, "supervisor": "Dr Rob Adler"}), encoding="utf-8")
    assert ws.verify(NAME).problems == (f"{record.parent}: sign-off 1 was edited (its hash does not match)",)
    result = run("draft", "verify", str(folder / NAME))
    assert result.exit_code == 1 and "sign-off 1 was edited" in result.stderr


def test_verify_names_a_stray_file_among_the_sign_offs(ws: Workspace, folder: Path) -> None:
    ws.attest(NAME, 1, SUPERVISOR)
    stray = folder / f"{NAME}.drafts" / "attestations" / "0001 (copy).json"
    stray.write_text("{}", encoding="utf-8")
    assert ws.verify(NAME).problems == (
        f"{stray}: is not one of the sign-offs' files; move it out of this folder",
    )


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def supervised(folder: Path) -> Path:
    """A trainee's letter in a supervised folder, saved once as draft 1."""
    (folder / "letterkit.toml").write_text("supervised = true\n", encoding="utf-8")
    letter = folder / NAME
    assert run("draft", "save", str(letter), "--author", "therapist", "--name", "Sam Reyes").exit_code == 0
    return letter


def test_sign_off_then_final_at_the_command_line(supervised: Path) -> None:
    letter = supervised
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
    )
    refused = run("draft", "save", str(letter), "--author", "therapist")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"letterkit: {letter}: this letter needs a supervisor's sign-off before it can be final: draft 1 is not "
        "signed off yet (a supervisor signs the latest draft off with `letterkit draft sign-off FILE --by NAME`; "
        "`letterkit draft log FILE` shows the sign-offs)"
    ]
    signed = run("draft", "sign-off", str(letter), "--by", SUPERVISOR, "--note", "Good to send")
    assert signed.exit_code == 0, signed.stderr
    assert signed.stdout.startswith(f"Draft 1 signed off by {SUPERVISOR} on ")
    saved = run("draft", "save", str(letter), "--author", "therapist")
    assert saved.exit_code == 0 and saved.stdout.startswith("Draft 2 "), saved.stderr
    log = run("draft", "log", str(letter)).stdout.splitlines()
    assert log[0].startswith("  2 ") and log[0].endswith("therapist [final]")
    assert log[1].startswith(f"    draft 1 signed off by {SUPERVISOR} 20") and log[1].endswith(
        ": Good to send"
    )
    assert log[2].startswith("  1 ")


def test_draft_log_marks_a_void_sign_off(supervised: Path) -> None:
    assert run("draft", "sign-off", str(supervised), "--by", SUPERVISOR).exit_code == 0
    text = supervised.read_text(encoding="utf-8")
    supervised.write_text(text.replace("session: 13", "session: 14"), encoding="utf-8")
    assert run("draft", "save", str(supervised), "--author", "therapist").exit_code == 0
    log = run("draft", "log", str(supervised)).stdout.splitlines()
    assert log[1].endswith("[void: draft 1 was changed after it was signed off (in draft 2)]")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--draft", "3"), "there is no draft 3; drafts run from 1 to 1"),
        (("--by", " "), "give the supervisor's name to sign off draft 1"),
    ],
)
def test_a_refused_sign_off_is_one_line_and_exit_1(
    supervised: Path, args: tuple[str, ...], message: str
) -> None:
    by = () if "--by" in args else ("--by", SUPERVISOR)
    result = run("draft", "sign-off", str(supervised), *by, *args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"letterkit: {supervised}: {message}"]


def test_sign_off_without_a_name_is_a_usage_error(supervised: Path) -> None:
    result = run("draft", "sign-off", str(supervised))
    assert result.exit_code == 2 and "--by" in result.stderr


# --------------------------------------------------------------------------- the history page


def test_the_history_page_shows_each_sign_off_and_marks_a_void_one(ws: Workspace, folder: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from letterkit.web import create_app

    ws.attest(NAME, 1, SUPERVISOR, "Good to send")
    work = ws.read_work(NAME)
    ws.save_work(NAME, dict(work.data, session=14), work.version, draft_as=TRAINEE)
    ws.attest(NAME, 2, "Dr Chidi Obi")
    client = TestClient(create_app(folder, "token"), base_url="http://127.0.0.1:8000")
    client.get("/?token=token")
    page = client.get(f"/letters/{NAME}/history").text
    shown = re.findall(r'<li class="(holds|void)">([^<]*)</li>', page.split('class="sign-offs"', 1)[1])
    assert [(kind, text.split(" on ")[0]) for kind, text in shown] == [
        ("holds", "Draft 2 signed off by Dr Chidi Obi"),
        ("void", f"Draft 1 signed off by {SUPERVISOR}"),
    ]
    assert "no longer holds: draft 1 was changed after it was signed off (in draft 2)" in shown[1][1]
    assert "Good to send" in shown[1][1]


def test_the_http_api_answers_409_for_a_final_letter_not_signed_off(ws: Workspace, folder: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from letterkit.web import create_app

    service = Workspace(folder, needs_sign_off=lambda name: True)  # as a service passes its own
    client = TestClient(
        create_app(folder, "token", workspace=service),
        base_url="http://127.0.0.1:8000",
        headers={"Authorization": "Bearer token"},
    )
    doc = client.get(f"/api/v1/letters/{NAME}").json()
    final = dict(doc["letter"], status="final")
    refused = client.put(f"/api/v1/letters/{NAME}", json=final, headers={"If-Match": doc["version"]})
    assert refused.status_code == 409
    assert refused.json()["title"] == "Needs a supervisor's sign-off"
    assert refused.json()["detail"] == f"{NEEDS}: draft 1 is not signed off yet"
    assert client.get(f"/api/v1/letters/{NAME}/drafts").json()["sign_offs"] == []
    service.attest(NAME, 1, SUPERVISOR)
    [listed] = client.get(f"/api/v1/letters/{NAME}/drafts").json()["sign_offs"]
    assert (listed["draft"], listed["supervisor"], listed["holds"], listed["void"]) == (
        1,
        SUPERVISOR,
        True,
        None,
    )
    doc = client.get(f"/api/v1/letters/{NAME}").json()
    saved = client.put(f"/api/v1/letters/{NAME}", json=final, headers={"If-Match": doc["version"]})
    assert saved.status_code == 200 and saved.json()["letter"]["status"] == "final"


def test_the_letter_page_says_why_it_cannot_be_final_and_keeps_the_form(folder: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from letterkit.web import create_app

    (folder / "letterkit.toml").write_text("supervised = true\n", encoding="utf-8")
    Workspace(folder).save_draft(NAME, *TRAINEE)
    base = "http://127.0.0.1:8000"
    client = TestClient(create_app(folder, "token"), base_url=base, headers={"Accept": "text/html"})
    client.get("/?token=token")
    page = client.get(f"/letters/{NAME}").text
    form = page.split('id="letter-form"', 1)[1].split("</form>", 1)[0]
    values = {
        k: html.unescape(v) for k, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }
    values |= {
        k: html.unescape(v)
        for k, v in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S)
    }
    values["status"] = "final"
    values["ipaf.self"] = "Words typed before asking for sign-off."
    before = (folder / NAME).read_bytes()
    r = client.post(f"/letters/{NAME}", data={**values, "action": "draft"}, headers={"Origin": base})
    assert r.status_code == 409
    assert "needs a supervisor&#39;s sign-off before it can be final: draft 1 is not signed off yet" in r.text
    assert "Words typed before asking for sign-off." in r.text
    assert (folder / NAME).read_bytes() == before


def test_verify_names_a_sign_off_of_a_draft_not_in_the_history(ws: Workspace, folder: Path) -> None:
    from letterkit.drafts import attestations

    record = attestations.chain([], {"draft": 9, "draft_hash": "a" * 64, "supervisor": SUPERVISOR})
    kept = folder / f"{NAME}.drafts" / "attestations"
    kept.mkdir()
    (kept / "0001.json").write_text(json.dumps(record.to_json()), encoding="utf-8")
    assert ws.verify(NAME).problems == (f"{kept}: sign-off 1 names draft 9, which is not in the history",)
    assert not ws.attestations(NAME)[0].holds


def test_the_log_as_data(ws: Workspace) -> None:
    ws.attest(NAME, 1, SUPERVISOR, "Good to send")
    log = ws.draft_log(NAME)
    assert [d.number for d in log.drafts] == [1] and log.to_text().count("\n") == 2
    shown = log.to_json()
    assert [d["number"] for d in shown["drafts"]] == [1]
    assert shown["sign_offs"][0] | {"time": ""} == {
        "number": 1,
        "draft": 1,
        "draft_hash": log.drafts[0].hash,
        "supervisor": SUPERVISOR,
        "note": "Good to send",
        "time": "",
        "holds": True,
        "void": None,
    }


# --------------------------------------------------------------------------- printing a final letter


def test_a_final_letter_not_signed_off_is_not_printed(ws: Workspace, folder: Path) -> None:
    letter = folder / NAME
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
    )
    with pytest.raises(SignOffNeededError) as refused:
        ws.render_file(NAME, RenderOptions(format="md"))
    assert str(refused.value) == f"{folder / NEEDS}: draft 1 is not signed off yet"  # the letter's path
    assert not (folder / "peter-goodbye.md").exists()


def test_a_signed_off_final_draft_prints_even_after_a_later_edit(ws: Workspace) -> None:
    ws.attest(NAME, 1, SUPERVISOR)
    _final(ws)
    assert "Peter" in str(ws.render_file(NAME, RenderOptions(format="md")).rendered.content)
    work = ws.read_work(NAME)
    ws.save_work(NAME, dict(work.data, session=14), work.version, draft_as=TRAINEE)  # draft 3, back to draft
    assert ws.render_file(f"{NAME}@2", RenderOptions(format="md")).rendered is not None  # final as signed off
    assert ws.render_file(NAME, RenderOptions(format="md")).rendered is not None  # a draft again


def test_render_of_a_final_letter_not_signed_off_is_one_line_at_the_command_line(supervised: Path) -> None:
    supervised.write_text(
        supervised.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
    )
    result = run("render", str(supervised), "-f", "md")
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert (
        "needs a supervisor's sign-off before it can be final: draft 1 is not signed off yet" in result.stderr
    )
