"""Word output through the command line: a letter, and a redline of two drafts with tracked changes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def letterkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "letterkit", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    letter = tmp_path / "peter.yaml"
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", letter)
    shutil.copy(ROOT / "samples" / "letterkit.toml", tmp_path / "letterkit.toml")
    assert (
        letterkit(
            "draft", "save", "peter.yaml", "--author", "therapist", "--name", "Helen Marsh", cwd=tmp_path
        ).returncode
        == 0
    )
    text = letter.read_text(encoding="utf-8")
    edited = text.replace("You felt trapped, and you", "You felt trapped and furious, and you")
    assert edited != text
    letter.write_text(edited, encoding="utf-8")
    assert (
        letterkit(
            "draft", "save", "peter.yaml", "--author", "patient", "--name", "Peter Hale", cwd=tmp_path
        ).returncode
        == 0
    )
    return letter


def test_render_docx_writes_a_word_document_beside_the_letter(tmp_path: Path) -> None:
    letter = tmp_path / "aliya.yaml"
    shutil.copy(ROOT / "samples" / "aliya-formulation.yaml", letter)
    run = letterkit("render", "aliya.yaml", "-f", "docx", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "aliya.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "Aliya" in xml
    assert "The pattern we have noticed together" in xml


def test_diff_docx_without_output_is_written_beside_the_letter(history: Path) -> None:
    run = letterkit("diff", "peter.yaml@1", "peter.yaml@2", "-f", "docx", cwd=history.parent)
    assert run.returncode == 1, run.stderr  # differences, as diff(1)
    assert run.stderr == "Wrote peter.redline.docx\n"
    assert zipfile.is_zipfile(history.parent / "peter.redline.docx")


def test_docx_redline_carries_the_patients_insertion_with_author(history: Path) -> None:
    run = letterkit(
        "diff", "peter.yaml@1", "peter.yaml@2", "-f", "docx", "-o", "changes.docx", cwd=history.parent
    )
    assert run.returncode == 1, run.stderr  # differences, as diff(1)
    from lxml import etree

    with zipfile.ZipFile(history.parent / "changes.docx") as docx:
        root = etree.fromstring(docx.read("word/document.xml"))
    insertions = root.findall(f".//{W}ins")
    inserted = "".join(t.text or "" for ins in insertions for t in ins.iter(f"{W}t"))
    assert "furious" in inserted
    authors = {ins.get(f"{W}author") for ins in insertions if ins.findall(f".//{W}t")}
    assert authors == {"patient Peter Hale"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_redline_and_shows_the_insertion(history: Path, tmp_path: Path) -> None:
    assert (
        letterkit(
            "diff", "peter.yaml@1", "peter.yaml@2", "-f", "docx", "-o", "changes.docx", cwd=history.parent
        ).returncode
        == 1
    )
    out = tmp_path / "converted"
    convert = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(history.parent / "changes.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert convert.returncode == 0, convert.stderr
    pdf = out / "changes.pdf"
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "furious" in text
