"""The command line, through Click's CliRunner and as a real process (``python -m letterkit``).

Messages go to stderr and results to stdout; a broken input never shows a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLES
from helpers import run, run_process

import letterkit.api as api
from letterkit.cli import main

SESSION = "should be a session number from 1 to 16"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def letter(tmp_path, goodbye_yaml, write_letter) -> Path:
    return write_letter(tmp_path, goodbye_yaml, "sam.yaml")


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of a sample letter, with its service settings beside it."""
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    return Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter-goodbye.yaml"))


# ------------------------------------------------------------------ validate


def test_validate_success(letter):
    result = run("validate", str(letter))
    assert result.exit_code == 0
    assert result.stdout == "1 letter valid.\n"
    assert result.stderr == ""


def test_validate_several(letter, formulation_yaml, write_letter, tmp_path):
    other = write_letter(tmp_path, formulation_yaml, "zoe.yaml")
    result = run("validate", str(letter), str(other), *map(str, sorted(SAMPLES.glob("*.yaml"))))
    assert result.exit_code == 0
    assert result.stdout == "6 letters valid.\n"


def test_validate_failure_lists_every_problem_on_stderr(goodbye_yaml, write_letter, tmp_path):
    text = goodbye_yaml.replace("session: 13", "session: 20").replace("status: draft", "status: sent")
    bad = write_letter(tmp_path, text, "bad.yaml")
    folder = tmp_path / "folder"
    folder.mkdir()
    missing = tmp_path / "missing.yaml"
    result = run("validate", str(bad), str(folder), str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:2: status: should be one of 'draft', 'agreed' or 'final'",
        f"{bad}:11: session: {SESSION}",
        f"{folder}: is a folder, not a letter file",
        f"{missing}: no such file — check the name and folder",
    ]


def test_validate_needs_a_file():
    result = run("validate")
    assert result.exit_code == 2
    assert "Missing argument 'FILES...'" in result.stderr


# ------------------------------------------------------------------ render


def test_render_markdown_to_stdout(sample):
    result = run("render", str(sample))
    assert result.exit_code == 0, result.stderr
    expected = api.render(api.load(sample), "md", settings=api.settings_for(sample))
    assert result.stdout == expected
    assert result.stdout.startswith("# Northbridge Talking Therapies\n")
    assert result.stderr == ""


def test_render_html_inferred_from_output_name(letter, tmp_path):
    out = tmp_path / "sam.html"
    result = run("render", str(letter), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>The pattern we have been working on</h2>" in page
    assert mode(out) == 0o600


def test_render_markdown_to_a_file(letter, tmp_path):
    out = tmp_path / "sam.md"
    assert run("render", str(letter), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Eastwick Talking Service\n")
    assert mode(out) == 0o600


def test_explicit_format_wins_over_the_output_name(letter, tmp_path):
    out = tmp_path / "sam.txt"
    assert run("render", str(letter), "-f", "html", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_unknown_output_extension_is_a_usage_error(letter, tmp_path):
    result = run("render", str(letter), "-o", str(tmp_path / "sam.rtf"))
    assert result.exit_code == 2
    assert "cannot tell the format from" in result.stderr
    assert not (tmp_path / "sam.rtf").exists()


def test_render_pdf_without_output_writes_beside_the_letter(sample, tmp_path):
    result = run("render", str(sample), "-f", "pdf")
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "peter-goodbye.pdf"
    assert result.stderr == f"Wrote {pdf}\n"
    assert result.stdout == ""
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert mode(pdf) == 0o600


def test_validate_a_directory(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}: is a folder, not a letter file\n"
    assert result.stdout == ""


def test_render_a_folder_needs_an_output_folder(tmp_path):
    # A folder is a batch of letters (``render FOLDER -o OUT/``); without -o it is a usage mistake.
    result = run("render", str(tmp_path))
    assert result.exit_code == 2
    assert "usage error: several letters (or a folder) need an output folder (see -o)" in result.stderr
    assert result.stdout == ""


def test_render_a_missing_file(tmp_path):
    missing = tmp_path / "nobody.yaml"
    result = run("render", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"{missing}: no such file — check the name and folder\n"


def test_render_an_invalid_letter(goodbye_yaml, write_letter, tmp_path):
    bad = write_letter(tmp_path, goodbye_yaml.replace("session: 13", "session: 17"))
    result = run("render", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"{bad}:11: session: {SESSION}\n"
    assert result.stdout == ""


def test_render_an_invalid_letter_lists_every_problem(goodbye_yaml, write_letter, tmp_path):
    text = goodbye_yaml.replace("session: 13", "session: 17").replace("status: draft", "status: sent")
    bad = write_letter(tmp_path, text)
    result = run("render", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:2: status: should be one of 'draft', 'agreed' or 'final'",
        f"{bad}:11: session: {SESSION}",
    ]


def test_render_unknown_format_is_a_usage_error(letter):
    result = run("render", str(letter), "-f", "rtf")
    assert result.exit_code == 2
    assert (
        "Invalid value for '-f' / '--format': 'rtf' is not one of 'md', 'html', 'pdf', 'docx'"
        in result.stderr
    )


def test_render_into_a_missing_folder(letter, tmp_path):
    out = tmp_path / "no" / "sam.md"
    result = run("render", str(letter), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"letterkit: {out}: the folder {tmp_path / 'no'} does not exist\n"


def test_render_with_bad_settings_beside_the_letter(letter, tmp_path):
    (tmp_path / "letterkit.toml").write_text("[service\n", encoding="utf-8")
    result = run("render", str(letter))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"letterkit: {tmp_path / 'letterkit.toml'}: is not valid TOML")


def test_render_with_explicit_settings(letter, tmp_path):
    settings = tmp_path / "service.toml"
    settings.write_text('[service]\nname = "Westfold Wellbeing"\n', encoding="utf-8")
    result = run("render", str(letter), "--settings", str(settings))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Westfold Wellbeing\n")


def test_render_with_a_broken_template(letter, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "goodbye-letter.md.j2").write_text("{{ nope }}\n", encoding="utf-8")
    result = run("render", str(letter), "--template-dir", str(folder))
    assert result.exit_code == 1
    assert result.stderr == "letterkit: goodbye-letter.md.j2: template error: 'nope' is undefined\n"


def test_debug_lets_the_exception_through(tmp_path):
    result = CliRunner().invoke(main, ["--debug", "render", str(tmp_path / "nobody.yaml")])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "LetterNotFoundError"


# ------------------------------------------------------------------ new and schema


@pytest.mark.parametrize("kind", ["goodbye-letter", "formulation"])
def test_new_then_validate(tmp_path, kind):
    out = tmp_path / "x.yaml"
    result = run("new", kind, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {out}: fill it in, then run `letterkit validate {out}`.\n"
    assert f"kind: {kind}\n" in out.read_text(encoding="utf-8")
    assert mode(out) == 0o600
    # An unfilled scaffold is not a letter: every example still in it is named.
    validated = run("validate", str(out))
    assert validated.exit_code == 1
    problems = validated.stderr.splitlines()
    assert (
        f"{out}:18: patient.name: still holds the scaffold's example [Full name] — write your own "
        "words in its place, or delete it if it is optional" in problems
    )
    assert all(": still holds the scaffold's example [" in line for line in problems)
    assert len(problems) == (21 if kind == "goodbye-letter" else 17)


def test_new_refuses_to_overwrite(tmp_path):
    out = tmp_path / "x.yaml"
    out.write_text("Sam's real letter, half written\n", encoding="utf-8")
    result = run("new", "goodbye-letter", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"letterkit: {out}: already exists and must not be replaced\n"
    assert out.read_text(encoding="utf-8") == "Sam's real letter, half written\n"


def test_new_to_stdout():
    result = run("new", "formulation")
    assert result.exit_code == 0
    assert result.stdout == api.scaffold("formulation")


def test_new_unknown_kind():
    assert run("new", "letter").exit_code == 2


def test_schema_prints_json():
    result = run("schema", "goodbye-letter")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "DIT goodbye letter"
    assert result.stderr == ""


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


# ------------------------------------------------------------------ a real process


def test_process_validate_success_and_failure(letter, goodbye_yaml, write_letter, tmp_path):
    ok = run_process("validate", str(letter))
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "1 letter valid.\n", "")
    bad = write_letter(tmp_path, goodbye_yaml.replace("session: 13", "session: twenty"), "bad.yaml")
    failed = run_process("validate", str(bad), str(tmp_path))
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.splitlines() == [
        f"{bad}:11: session: {SESSION}",
        f"{tmp_path}: is a folder, not a letter file",
    ]


def test_process_render_markdown_matches_the_runner(sample):
    result = run_process("render", sample.name, cwd=sample.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == run("render", str(sample)).stdout


def test_process_render_pdf_beside_the_letter(sample):
    result = run_process("render", sample.name, "-f", "pdf", cwd=sample.parent)
    assert result.returncode == 0, result.stderr
    pdf = sample.with_suffix(".pdf")
    assert result.stderr == "Wrote peter-goodbye.pdf\n"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert mode(pdf) == 0o600


def test_process_errors_are_clean(tmp_path):
    folder = run_process("validate", str(tmp_path))
    assert (folder.returncode, folder.stderr) == (1, f"{tmp_path}: is a folder, not a letter file\n")
    batch = run_process("render", str(tmp_path))
    assert batch.returncode == 2
    assert "need an output folder (see -o)" in batch.stderr
    missing = run_process("render", str(tmp_path / "nobody.yaml"))
    assert missing.returncode == 1
    assert missing.stderr == f"{tmp_path / 'nobody.yaml'}: no such file — check the name and folder\n"
    usage = run_process("render", str(tmp_path / "nobody.yaml"), "-f", "rtf")
    assert usage.returncode == 2
    assert "'rtf' is not one of 'md', 'html', 'pdf', 'docx'" in usage.stderr


def test_process_binary_file_is_clean(tmp_path):
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    result = run_process("render", str(path))
    assert result.returncode == 1
    assert result.stderr == f"{path}:3: looks like a binary file, not a letter\n"


# ------------------------------------------------------------------ every command documented


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(walk(command, path))
    return found


COMMANDS = walk(main)
README = (ROOT / "README.md").read_text(encoding="utf-8") if (ROOT / "README.md").is_file() else ""


def test_the_cli_has_the_core_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"validate", "render", "new", "schema"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and command.help.strip(), f"letterkit {' '.join(path)} has no help text"
    assert "Example" in command.help, f"letterkit {' '.join(path)}: its help has no example"
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert " ".join(command.help.strip().splitlines()[0].split()) in " ".join(result.stdout.split())


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path, command):
    name = "letterkit " + " ".join(path)
    assert re.search(re.escape(name) + r"(?![\w-])", README), f"README.md does not mention `{name}`"
