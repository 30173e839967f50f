"""The registries: a new kind is one entry plus its template; formats, styles and roles each
have one home; a Renderer is shared safely between threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from helpers import run_process as run_cli
from pydantic import Field

import letterkit
from letterkit.model import kinds
from letterkit.model.schema import LetterBase, Text

ROOT = Path(__file__).resolve().parent.parent


class ToyNote(LetterBase):
    """A kind that exists only in this test: a short note after an assessment."""

    kind: Literal["toy-note"]
    background: Text = Field(description="What did we talk about at the assessment?")


TOY = kinds.Kind(
    name="toy-note",
    model=ToyNote,
    title="A note after our first meeting",
    sections=(("background",),),
)

TOY_LETTER = {
    "kind": "toy-note",
    "patient": {"name": "Robin Vale", "preferred_name": "Robin"},
    "therapist": {"name": "Dr Ana Fenwick"},
    "ipaf": {"self": "You often feel you are a burden.", "other": "Others seem busy and far away."},
    "background": "We met once, to think about whether therapy could help.",
}


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[Path]:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "toy-note.md.j2").write_text(
        "## What we talked about\n\n{{ background }}\n", encoding="utf-8"
    )
    kinds.register(TOY)
    try:
        yield templates
    finally:
        kinds.unregister("toy-note")


def test_a_registered_kind_loads_validates_and_renders(toy: Path) -> None:
    assert "toy-note" in letterkit.letter_kinds()
    letter = letterkit.load(TOY_LETTER)
    assert isinstance(letter, ToyNote)
    md = (
        letterkit.Workspace()
        .render(letter, letterkit.RenderOptions(format="md", template_dir=str(toy)))
        .content
    )
    assert isinstance(md, str)
    assert md.startswith("Private and confidential") and "116 123" in md  # the shared frame and help
    assert "## What we talked about\n\nWe met once, to think about whether therapy could help." in md
    html = (
        letterkit.Workspace()
        .render(letter, letterkit.RenderOptions(format="html", template_dir=str(toy)))
        .content
    )
    assert "<title>A note after our first meeting: Robin Vale</title>" in str(html)


def test_a_registered_kind_is_validated_by_its_own_model(toy: Path) -> None:
    with pytest.raises(letterkit.LetterValidationError) as caught:
        letterkit.load({k: v for k, v in TOY_LETTER.items() if k != "background"})
    assert [(p.path, p.message.split(" — ")[0]) for p in caught.value.problems] == [
        ("background", "required")
    ]
    assert "toy-note" in letterkit.schema("toy-note")


def test_an_unregistered_kind_is_gone_again(toy: Path) -> None:
    kinds.unregister("toy-note")
    with pytest.raises(letterkit.LetterValidationError) as caught:
        letterkit.load(TOY_LETTER)
    assert "'kind: goodbye-letter' or 'kind: formulation'" in str(caught.value)
    kinds.register(TOY)  # the fixture removes it again


def test_unknown_names_raise_their_own_errors() -> None:
    with pytest.raises(letterkit.UnknownKindError, match="choose goodbye-letter or formulation"):
        letterkit.scaffold("thank-you-note")
    with pytest.raises(letterkit.UnknownFormatError) as fmt:
        letterkit.RenderOptions(format="rtf")
    assert isinstance(fmt.value, LookupError)
    with pytest.raises(letterkit.UnknownStyleError):
        letterkit.RenderOptions(style="tiny-print")
    with pytest.raises(letterkit.UnknownRoleError):
        letterkit.save_draft(ROOT / "samples" / "peter-goodbye.yaml", "receptionist")


def test_each_error_carries_its_exit_code() -> None:
    assert letterkit.LetterkitError.exit_code == 1
    assert letterkit.OptionsError.exit_code == 2
    assert issubclass(letterkit.UnsavedChangesError, letterkit.HistoryError)
    assert issubclass(letterkit.HistoryError, letterkit.LetterkitError)


def test_the_cli_choices_come_from_the_registries(tmp_path: Path) -> None:
    result = run_cli("render", "--help")
    assert "[md|html|pdf|docx|fhir]" in result.stdout.replace("\n", "").replace(" ", "")
    bad = run_cli("new", "thank-you-note")
    assert bad.returncode == 2 and "goodbye-letter" in bad.stderr


def test_an_output_named_for_another_format_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    result = run_cli("render", str(ROOT / "samples" / "peter-goodbye.yaml"), "-f", "pdf", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert "named like a docx file, but the format asked for is pdf" in result.stderr
    assert not out.exists()


def test_the_letter_file_is_never_the_output(tmp_path: Path) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes((ROOT / "samples" / "peter-goodbye.yaml").read_bytes())
    result = run_cli("render", str(letter), "-f", "pdf", "-o", str(letter))
    assert result.returncode == 2
    assert letter.read_bytes() == (ROOT / "samples" / "peter-goodbye.yaml").read_bytes()


def test_one_renderer_serves_several_threads_at_once() -> None:
    letter = letterkit.load(ROOT / "samples" / "peter-formulation.yaml")
    renderer = letterkit.Renderer()
    alone = renderer.render(letter, letterkit.RenderOptions(format="pdf")).content
    markdown = renderer.render(letter, letterkit.RenderOptions(format="md")).content
    results: list[tuple[str, bytes | str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(fmt: str) -> None:
        try:
            start.wait()
            results.append((fmt, renderer.render(letter, letterkit.RenderOptions(format=fmt)).content))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(fmt,)) for fmt in ("pdf", "md") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert len(results) == 6
    for fmt, content in results:
        assert content == (alone if fmt == "pdf" else markdown)  # the same bytes as a render alone


def test_the_styles_have_one_home_that_the_schema_and_word_agree_with() -> None:
    import typing

    from letterkit.compose.styling import STYLE_TABLE
    from letterkit.model.schema import AccessibleFormat
    from letterkit.writers import docx_word

    assert letterkit.styles() == tuple(STYLE_TABLE)
    assert typing.get_args(AccessibleFormat) == letterkit.styles()
    assert tuple(docx_word._METRICS) == letterkit.styles()  # Word's page metrics, one per style
