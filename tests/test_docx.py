"""Word output (letterkit.docx_out): the .docx XML read back with zipfile and lxml.

The letters come from the samples through compose.to_html (the print layout, with the
running footer and draft label), a redline from a real two-draft history, and a few small
hand-made pages for the edge cases. LibreOffice, when installed, opens a redline and shows
its tracked insertions in the PDF it makes.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from lxml import etree

import letterkit.api as api
import letterkit.compose as compose
from letterkit.model.settings import settings_for
from letterkit.writers.docx import DEFAULT_CHANGE_AUTHOR, html_to_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
WHEN = dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Docx:
    """The parts of a .docx, parsed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = self.zip.namelist()

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self) -> Any:
        return self.xml("word/document.xml")

    @property
    def styles(self) -> Any:
        return self.xml("word/styles.xml")

    def parts(self, prefix: str) -> list[Any]:
        return [self.xml(n) for n in self.names if n.startswith(prefix) and n.endswith(".xml")]

    def paragraphs(self) -> list[Any]:
        return list(self.document.iter(w("p")))

    def style_id(self, name: str) -> str:
        for style in self.styles.iter(w("style")):
            if style.find("w:name", NS).get(w("val")).lower() == name.lower():
                return str(style.get(w("styleId")))
        raise LookupError(name)

    def style(self, name: str) -> Any:
        style_id = self.style_id(name)
        return self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)


def text_of(element: Any, tag: str = "t") -> str:
    return "".join(t.text or "" for t in element.iter(w(tag)))


def para_style(p: Any) -> str | None:
    style = p.find("w:pPr/w:pStyle", NS)
    return None if style is None else str(style.get(w("val")))


def letter_html(name: str = "peter-goodbye", style: str = "standard", for_print: bool = True) -> str:
    path = SAMPLES / f"{name}.yaml"
    letter = api.load(path)
    ctx = compose.RenderContext(letter, settings_for(path), style=style, reference="abc1234")
    return compose.to_html(ctx, for_print=for_print)


@pytest.fixture(scope="module")
def standard() -> Docx:
    return Docx(html_to_docx(letter_html(), style="standard"))


@pytest.fixture
def redline_html(tmp_path: Path) -> str:
    """Peter's letter, saved by the therapist, then changed and saved by the patient."""
    for name in ("peter-goodbye.yaml", "letterkit.toml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    path = tmp_path / "peter-goodbye.yaml"
    api.save_draft(path, "therapist", "Helen Marsh")
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        "That was painful to say out loud.", "That was very hard to say out loud, and you cried."
    )
    edited = edited.replace(
        "  - >-\n    You no longer take it for granted that your mother’s care rests on you alone.\n", ""
    )
    edited = edited.replace(
        "unfinished_business:\n",
        "unfinished_business:\n  - >-\n    Saying no to my neighbour is still hard <script>x</script> ]]>.\n",
    )
    assert edited.count("very hard") == 1 and "You no longer" not in edited
    path.write_text(edited, encoding="utf-8")
    api.save_draft(path, "patient", "Peter Hale")
    html = api.compare(f"{path}@1", f"{path}@2", "html", "-").content
    assert isinstance(html, str) and "<ins>" in html and "<del>" in html
    return html


@pytest.fixture
def redline(redline_html: str) -> Docx:
    return Docx(html_to_docx(redline_html, changes={"": ("Peter Hale", WHEN)}))


# --------------------------------------------------------------------------- the letter


def test_headings_use_heading_2(standard: Docx) -> None:
    heading_id = standard.style_id("heading 2")
    headings = [text_of(p) for p in standard.paragraphs() if para_style(p) == heading_id]
    assert "What brought you here" in headings
    assert "The pattern we have been working on" in headings
    assert "Where to find help" in headings  # inside the help box


def test_heading_2_is_restyled_sans_serif_accent_bold(standard: Docx) -> None:
    rpr = standard.style("heading 2").find("w:rPr", NS)
    fonts = rpr.find("w:rFonts", NS)
    assert fonts.get(w("ascii")) == "Arial" and fonts.get(w("asciiTheme")) is None
    assert rpr.find("w:b", NS) is not None
    assert rpr.find("w:color", NS).get(w("val")).upper() == "1F5566"
    assert rpr.find("w:i", NS) is None
    assert int(rpr.find("w:sz", NS).get(w("val"))) > 24


def test_letter_text_letterhead_and_signature(standard: Docx) -> None:
    body = " ".join(text_of(p) for p in standard.paragraphs())
    for words in (
        "Northbridge Talking Therapies",
        "Riverside Health Centre",
        "Private and confidential",
        "DRAFT: for us to work on together",
        "27 April 2026",
        "Dear Peter,",
        "Helen Marsh",
        "Samaritans are there to listen",
    ):
        assert words in body
    # HTML whitespace collapses: source line breaks inside a paragraph are plain spaces.
    assert "Last autumn your mother’s dementia got worse" in body
    assert "  " not in body


def test_letterhead_name_is_big_bold_accent(standard: Docx) -> None:
    name = next(p for p in standard.paragraphs() if text_of(p) == "Northbridge Talking Therapies")
    rpr = standard.styles.find(f"w:style[@w:styleId='{para_style(name)}']/w:rPr", NS)
    assert rpr.find("w:b", NS) is not None
    assert rpr.find("w:color", NS).get(w("val")).upper() == "1F5566"
    assert int(rpr.find("w:sz", NS).get(w("val"))) >= 36


def test_bullet_list(standard: Docx) -> None:
    items = [p for p in standard.paragraphs() if p.find("w:pPr/w:numPr", NS) is not None]
    texts = [text_of(p) for p in items]
    assert "You have coped by keeping your anger to yourself." in texts
    assert any(t.startswith("You asked your brother and sister") for t in texts)
    # the second paragraph of an item (<li><p>…</p><p>…</p></li>) is indented, not bulleted
    cost = next(p for p in standard.paragraphs() if text_of(p).startswith("Other people did not see"))
    assert cost.find("w:pPr/w:numPr", NS) is None
    assert cost.find("w:pPr/w:ind", NS) is not None
    num_id = items[0].find("w:pPr/w:numPr/w:numId", NS).get(w("val"))
    numbering = Docx(standard.data).xml("word/numbering.xml")
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    abstract_id = num.find("w:abstractNumId", NS).get(w("val"))
    lvl = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='0']", NS)
    assert lvl.find("w:numFmt", NS).get(w("val")) == "bullet"


def test_emphasis_is_bold_and_never_italic(standard: Docx) -> None:
    data = api.load(SAMPLES / "peter-goodbye.yaml").model_dump(by_alias=True, exclude_none=True)
    data["closing"] = "Thank you, Peter. It was *really* good to work with you."
    ctx = compose.RenderContext(api.load(data), settings_for(SAMPLES / "peter-goodbye.yaml"))
    emphasised = Docx(html_to_docx(compose.to_html(ctx, for_print=True), style="standard"))
    label = next(r for r in emphasised.document.iter(w("r")) if text_of(r) == "really")
    assert label.find("w:rPr/w:b", NS) is not None
    for part in standard.names:
        if part.endswith(".xml"):
            root = standard.xml(part)
            assert not list(root.iter(w("i"))), part
            assert not list(root.iter(w("iCs"))), part


def test_footer_has_name_and_page_of_pages_fields(standard: Docx) -> None:
    (footer,) = standard.parts("word/footer")
    instructions = " ".join(t.text for t in footer.iter(w("instrText")))
    instructions += " ".join(f.get(w("instr")) for f in footer.iter(w("fldSimple")))
    assert "PAGE" in instructions.split() and "NUMPAGES" in instructions.split()
    assert "Peter Hale · Ref abc1234" in text_of(footer)
    assert "Page " in text_of(footer) and " of " in text_of(footer)
    footer_style = standard.style("footer").find("w:rPr/w:sz", NS).get(w("val"))
    assert footer_style == "24"  # the same size as the body text


def test_header_has_the_draft_label(standard: Docx) -> None:
    (header,) = standard.parts("word/header")
    assert text_of(header) == "DRAFT: for us to work on together"


def test_agreed_letter_has_no_header() -> None:
    doc = Docx(html_to_docx(letter_html("peter-formulation")))
    assert not doc.parts("word/header")
    assert not doc.document.findall(".//w:headerReference", NS)
    assert doc.parts("word/footer")


def test_screen_html_still_gets_page_numbers() -> None:
    doc = Docx(html_to_docx(letter_html(for_print=False)))
    (footer,) = doc.parts("word/footer")
    assert "NUMPAGES" in " ".join(t.text for t in footer.iter(w("instrText")))


def test_core_properties_and_page(standard: Docx) -> None:
    core = standard.xml("docProps/core.xml")
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
    }
    assert core.findtext("dc:title", namespaces=ns) == "Goodbye letter: Peter Hale"
    assert core.findtext("dc:creator", namespaces=ns) == "Helen Marsh"
    assert core.findtext("dc:language", namespaces=ns) == "en-GB"
    assert core.findtext("dcterms:created", namespaces=ns) == "2026-04-27T00:00:00Z"
    sect = standard.document.find(".//w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")  # A4
    margins = sect.find("w:pgMar", NS)
    mm = {k: round(int(margins.get(w(k))) * 25.4 / 1440) for k in ("top", "right", "bottom", "left")}
    assert mm == {"top": 22, "right": 22, "bottom": 26, "left": 24}  # styles/letter.css @page
    normal_lang = standard.style("Normal").find("w:rPr/w:lang", NS)
    assert normal_lang.get(w("val")) == "en-GB"


def test_help_box_is_a_shaded_one_cell_table(standard: Docx) -> None:
    tables = standard.document.findall(".//w:tbl", NS)
    help_table = next(t for t in tables if "Where to find help" in text_of(t))
    assert len(help_table.findall(".//w:tc", NS)) == 1
    shading = help_table.find(".//w:tcPr/w:shd", NS)
    assert shading.get(w("fill")).upper() == "EEF4F6"
    left = help_table.find("w:tblPr/w:tblBorders/w:left", NS)
    assert left.get(w("color")).upper() == "1F5566"


@pytest.mark.parametrize(
    ("style", "body", "check"),
    [
        ("standard", 12, lambda sz: sz == 24),
        ("large-print", 18, lambda sz: sz >= 32),
        ("easy-read", 16, lambda sz: sz == 32),
    ],
)
def test_sizes_per_style(style: str, body: int, check: Callable[[int], bool]) -> None:
    doc = Docx(html_to_docx(letter_html(style=style), style=style))
    normal = int(doc.style("Normal").find("w:rPr/w:sz", NS).get(w("val")))
    assert check(normal) and normal == body * 2
    heading = int(doc.style("heading 2").find("w:rPr/w:sz", NS).get(w("val")))
    assert heading > normal
    # Body paragraphs take their size from Normal: no run makes plain text smaller.
    for run_size in doc.document.iter(w("sz")):
        assert int(run_size.get(w("val"))) >= normal or run_size.getparent().getparent().tag == w("pPr")
    # Word's "multiple" line spacing near 1.4
    line = int(doc.style("Normal").find("w:pPr/w:spacing", NS).get(w("line")))
    assert 1.3 <= line / 240 <= 1.5


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        html_to_docx(letter_html(), style="tiny")


def test_the_same_html_gives_the_same_bytes() -> None:
    html = letter_html()
    first, second = html_to_docx(html), html_to_docx(html)
    assert first == second
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


# --------------------------------------------------------------------------- tracked changes


def test_redline_insertions_are_tracked(redline: Docx) -> None:
    inserts = redline.document.findall(".//w:ins", NS)
    run_inserts = [i for i in inserts if i.getparent().tag == w("p")]
    texts = [text_of(i) for i in run_inserts]
    assert "very hard" in texts and ", and you cried" in texts
    for ins in inserts:
        assert ins.get(w("author")) == "Peter Hale"
        assert ins.get(w("date")) == "2026-05-01T10:30:00Z"
    for ins in run_inserts:
        assert all(child.tag == w("r") for child in ins)
        assert not list(ins.iter(w("delText")))


def test_redline_deletions_are_tracked(redline: Docx) -> None:
    deletes = [d for d in redline.document.findall(".//w:del", NS) if d.getparent().tag == w("p")]
    texts = [text_of(d, "delText") for d in deletes]
    assert "painful" in texts
    assert any(t.startswith("You no longer take it for granted") for t in texts)
    for deleted in deletes:
        assert deleted.get(w("author")) == "Peter Hale"
        assert not list(deleted.iter(w("t"))), "deleted text must be w:delText"
        for text in deleted.iter(w("delText")):
            assert text.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_revision_ids_are_unique(redline: Docx) -> None:
    ids = [
        e.get(w("id"))
        for part in (redline.document, *redline.parts("word/header"), *redline.parts("word/footer"))
        for e in part.iter(w("ins"), w("del"))
    ]
    assert len(ids) >= 4
    assert len(ids) == len(set(ids))


def test_whole_list_items_mark_their_paragraph(redline: Docx) -> None:
    paragraphs = redline.paragraphs()
    gone = next(p for p in paragraphs if text_of(p, "delText").startswith("You no longer take it"))
    assert gone.find("w:pPr/w:rPr/w:del", NS) is not None
    assert gone.find("w:pPr/w:numPr", NS) is not None
    added = next(p for p in paragraphs if text_of(p).startswith("Saying no to my neighbour"))
    assert added.find("w:pPr/w:rPr/w:ins", NS) is not None
    # an item with some changed words keeps its paragraph mark
    changed = next(p for p in paragraphs if "very hard" in text_of(p))
    assert changed.find("w:pPr/w:rPr", NS) is None


def test_redline_legend_is_formatting_not_revisions(redline: Docx) -> None:
    legend = next(t for t in redline.document.findall(".//w:tbl", NS) if "Changes from" in text_of(t))
    assert not list(legend.iter(w("ins"))) and not list(legend.iter(w("del")))
    assert "Inserted words are bold, in a box." in text_of(legend)


def test_redline_switches_on_track_changes(redline: Docx) -> None:
    assert redline.xml("word/settings.xml").find("w:trackRevisions", NS) is not None


def test_changes_are_credited_by_class() -> None:
    html = (
        "<html><head><title>T</title></head><body><main class='letter-body'>"
        "<p>We <ins class='d2'>really</ins> <del class='d3'>never</del> met "
        "<ins>on Tuesdays</ins>.</p></main></body></html>"
    )
    bst = dt.timezone(dt.timedelta(hours=1))
    doc = Docx(
        html_to_docx(
            html,
            changes={
                "d2": ("patient Peter Hale", dt.datetime(2026, 4, 2, 9, 0, tzinfo=bst)),
                "d3": ("therapist Helen Marsh", dt.datetime(2026, 4, 3, 12, 0)),
            },
        )
    )
    marks = {
        (text_of(e) or text_of(e, "delText")): (e.tag, e.get(w("author")), e.get(w("date")))
        for e in doc.document.iter(w("ins"), w("del"))
    }
    assert marks["really"] == (w("ins"), "patient Peter Hale", "2026-04-02T08:00:00Z")
    assert marks["never"] == (w("del"), "therapist Helen Marsh", "2026-04-03T12:00:00Z")
    assert marks["on Tuesdays"] == (w("ins"), DEFAULT_CHANGE_AUTHOR, "2000-01-01T00:00:00Z")
    assert doc.xml("docProps/core.xml") is not None
    assert text_of(doc.document.find(".//w:body/w:p", NS)) == "We really  met on Tuesdays."


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_stays_literal() -> None:
    html = (
        "<html><head><title>&lt;/title&gt;&lt;script&gt;</title>"
        "<meta name='author' content='Ann &amp; &quot;Bo&quot; &lt;b&gt;'></head><body>"
        "<main class='letter-body'><h2>A &lt;w:p&gt; heading</h2>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; and ]]&gt; and &amp;amp; and {{ x }} "
        "&lt;w:r&gt;&lt;w:t&gt;injected&lt;/w:t&gt;&lt;/w:r&gt;</p>"
        "<ul><li><ins class='&lt;x&gt;'>&lt;/w:t&gt;&lt;/w:r&gt;</ins></li></ul>"
        "</main></body></html>"
    )
    doc = Docx(html_to_docx(html, changes={"<x>": ('"A" <b> & C', WHEN)}))
    body = [text_of(p) for p in doc.paragraphs()]
    assert "<script>alert(1)</script> and ]]> and &amp; and {{ x }} <w:r><w:t>injected</w:t></w:r>" in body
    assert "A <w:p> heading" in body
    assert "</w:t></w:r>" in body
    ins = doc.document.find(".//w:ins", NS)
    assert ins.get(w("author")) == '"A" <b> & C'
    # the text did not become elements
    assert not doc.document.findall(".//script") and not doc.document.findall(".//w:p//w:p", NS)
    core = doc.xml("docProps/core.xml")
    assert core.findtext("{http://purl.org/dc/elements/1.1/}title") == "</title><script>"
    assert core.findtext("{http://purl.org/dc/elements/1.1/}creator") == 'Ann & "Bo" <b>'


def test_a_patients_markup_from_a_letter_file_stays_literal(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["closing"] = 'Thank you, Sam. <script>alert("x")</script> ]]> <w:p/> &amp;'
    letter = api.load(goodbye_data)
    ctx = compose.RenderContext(letter, settings_for(SAMPLES / "peter-goodbye.yaml"))
    doc = Docx(html_to_docx(compose.to_html(ctx, for_print=True)))
    body = [text_of(p) for p in doc.paragraphs()]
    assert 'Thank you, Sam. <script>alert("x")</script> ]]> <w:p/> &amp;' in body


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_redline(redline: Docx, tmp_path: Path) -> None:
    source = tmp_path / "redline.docx"
    source.write_bytes(redline.data)
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    soffice = shutil.which("soffice")
    assert soffice is not None
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(source)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    pdf = out / "redline.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60, check=True
        ).stdout.decode()
    else:
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert "very hard" in flat and "and you cried" in flat
    assert "Saying no to my neighbour is still hard <script>x</script> ]]>." in flat
    assert "Where to find help" in flat
    assert "Page 1 of" in flat
