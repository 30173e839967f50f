"""The FHIR record: ``letterkit render FILE -f fhir`` writes an R4B document Bundle."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from helpers import edit, run, run_process

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
XHTML = "{http://www.w3.org/1999/xhtml}"

NARRATIVE_ELEMENTS = set(
    "p br div h1 h2 h3 h4 h5 h6 a span b em i strong small big tt dfn q var abbr acronym cite "
    "blockquote hr address bdo kbd sub sup ul ol li dl dt dd pre table caption colgroup col thead "
    "tr tfoot tbody th td code samp img map area".split()
)
"""FHIR narrative's elements, as the HL7 validator lists them."""
NARRATIVE_ATTRIBUTES = {"title", "style", "class", "id", "lang", "dir", "href", "colspan", "rowspan", "scope"}


def markdown_headings(letter: Path) -> list[str]:
    result = run("render", str(letter), "-f", "md")
    assert result.exit_code == 0, result.stderr
    return [line[3:].strip() for line in result.stdout.splitlines() if line.startswith("## ")]


def render(letter: Path, *args: str) -> dict[str, Any]:
    """The letter's FHIR record (rendered in-process, printed), as JSON."""
    result = run("render", str(letter), "-f", "fhir", *args)
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The bundle's resources by type (one of each)."""
    found = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    assert len(found) == len(bundle["entry"])
    return found


def narratives(bundle: dict[str, Any]) -> list[ElementTree.Element]:
    return [
        ElementTree.fromstring(section["text"]["div"])
        for section in resources(bundle)["Composition"]["section"]
    ]


def letter_copy(tmp_path: Path, sample: str = "peter-goodbye") -> Path:
    """A sample letter, with its service's settings, in a folder of its own."""
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    return Path(shutil.copy(SAMPLES / f"{sample}.yaml", tmp_path / "peter.yaml"))


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """``letterkit render samples/peter-goodbye.yaml -f fhir -o x.json``, as a real process."""
    out = tmp_path_factory.mktemp("fhir") / "x.json"
    result = run_process("render", "samples/peter-goodbye.yaml", "-f", "fhir", "-o", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Wrote {out}\n"
    assert result.stdout == ""
    return out.read_bytes()


def test_the_record_is_a_document_bundle_that_fhir_resources_reads_back(record: bytes) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.composition import Composition
    from fhir.resources.R4B.documentreference import DocumentReference
    from fhir.resources.R4B.patient import Patient
    from fhir.resources.R4B.practitioner import Practitioner

    bundle = Bundle.model_validate_json(record)
    assert bundle.type == "document"
    assert bundle.identifier is not None and bundle.identifier.system == "urn:ietf:rfc:3986"
    assert bundle.timestamp is not None and bundle.timestamp.isoformat() == "2026-04-27T00:00:00+00:00"
    entries = bundle.entry or []
    assert [type(entry.resource) for entry in entries] == [
        Composition,
        Patient,
        Practitioner,
        DocumentReference,
    ]
    full_urls = [entry.fullUrl for entry in entries]
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", url or "") for url in full_urls)
    assert len(set(full_urls)) == len(full_urls)
    assert bundle.identifier.value not in full_urls


def test_composition_names_the_kind_the_patient_and_the_therapist(record: bytes) -> None:
    bundle = json.loads(record)
    by_url = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}
    composition = resources(bundle)["Composition"]
    assert composition["status"] == "preliminary"
    assert composition["type"] == {"text": "Goodbye letter"}
    assert composition["title"] == "Goodbye letter"
    assert composition["date"] == "2026-04-27"
    assert composition["language"] == "en-GB"
    patient = by_url[composition["subject"]["reference"]]
    assert patient == {
        "resourceType": "Patient",
        "name": [{"text": "Peter Hale"}, {"use": "usual", "text": "Peter"}],
    }  # by name only: no identifier is made up
    [author] = composition["author"]
    assert by_url[author["reference"]] == {"resourceType": "Practitioner", "name": [{"text": "Helen Marsh"}]}


def test_every_reference_is_to_an_entry_of_the_bundle(record: bytes) -> None:
    bundle = json.loads(record)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = re.findall(r'"reference": "([^"]*)"', record.decode("utf-8"))
    assert references and set(references) <= full_urls


def test_document_reference_carries_the_printed_pdf(record: bytes) -> None:
    from pypdf import PdfReader

    bundle = json.loads(record)
    composition = resources(bundle)["Composition"]
    reference = resources(bundle)["DocumentReference"]
    assert reference["status"] == "current"
    assert reference["docStatus"] == "preliminary"
    assert reference["subject"] == composition["subject"]
    assert reference["author"] == composition["author"]
    assert reference["context"]["related"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    [content] = reference["content"]
    attachment = content["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert attachment["title"] == "Goodbye letter: Peter Hale"
    assert attachment["creation"] == "2026-04-27"
    pdf = base64.b64decode(attachment["data"], validate=True)
    assert pdf.startswith(b"%PDF-")
    assert attachment["size"] == len(pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    assert "Peter Hale" in " ".join(text.split())
    assert "What brought you here" in text


def test_a_section_for_each_heading_as_printed(record: bytes) -> None:
    sections = resources(json.loads(record))["Composition"]["section"]
    titled = [section["title"] for section in sections if "title" in section]
    assert titled == markdown_headings(SAMPLES / "peter-goodbye.yaml")
    assert titled[0] == "What brought you here" and titled[-1] == "Where to find help"
    # The greeting before the first heading and the sign-off after the last have no title.
    untitled = [
        "".join(ElementTree.fromstring(s["text"]["div"]).itertext()) for s in sections if "title" not in s
    ]
    assert len(untitled) == 2
    assert untitled[0].startswith("Dear Peter,")
    assert "With warm wishes," in untitled[1] and "Helen Marsh" in untitled[1]
    by_title = {
        s.get("title"): "".join(ElementTree.fromstring(s["text"]["div"]).itertext()) for s in sections
    }
    assert "Your GP, Dr Sara Okafor, referred you to us in January 2026 because of low mood" in (
        by_title["What brought you here"].replace("\n", " ")
    )
    assert "What brought you here" not in by_title["What brought you here"]  # the heading is the title


@pytest.mark.parametrize("sample", ["peter-goodbye", "peter-formulation"])
def test_narratives_are_valid_fhir_xhtml(sample: str, tmp_path: Path) -> None:
    bundle = render(letter_copy(tmp_path, sample))
    sections = resources(bundle)["Composition"]["section"]
    assert sections
    for section in sections:
        assert section["text"]["status"] == "generated"
        div = ElementTree.fromstring(section["text"]["div"])
        assert div.tag == XHTML + "div"
        assert "".join(div.itertext()).strip()
        for element in div.iter():
            assert element.tag.startswith(XHTML), element.tag
            assert element.tag.removeprefix(XHTML) in NARRATIVE_ELEMENTS, element.tag
            assert set(element.attrib) <= NARRATIVE_ATTRIBUTES, element.attrib
    assert "<section" not in json.dumps(bundle) and "<svg" not in json.dumps(bundle)


def test_the_diagram_becomes_its_text_alternative(tmp_path: Path) -> None:
    bundle = render(letter_copy(tmp_path, "peter-formulation"))
    # The diagram sits on page 1, after the opening, in the untitled first section.
    [opening] = [
        section
        for section in resources(bundle)["Composition"]["section"]
        if "A diagram of the pattern" in "".join(ElementTree.fromstring(section["text"]["div"]).itertext())
    ]
    assert opening.get("title") is None
    text = "".join(ElementTree.fromstring(opening["text"]["div"]).itertext())
    assert "A diagram of the pattern, with arrows going both ways between two boxes." in text
    assert "You often see yourself as ‘an unimportant afterthought’" in text  # the patient's words, whole
    assert "<svg" not in json.dumps(bundle)


@pytest.mark.parametrize(
    ("status", "expected"), [("draft", "preliminary"), ("agreed", "preliminary"), ("final", "final")]
)
def test_status_is_preliminary_until_the_letter_is_final(status: str, expected: str, tmp_path: Path) -> None:
    letter = letter_copy(tmp_path)
    edit(letter, "status: draft", f"status: {status}")
    found = resources(render(letter))
    assert found["Composition"]["status"] == expected
    assert found["DocumentReference"]["docStatus"] == expected


def test_without_output_the_json_goes_to_standard_output(tmp_path: Path) -> None:
    letter = letter_copy(tmp_path)
    result = run_process("render", "peter.yaml", "-f", "fhir", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["resourceType"] == "Bundle"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["letterkit.toml", letter.name]


def test_the_same_letter_gives_the_same_bytes(record: bytes, tmp_path: Path) -> None:
    # Rendered again in this process (another hash seed than the one that wrote ``record``).
    result = run("render", str(SAMPLES / "peter-goodbye.yaml"), "-f", "fhir")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.encode("utf-8") == record
    # Another letter gets other UUIDs.
    letter = letter_copy(tmp_path)
    edit(letter, "status: draft", "status: final")
    other = render(letter)
    assert not {entry["fullUrl"] for entry in other["entry"]} & {
        entry["fullUrl"] for entry in json.loads(record)["entry"]
    }


def test_hostile_text_is_escaped_in_the_narrative(tmp_path: Path) -> None:
    letter = letter_copy(tmp_path)
    edit(letter, "preferred_name: Peter", "preferred_name: '<script>alert(1)</script>'")
    edit(letter, "  time. Your brother", '  time. <img src=x onerror="alert(2)"> & <b>bold</b>. Your brother')
    bundle = render(letter)
    sections = resources(bundle)["Composition"]["section"]
    greeting = sections[0]["text"]["div"]
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt;," in greeting
    [brought] = [s["text"]["div"] for s in sections if s.get("title") == "What brought you here"]
    assert '&lt;img src=x onerror="alert(2)"&gt; &amp; &lt;b&gt;bold&lt;/b&gt;.' in brought
    divs = narratives(bundle)
    for div in divs:
        assert not {element.tag.removeprefix(XHTML) for element in div.iter()} & {"script", "img", "b"}
    assert "".join(divs[0].itertext()).startswith("Dear <script>alert(1)</script>,")  # text, as typed


def test_a_letter_without_a_date_is_refused(tmp_path: Path) -> None:
    letter = letter_copy(tmp_path)
    edit(letter, "date: 2026-04-27\n", "")
    result = run("render", str(letter), "-f", "fhir")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "letterkit: a FHIR record needs the letter's date: add it to the letter as date: YYYY-MM-DD\n"
    )


def test_a_month_date_is_kept_as_a_month(tmp_path: Path) -> None:
    letter = letter_copy(tmp_path)
    edit(letter, "date: 2026-04-27\n", "date: 2026-04\n")
    bundle = render(letter)
    assert bundle["timestamp"] == "2026-04-01T00:00:00Z"
    found = resources(bundle)
    assert found["Composition"]["date"] == "2026-04"
    assert found["DocumentReference"]["content"][0]["attachment"]["creation"] == "2026-04"


_REPORT_MODULES = """
import json, sys
from letterkit.cli import main
main(sys.argv[1:], standalone_mode=False)
loaded = [m for m in sys.modules if m.split(".")[0] in ("fhir", "fhir_core") or m == "letterkit.writers.fhir"]
print(json.dumps(sorted(loaded)), file=sys.stderr)
"""


@pytest.mark.parametrize(("format", "imported"), [("md", False), ("html", False), ("fhir", True)])
def test_only_the_fhir_format_imports_the_fhir_writer(format: str, imported: bool, tmp_path: Path) -> None:
    # sys.modules, not -X importtime: importtime does not list modules loaded through
    # importlib.import_module, which is how the registry loads a writer.
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_MODULES, "render", str(SAMPLES / "peter-goodbye.yaml"), "-f", format],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stderr.splitlines()[-1])
    if imported:
        assert {"letterkit.writers.fhir", "fhir.resources", "fhir_core"} <= set(loaded)
    else:
        assert loaded == []


def test_rendering_markdown_through_the_api_leaves_fhir_unimported() -> None:
    script = (
        "import sys, letterkit\n"
        "from letterkit.api import render_file\n"
        "render_file('samples/peter-goodbye.yaml')\n"
        "print(sorted(m for m in sys.modules if m == 'fhir' or m.startswith(('fhir.', 'letterkit.writers.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "letterkit.writers.fhir" not in result.stdout
    assert "'fhir" not in result.stdout
    assert "letterkit.writers.markdown" in result.stdout


# --------------------------------------------------------------------------- drafts and sign-off


def _bundle(ws: Any, spec: str) -> Any:
    from fhir.resources.R4B.bundle import Bundle

    from letterkit import RenderOptions

    content = ws.render_file(spec, RenderOptions(format="fhir"), "-").rendered.content
    return Bundle.model_validate_json(content)  # valid FHIR R4B, or this raises


def _of_type(bundle: Any, name: str) -> list[Any]:
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == name]


def test_a_signed_off_letter_has_an_attester_and_a_provenance_per_draft(tmp_path: Path) -> None:
    from letterkit import Workspace

    letter = letter_copy(tmp_path)
    ws = Workspace(tmp_path, needs_sign_off=lambda name: True)
    ws.save_draft(letter.name, "therapist", "Sam Reyes", "first draft")
    ws.attest(letter.name, 1, "Dr Ruth Adler", "Good to send")
    work = ws.read_work(letter.name)
    ws.save_work(
        letter.name, dict(work.data, status="final"), work.version, draft_as=("therapist", "Helen Marsh", "")
    )
    bundle = _bundle(ws, letter.name)
    urls = {e.fullUrl: e.resource for e in bundle.entry}
    [composition] = _of_type(bundle, "Composition")
    assert composition.status == "final"
    [attester] = composition.attester
    assert attester.mode == "professional" and attester.party.display == "Dr Ruth Adler"
    assert urls[attester.party.reference].name[0].text == "Dr Ruth Adler"  # a Practitioner in the bundle
    assert attester.time is not None
    first, second = _of_type(bundle, "Provenance")
    composition_url = bundle.entry[0].fullUrl
    for number, provenance in ((1, first), (2, second)):
        assert [t.reference for t in provenance.target] == [composition_url]
        assert provenance.target[0].display.startswith(f"Draft {number} (ref ")
    assert [(a.type.coding[0].code, a.who.display) for a in first.agent] == [
        ("author", "Sam Reyes (therapist)"),
        ("verifier", "Dr Ruth Adler"),
    ]
    assert [(a.type.coding[0].code, a.who.display) for a in second.agent] == [("author", "Helen Marsh")]
    assert urls[second.agent[0].who.reference].get_resource_type() == "Practitioner"  # the letter's therapist
    assert first.activity.coding[0].code == "CREATE" and second.activity.coding[0].code == "UPDATE"
    assert second.activity.text == "Draft 2 status set to final"


def test_an_edit_after_sign_off_leaves_no_attester_but_keeps_the_verifier(tmp_path: Path) -> None:
    from letterkit import Workspace

    letter = letter_copy(tmp_path)
    ws = Workspace(tmp_path)
    ws.save_draft(letter.name, "therapist", "Helen Marsh")
    ws.attest(letter.name, 1, "Dr Ruth Adler")
    edit(letter, "session: 13", "session: 14")
    ws.save_draft(letter.name, "therapist", "Helen Marsh")
    now = _bundle(ws, letter.name)
    assert _of_type(now, "Composition")[0].attester is None
    assert [a.type.coding[0].code for a in _of_type(now, "Provenance")[0].agent] == ["author", "verifier"]
    signed = _bundle(ws, f"{letter.name}@1")  # the draft that was signed off
    assert [a.party.display for a in _of_type(signed, "Composition")[0].attester] == ["Dr Ruth Adler"]
    assert len(_of_type(signed, "Provenance")) == 1
