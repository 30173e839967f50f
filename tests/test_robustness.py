"""Robustness: any text a person can type goes through load → render → diff without a crash
and comes out intact; every bad input gives one clean line, never a traceback; every limit
holds and bounds the work.

Hypothesis drives arbitrary text through a real letter file (written with yaml.safe_dump and
read back by letterkit). The loader refuses control characters by design, so the main text
strategy leaves them out (apart from newline and tab) and a separate test checks that each of
them gets a clean LetterFileError. The command line is run as a real process for the
clear-error cases, and in-process (CliRunner) where a failure has to be simulated.
"""

from __future__ import annotations

import copy
import errno
import importlib.util
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import GOODBYE_DATA, GOODBYE_YAML, ROOT
from helpers import Visible
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

import letterkit.api as api
import letterkit.model.loading as loading
from letterkit.api import RenderOptions
from letterkit.cli import main
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterValidationError,
    RenderError,
)

CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]
"""The C0 control characters and DEL, which the loader refuses by design."""

TYPED = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t")
"""Anything a person can type or paste: every code point but surrogates and control
characters, plus newline and tab."""

FIELDS = ("background", "ipaf.self", "changes[0]", "closing", "patient.preferred_name")


# --------------------------------------------------------------------------- helpers


def visible_text(html: str) -> str:
    return Visible(html).text


def with_texts(texts: dict[str, str]) -> dict[str, Any]:
    data = copy.deepcopy(GOODBYE_DATA)
    for name, value in texts.items():
        if name == "ipaf.self":
            data["ipaf"]["self"] = value
        elif name == "changes[0]":
            data["changes"] = [value, "You told your sister how you really felt about the move."]
        elif name == "patient.preferred_name":
            data["patient"]["preferred_name"] = value
        else:
            data[name] = value
    return data


def field_value(letter: Any, name: str) -> str:
    if name == "ipaf.self":
        return str(letter.ipaf.self_)
    if name == "changes[0]":
        return str(letter.changes[0])
    if name == "patient.preferred_name":
        return str(letter.patient.preferred_name)
    return str(getattr(letter, name))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "letterkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def one_clean_line(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The command failed with ``code`` and said why in exactly one line, with no traceback."""
    stderr = result.stderr
    assert result.returncode == code, stderr
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


# --------------------------------------------------------------------------- arbitrary text


NONBLANK = st.text(TYPED, min_size=1, max_size=60).filter(lambda s: s.strip() != "")


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.fixed_dictionaries({name: NONBLANK for name in FIELDS}))
@example(
    texts=dict.fromkeys(FIELDS, "# Owned\n- item\n> quote\n1. one\n<b>x</b> [l](https://e.x) `c` &amp; \\")
)
@example(texts=dict.fromkeys(FIELDS, "{{ 7*7 }} {% raw %} </p><script>x</script> &#60; &lt"))
@example(texts=dict.fromkeys(FIELDS, "Before\n===\n---\n  \t\n\n\nafter\u2028\u00a0x\ufeff\U0001f600"))
def test_any_text_loads_renders_and_survives(tmp_path: Path, texts: dict[str, str]) -> None:
    data = with_texts(texts)
    path = tmp_path / "letter.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        letter = api.load(path)
        md = api.render(letter, "md")
        html = api.render(letter, "html")
    except LetterkitError as error:  # allowed, but non-blank typed text should never need it
        pytest.fail(f"a letter with ordinary text was refused: {error}")
    assert isinstance(md, str) and isinstance(html, str)
    for name, value in texts.items():  # the file round trip keeps every character
        assert field_value(letter, name) == value, name

    # The same letter given as data is the same letter; against the plain letter, only the
    # fields we changed differ.
    assert not api.diff(api.load(data), letter)
    against_plain = api.diff(api.load(copy.deepcopy(GOODBYE_DATA)), letter)
    for change in against_plain.changes:
        assert change.path.startswith(
            ("background", "ipaf.self", "changes", "closing", "patient.preferred_name")
        )

    # Escaping keeps the text intact: each word the person typed is visible in the HTML.
    seen = visible_text(html)
    for name, value in texts.items():
        if "*" in value or "_" in value:
            continue  # emphasis markers are markup by design
        first, *rest = value.split() or [""]
        # a phrase framed in letterkit's sentence may lose the capital of its first word
        assert first in seen or first[:1].lower() + first[1:] in seen, (name, first)
        for word in rest:
            assert word in seen, (name, word)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    blank=st.text(st.sampled_from(" \t\n\u00a0\u2003\u3000"), max_size=6),
    field=st.sampled_from(FIELDS),
)
def test_blank_text_is_a_located_validation_error(tmp_path: Path, blank: str, field: str) -> None:
    path = tmp_path / "letter.yaml"
    path.write_text(yaml.safe_dump(with_texts({field: blank}), allow_unicode=True), encoding="utf-8")
    with pytest.raises(LetterValidationError) as caught:
        api.load(path)
    assert [p.path for p in caught.value.problems] == [field]
    assert all(p.line for p in caught.value.problems)


@pytest.mark.parametrize("line", ["===", "= = =", "-=-=", "---", "***", "___", "- - -"])
def test_a_rule_like_line_prints_as_typed(line: str) -> None:
    data = with_texts({"background": f"Before\n{line}\nafter"})
    html = api.render(api.load(data), "html")
    assert isinstance(html, str)
    seen = visible_text(html)
    assert f"Before\n{line}\nafter" in seen
    assert "\\" not in seen
    assert "<hr" not in html and "<h1" not in html


def test_draft_import_keeps_a_line_of_equals_signs(tmp_path: Path) -> None:
    data = with_texts({"background": "Before\n===\nafter & <b> 1. x"})
    path = tmp_path / "sam.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    api.save_draft(path, "therapist", "Nell Arbuthnot")
    md = api.render(api.load(path), "md")
    assert isinstance(md, str)
    edited = tmp_path / "sam.md"
    edited.write_text(md.replace("Before", "Earlier"), encoding="utf-8")
    # Rendered from the loaded letter, the copy carries no Ref line: name the draft it came from.
    result = api.import_edits(edited, path, "patient", "Samuel Ferris", base="1")
    assert result.saved is not None and result.changed == ("background",)
    assert api.load(path).background == "Earlier\n===\nafter & <b> 1. x"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.text(TYPED, max_size=30),
    control=st.sampled_from(CONTROL),
    after=st.text(TYPED, max_size=30),
)
def test_control_characters_get_a_clean_file_error(
    tmp_path: Path, before: str, control: str, after: str
) -> None:
    """A raw control character anywhere in the file is refused, with its line, before parsing."""
    text = GOODBYE_YAML.replace("very quiet.", "very quiet. " + before + control + after)
    line = text[: text.index(control)].count("\n") + 1
    path = tmp_path / "letter.yaml"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(LetterFileError) as caught:
        api.load(path)
    assert caught.value.problem.line == line
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)
    if control == "\x00":
        assert "binary" in str(caught.value)
    else:
        assert f"U+{ord(control):04X}" in str(caught.value)


@pytest.mark.parametrize(
    "value",
    ['"a\\e[2J\\e[31mb"', '"a\\x07b"', '"a\\0b"', '"a\\x1b]0;title\\x07b"'],
    ids=["esc", "bel", "nul", "osc"],
)
def test_escaped_control_characters_are_refused_too(tmp_path: Path, value: str) -> None:
    text = GOODBYE_YAML.replace(
        "background: You came because the winter felt endless and very quiet.", "background: " + value
    )
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        letter = api.load(path)
    except LetterFileError:
        return
    md = api.render(letter, "md")
    assert isinstance(md, str)
    assert not [c for c in CONTROL if c in md], [c for c in CONTROL if c in md]


# --------------------------------------------------------------------------- one clean line


BAD_FILES: dict[str, tuple[bytes, int | None, str]] = {
    "malformed-yaml": (b"kind: goodbye-letter\npatient:\n  name: [Samuel\n  ferris: x\n", 4, "YAML"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 3, "binary"),
    "invalid-utf8": (b"kind: goodbye-letter\nbackground: caf\xe9 au lait\n", 2, "UTF-8"),
    "control-character": (b"kind: goodbye-letter\n\nbackground: a\x1b[2Jb\n", 3, "control"),
    "wrong-type-session": (GOODBYE_YAML.replace("session: 13", "session: thirteen").encode(), 11, "session"),
    "wrong-type-list": (
        GOODBYE_YAML.replace(
            "changes:\n  - You told your sister how you really felt about the move.",
            "changes: You told your sister.",
        ).encode(),
        36,
        "changes",
    ),
    "a-list": (b"- kind: goodbye-letter\n- patient: x\n", 1, "list"),
    "empty": (b"", None, "empty"),
}


@pytest.mark.parametrize("command", ["render", "validate"])
@pytest.mark.parametrize("case", BAD_FILES, ids=BAD_FILES.keys())
def test_bad_letter_files_give_one_clean_line(tmp_path: Path, case: str, command: str) -> None:
    content, line, word = BAD_FILES[case]
    path = tmp_path / "sam.yaml"
    path.write_bytes(content)
    args = (
        ["render", str(path), "-o", str(tmp_path / "out.md")]
        if command == "render"
        else ["validate", str(path)]
    )
    message = one_clean_line(run_cli(*args))
    assert str(path) in message
    if line is not None:
        assert f"{path}:{line}:" in message, message
    assert word.lower() in message.lower(), message
    assert not (tmp_path / "out.md").exists()


def test_a_missing_template_is_one_clean_line(tmp_path: Path) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "letter.md.j2").write_text(
        "{% include 'no-such-part.md.j2' %}\n{{ body }}\n", encoding="utf-8"
    )
    result = run_cli("render", str(letter), "--template-dir", str(templates), "-o", str(tmp_path / "out.md"))
    message = one_clean_line(result)
    assert "no-such-part.md.j2" in message and "not found" in message
    assert not (tmp_path / "out.md").exists()


def test_a_missing_template_folder_is_one_clean_line(tmp_path: Path) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    message = one_clean_line(run_cli("render", str(letter), "--template-dir", str(tmp_path / "nope")))
    assert str(tmp_path / "nope") in message


@pytest.mark.parametrize("where", ["missing-folder", "proc", "file-as-folder", "sys"])
def test_an_unwritable_output_is_one_clean_line(tmp_path: Path, where: str) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    (tmp_path / "afile").write_text("I am a file\n", encoding="utf-8")
    output = {
        "missing-folder": str(tmp_path / "no" / "such" / "folder" / "out.md"),
        "proc": "/proc/letterkit-test-out.md",  # root can write almost anywhere, but not here
        "file-as-folder": str(tmp_path / "afile" / "out.md"),
        "sys": "/sys/letterkit-test-out.md",
    }[where]
    message = one_clean_line(run_cli("render", str(letter), "-o", output))
    assert output in message
    assert not Path(output).exists()
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "I am a file\n"


@pytest.mark.parametrize(
    "args",
    [
        ["render", "{letter}", "-f", "rtf"],
        ["render"],
        ["render", "{letter}", "-o", "{tmp}/out.rtf"],
        ["frobnicate"],
    ],
    ids=["bad-format", "no-file", "unknown-suffix", "unknown-command"],
)
def test_usage_mistakes_exit_2(tmp_path: Path, args: list[str]) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    result = run_cli(*[a.format(letter=letter, tmp=tmp_path) for a in args])
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr or "error" in result.stderr


def test_extract_from_a_non_pdf_is_one_clean_line(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"kind: goodbye-letter\n")
    message = one_clean_line(run_cli("extract", str(path)))
    assert str(path) in message


def test_a_refused_fetch_is_reported_once_naming_the_file(tmp_path: Path) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    css = tmp_path / "service.css"
    css.write_text("body { background: url(file:///etc/hostname); }\n", encoding="utf-8")
    result = run_cli("render", str(letter), "--css", str(css), "-o", str(tmp_path / "sam.pdf"))
    assert result.returncode == 0, result.stderr
    mentions = [line for line in result.stderr.splitlines() if "file:///etc/hostname" in line]
    assert len(mentions) == 1, result.stderr
    assert mentions[0].startswith(f"warning: {letter}: ")


def test_a_full_disk_keeps_the_earlier_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    letter = tmp_path / "sam.yaml"
    letter.write_text(GOODBYE_YAML, encoding="utf-8")
    out = tmp_path / "out" / "sam.md"
    out.parent.mkdir()
    first = CliRunner().invoke(main, ["render", str(letter), "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = out.read_bytes()
    assert b"Dear Sam" in before
    letter.write_text(GOODBYE_YAML.replace("endless", "endless and grey"), encoding="utf-8")

    real_fdopen = os.fdopen

    class FullDisk:
        """A file object that writes half of what it is given, then finds the disk full."""

        def __init__(self, raw: Any) -> None:
            self.raw = raw

        def write(self, data: bytes) -> int:
            self.raw.write(data[: len(data) // 2])
            self.raw.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.raw, name)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: Any) -> None:
            self.raw.close()

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        return FullDisk(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = CliRunner().invoke(main, ["render", str(letter), "-o", str(out)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "disk is full" in lines[0] and str(out) in lines[0]
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["sam.md"]  # no half-written temp file left


# --------------------------------------------------------------------------- bounded work


def test_a_file_over_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    filler = "word " * (1_153_434 // 5)  # 1.1 MiB
    path.write_text(GOODBYE_YAML.replace("very quiet.", "very quiet. " + filler), encoding="utf-8")
    assert path.stat().st_size > 1.1 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(LetterFileError) as caught:
        api.load(path)
    assert time.perf_counter() - started < 2
    assert re.search(r"1024 KiB|1 MiB|1,048,576", str(caught.value)), str(caught.value)
    assert str(path) in str(caught.value)
    message = one_clean_line(run_cli("validate", str(path)))
    assert re.search(r"1024 KiB|1 MiB", message)


def test_a_50000_word_letter_loads_and_renders(tmp_path: Path) -> None:
    data = copy.deepcopy(GOODBYE_DATA)
    words = [f"word{i % 997}" for i in range(50_000)]
    data["background"] = "\n\n".join(" ".join(words[i : i + 100]) for i in range(0, 50_000, 100))
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert path.stat().st_size < loading.MAX_BYTES
    started = time.perf_counter()
    letter = api.load(path)
    md = api.render(letter, "md")
    assert time.perf_counter() - started < 15
    assert isinstance(md, str)
    assert len(md.split()) > 50_000
    assert "word996" in md


BILLION_LAUGHS = (
    'kind: goodbye-letter\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "background: *i\n"
)


@pytest.mark.parametrize(
    "text, line, words",
    [
        (BILLION_LAUGHS, None, "alias"),
        ("kind: goodbye-letter\nbackground: " + "[" * 50 + "x" + "]" * 50 + "\n", 2, "nested"),
        (
            "kind: goodbye-letter\n"
            + "".join("  " * i + f"k{i}:\n" for i in range(50))
            + "  " * 50
            + "v: 1\n",
            None,
            "nested",
        ),
        ("kind: goodbye-letter\nchanges:\n" + "".join(f"  - item {i}\n" for i in range(10_000)), 3, "1000"),
        ("kind: goodbye-letter\nchanges: [" + ", ".join(["x"] * 10_000) + "]\n", 2, "1000"),
    ],
    ids=["billion-laughs", "nesting-50-flow", "nesting-50-block", "list-10000", "flow-list-10000"],
)
def test_structure_limits_refuse_quickly(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LetterFileError) as caught:
        api.load(path)
    assert time.perf_counter() - started < 2
    message = str(caught.value)
    assert words in message, message
    assert message.count(str(path)) == 1, message  # named once: not wrapped in a second error
    assert caught.value.problem.line is not None
    if line is not None:
        assert caught.value.problem.line == line


@pytest.fixture(scope="module")
def long_word_pdf() -> tuple[str, str, bytes]:
    """One PDF carrying a 5,000-character word and a 20,000-character line."""
    word = ("Floccinaucinihilipilification" * 200)[:5000]
    line = " ".join(f"w{i:05d}" for i in range(3400))[:20_000]
    data = copy.deepcopy(GOODBYE_DATA)
    data["status"] = "final"  # no DRAFT marks in the text, only the running footer
    data["background"] = "Start. " + word + " end.\n\n" + line
    result = api.default_workspace().render(api.load(data), RenderOptions(format="pdf"))
    assert isinstance(result.content, bytes)
    return word, line, result.content


def test_a_5000_character_word_and_a_20000_character_line_lay_out(
    long_word_pdf: tuple[str, str, bytes],
) -> None:
    word, line, pdf = long_word_pdf
    assert len(word) == 5000 and len(line) == 20_000 and "\n" not in line
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"Samuel Ferris\s+Page \d+ of \d+", " ", text)  # the running footer
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", word) in squeezed  # the word wraps, but every letter is printed
    tokens = line.split()
    assert tokens[-2] in text and tokens[len(tokens) // 2] in text  # the whole long line is printed


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_pdf_past_its_time_limit_is_stopped(goodbye_data: dict[str, Any]) -> None:
    letter = api.load(goodbye_data)
    started = time.perf_counter()
    with pytest.raises(RenderError) as caught:
        api.default_workspace().render(letter, RenderOptions(format="pdf", timeout=0.01))
    assert time.perf_counter() - started < 10
    assert re.search(r"longer than 0\.01 seconds|time limit", str(caught.value)), str(caught.value)
    # The thread is usable afterwards: a normal render works.
    assert isinstance(api.render(letter, "md"), str)


PROBE = "letterkit_probe_module"
"""A module the Python tags below name: importing it, calling it or building one of its objects
writes a file beside it, so a loader that honoured a tag would leave a trace."""
PROBE_SOURCE = """\
from pathlib import Path

TRACE = Path(__file__).with_name("trace.txt")


def leave_trace(what):
    with TRACE.open("a", encoding="utf-8") as out:
        out.write(what + "\\n")


leave_trace("imported")


def called(*args, **kwargs):
    leave_trace("called")
    return "called"


class Built:
    def __init__(self, *args, **kwargs):
        leave_trace("built")

    def __setstate__(self, state):
        leave_trace("built")
"""

PYTHON_TAGS = {
    "object": f"!!python/object:{PROBE}.Built {{a: 1}}",
    "object/apply": f"!!python/object/apply:{PROBE}.called [x]",
    "object/new": f"!!python/object/new:{PROBE}.Built [x]",
    "name": f"!!python/name:{PROBE}.called ''",
    "module": f"!!python/module:{PROBE} ''",
    "long form": f"!<tag:yaml.org,2002:python/object/apply:{PROBE}.called> [x]",
}


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The probe module on the import path (of this process and of the CLI's); returns the
    trace file it would write."""
    folder = tmp_path / "probe"
    folder.mkdir()
    (folder / f"{PROBE}.py").write_text(PROBE_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.delitem(sys.modules, PROBE, raising=False)
    yield folder / "trace.txt"
    sys.modules.pop(PROBE, None)


@pytest.mark.parametrize("tag", list(PYTHON_TAGS.values()), ids=list(PYTHON_TAGS))
def test_python_tags_are_refused_and_nothing_is_built(probe: Path, tmp_path: Path, tag: str) -> None:
    text = f"kind: goodbye-letter\nbackground: {tag}\nclosing: Thank you.\n"
    path = tmp_path / "tagged.yaml"
    path.write_text(text, encoding="utf-8")
    refused = "is not valid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/"
    for name, load in (
        ("tagged.yaml", lambda: loading.load_text(text, "tagged.yaml")),
        (str(path), lambda: api.load(path)),
    ):
        with pytest.raises(LetterFileError) as caught:
            load()
        message = str(caught.value)
        assert message.startswith(f"{name}:2: {refused}"), message
        assert PROBE in message and "\n" not in message  # one line, naming the tag it refused
    assert one_clean_line(run_cli("validate", str(path))).startswith(f"{path}:2: {refused}")
    assert PROBE not in sys.modules, "the loader imported the module a tag names"
    assert not probe.exists(), f"the loader acted on a Python tag: {probe.read_text(encoding='utf-8')}"
    # The probe works: a loader that honours Python tags does leave the trace.
    yaml.unsafe_load(text)
    assert probe.exists()


def test_only_letterkit_errors_escape_the_loader() -> None:
    """Odd but well-formed YAML gives a LetterkitError, never anything else."""
    odd = [
        "kind: goodbye-letter\n? [a, b]\n: c\n",
        "kind: goodbye-letter\n!!python/object:os.system {}\n",
        "kind: !!binary aGVsbG8=\n",
        "kind: goodbye-letter\n<<: {a: 1}\n",
        "kind: goodbye-letter\nsession: 1e999999\n",
        "kind: goodbye-letter\nsession: 0x" + "f" * 5000 + "\n",
        "%YAML 1.1\n%TAG ! tag:x,2000:\n---\nkind: !x goodbye-letter\n",
        "kind: goodbye-letter\n---\nkind: formulation\n",
        "\ufeff\ufeffkind: goodbye-letter\n",
        "kind: goodbye-letter\ndate: 2026-02-30\n",
        "kind: goodbye-letter\nsession: 99999999999999999999999999999\n",
        "{" * 5 + "\n",
        '"' + "a" * 100 + "\n",
        "kind: goodbye-letter\nbackground: &x text\nclosing: *x\n",
    ]
    for text in odd:
        try:
            loading.load_text(text, "odd.yaml")
        except LetterkitError:
            continue


# --------------------------------------------------------------------------- archive PDFs


@pytest.fixture(scope="module")
def archive_pdf() -> tuple[bytes, bytes]:
    source = GOODBYE_YAML.encode()
    letter = loading.load_text(GOODBYE_YAML, "sam.yaml")
    result = api.default_workspace().render(
        letter, RenderOptions(format="pdf", archive=True), source=source, source_name="sam.yaml"
    )
    assert isinstance(result.content, bytes)
    assert api.extract  # the public function
    return result.content, source


def _damage_attachment(pdf: bytes, old: bytes, new: bytes) -> bytes:
    """Change the first ``old`` after the embedded file's /Type into ``new``."""
    at = pdf.index(b"/Type /EmbeddedFile")
    head, tail = pdf[:at], pdf[at:]
    assert old in tail, old
    return head + tail.replace(old, new, 1)


def test_extract_gives_back_the_letter_byte_for_byte(
    tmp_path: Path, archive_pdf: tuple[bytes, bytes]
) -> None:
    pdf, source = archive_pdf
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    assert api.extract(path) == ("sam.yaml", source)


@pytest.mark.parametrize(
    "old, new",
    [
        (b"/Filter /FlateDecode", b"/Filter /Fla,eDecode"),
        (b"/Filter /FlateDecode", b"/Filter /LZWDecode"),
        (b">>\nstream\n", b">>\nstrean\n"),
        (b"endstream", b"endstreax"),
    ],
    ids=["unknown-filter", "wrong-filter", "not-a-stream", "no-endstream"],
)
def test_a_damaged_archive_pdf_is_a_clean_error(
    tmp_path: Path, archive_pdf: tuple[bytes, bytes], old: bytes, new: bytes
) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(_damage_attachment(archive_pdf[0], old, new))
    with pytest.raises(LetterkitError):
        api.extract(path)


@pytest.mark.parametrize(
    "damage",
    [b"", b"%PDF-1.7\n" + b"x" * 100, b"not a pdf at all\n"],
    ids=["empty", "garbage", "text"],
)
def test_extract_from_a_non_pdf_is_a_clean_error(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(damage)
    with pytest.raises(LetterkitError, match=re.escape(str(path))):
        api.extract(path)


def test_an_archive_pdf_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import weasyprint

    letter = loading.load_text(GOODBYE_YAML, "sam.yaml")
    outputs = []
    for moment in (dt.datetime(2026, 3, 12, 9, 0, 0), dt.datetime(2026, 3, 13, 17, 30, 0)):

        class Clock(dt.datetime):
            at = moment

            @classmethod
            def now(cls, tz: Any = None) -> dt.datetime:  # type: ignore[override]
                return cls.at

        monkeypatch.setattr(weasyprint, "datetime", Clock)
        result = api.default_workspace().render(
            letter, RenderOptions(format="pdf", archive=True), source=b"x"
        )
        outputs.append(result.content)
    assert outputs[0] == outputs[1]


# --------------------------------------------------------------------------- the fuzz target


def test_the_loader_fuzz_target_runs_clean(tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (pip install atheris)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fuzz_loader.py"), "-runs=5000", "-seed=1", "-max_len=4096"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # libFuzzer may write crash-* files here
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(tmp_path.glob("crash-*"))
