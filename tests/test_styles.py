"""Print formats and PDF standards: sizes measured in the PDF itself, tags, language, archive."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

import letterkit
from letterkit import RenderOptions, Workspace
from letterkit.compose.styling import MIN_PT, clamp_css, one_sentence_per_line
from letterkit.model.settings import settings_for

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
STYLES = ("standard", "large-print", "easy-read")


def _render(sample: Path, style: str, **options: object) -> bytes:
    letter = letterkit.load(sample)
    result = Workspace().render(
        letter, RenderOptions(format="pdf", style=style, **options), settings=settings_for(sample)
    )  # type: ignore[arg-type]
    assert isinstance(result.content, bytes)
    return result.content


@pytest.fixture(scope="module")
def pdfs() -> dict[tuple[str, str], bytes]:
    return {(s.stem, style): _render(s, style) for s in SAMPLES for style in STYLES}


def _body_size(pdf: bytes) -> float:
    """The most common character size: the body text."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        sizes = Counter(round(c["size"], 1) for page in doc.pages for c in page.chars)
    return sizes.most_common(1)[0][0]


def _smallest_text(pdf: bytes) -> float:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return min(round(c["size"], 1) for page in doc.pages for c in page.chars if c["text"].strip())


@pytest.mark.parametrize("sample", [s.stem for s in SAMPLES])
def test_every_sample_renders_in_every_style(pdfs: dict[tuple[str, str], bytes], sample: str) -> None:
    for style in STYLES:
        pdf = pdfs[(sample, style)]
        assert pdf.startswith(b"%PDF-")
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


@pytest.mark.parametrize("sample", [s.stem for s in SAMPLES])
def test_text_sizes_meet_each_formats_minimum(pdfs: dict[tuple[str, str], bytes], sample: str) -> None:
    assert _body_size(pdfs[(sample, "standard")]) >= 12
    assert _body_size(pdfs[(sample, "large-print")]) >= 16
    assert _body_size(pdfs[(sample, "easy-read")]) >= 14
    for style in STYLES:
        assert _smallest_text(pdfs[(sample, style)]) >= MIN_PT[style], style


@pytest.mark.parametrize("sample", [s.stem for s in SAMPLES])
def test_pdfs_are_tagged_with_language_and_title(pdfs: dict[tuple[str, str], bytes], sample: str) -> None:
    reader = PdfReader(io.BytesIO(pdfs[(sample, "standard")]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None and reader.metadata.title
    assert "pdfuaid" in reader.xmp_metadata.rdf_root.toxml() if reader.xmp_metadata else False


def test_letter_accessibility_format_is_used_without_style() -> None:
    sample = ROOT / "samples" / "aliya-goodbye.yaml"
    assert letterkit.load(sample).accessibility is not None
    result = Workspace().render(
        letterkit.load(sample), RenderOptions(format="pdf"), settings=settings_for(sample)
    )
    assert isinstance(result.content, bytes)
    assert _body_size(result.content) >= 16


def test_service_css_cannot_shrink_large_print(tmp_path: Path) -> None:
    css = tmp_path / "service.css"
    css.write_text("html { font-size: 9pt } p, li { font-size: 8pt !important } h2 { font-size: 0.6em }")
    sample = ROOT / "samples" / "peter-formulation.yaml"
    result = Workspace().render(
        letterkit.load(sample),
        RenderOptions(format="pdf", style="large-print", css=(str(css),)),
        settings=settings_for(sample),
    )
    assert isinstance(result.content, bytes)
    assert _smallest_text(result.content) >= 16
    assert any("below 16pt" in w for w in result.warnings)


def test_clamp_css_keeps_larger_sizes_and_drops_imports() -> None:
    clamped = clamp_css("h1 { font-size: 30pt } @import url(x.css); p { font-size: 10px }", "standard")
    assert "30pt" in clamped.css
    assert "@import" not in clamped.css
    assert "font-size: 12pt" in clamped.css
    assert len(clamped.warnings) == 2


def test_easy_read_puts_each_sentence_on_its_own_line() -> None:
    assert (
        one_sentence_per_line("You came. We talked!  Then “you” left.")
        == "You came.\n\nWe talked!\n\nThen “you” left."
    )
    sample = ROOT / "samples" / "peter-goodbye.yaml"
    md = Workspace().render(letterkit.load(sample), RenderOptions(format="md", style="easy-read")).content
    assert isinstance(md, str)
    assert "You came to see me because you had felt low for many years.\n\nLast autumn" in md


def test_archive_attaches_the_source_and_extract_returns_it(tmp_path: Path) -> None:
    sample = tmp_path / "peter.yaml"
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", sample)
    out = tmp_path / "record.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "letterkit", "render", str(sample), "-f", "pdf", "--archive", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    reader = PdfReader(out)
    assert list(reader.attachments) == ["peter.yaml"]
    assert reader.attachments["peter.yaml"][0] == sample.read_bytes()
    assert "pdfaid" in reader.xmp_metadata.rdf_root.toxml() if reader.xmp_metadata else False
    extracted = subprocess.run([sys.executable, "-m", "letterkit", "extract", str(out)], capture_output=True)
    assert extracted.returncode == 0
    assert extracted.stdout == sample.read_bytes()
    copy = tmp_path / "copy.yaml"
    assert (
        subprocess.run([sys.executable, "-m", "letterkit", "extract", str(out), "-o", str(copy)]).returncode
        == 0
    )
    assert copy.read_bytes() == sample.read_bytes()


def test_extract_from_a_pdf_without_attachment_is_a_clean_error(tmp_path: Path) -> None:
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(_render(ROOT / "samples" / "peter-formulation.yaml", "standard"))
    run = subprocess.run(
        [sys.executable, "-m", "letterkit", "extract", str(pdf)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "has no attached letter" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_no_structural_errors(tmp_path: Path) -> None:
    for style, archive in (("standard", False), ("large-print", True)):
        pdf = tmp_path / f"{style}.pdf"
        pdf.write_bytes(_render(ROOT / "samples" / "aliya-goodbye.yaml", style, archive=archive))
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors" in check.stdout


def test_the_diagram_has_its_text_alternative_in_the_tagged_pdf() -> None:
    sample = ROOT / "samples" / "aliya-formulation.yaml"
    reader = PdfReader(io.BytesIO(_render(sample, "standard")))
    alts: list[str] = []

    def walk(node: object) -> None:
        node = getattr(node, "get_object", lambda: node)()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    # the pattern, then its turning round and inner form: two figures, each with its words
    assert len(alts) == 2
    assert alts[0].startswith("A diagram of the pattern")
    assert "second best" in alts[0] and "anger" in alts[0] and "shame" in alts[0]
    assert "turns around" in alts[1] and "harsh voice" in alts[1]
