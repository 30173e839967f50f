"""Golden files: what each sample letter renders to, compared exactly with tests/golden/.

After a deliberate change in wording, layout or escaping, regenerate every golden file with
ONE command, then read the diff before committing it:

    python3 -m pytest -p no:cacheprovider tests/test_golden.py --regen-goldens

For each sample letter ``samples/<name>.yaml`` there are three text files:

- ``<name>.md``: the Markdown, byte for byte;
- ``<name>.body.html``: the HTML document's ``<body …>`` … ``</body>``, trailing spaces removed
  and the diagram's SVG elements one a line (the ``<head>`` is left out: it is mostly the style
  sheet, which test_styles.py checks);
- ``<name>.pdf.txt``: the text pypdf extracts from the PDF, page by page, each line's
  whitespace collapsed and blank lines dropped. The PDF's bytes are never compared.

Nothing else needs normalising: every date printed comes from the letter, none from the clock,
and the diagram's ids are hashes of its content. If a rendering ever carries something volatile
(a render date, a version), normalise it in ``html_body`` or ``pdf_text``, never in the golden
file. A change in line wrapping or page breaks (a new WeasyPrint, say) shows in ``.pdf.txt`` as
a readable diff: regenerate and review it like any other.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE_NAMES, SAMPLES
from pypdf import PdfReader

import letterkit.api as api
from letterkit.model.settings import settings_for

GOLDEN = Path(__file__).parent / "golden"
REGEN = "python3 -m pytest -p no:cacheprovider tests/test_golden.py --regen-goldens"


def render_sample(name: str, format: str) -> str | bytes:
    path = SAMPLES / f"{name}.yaml"
    return api.render(api.load(path), format, settings=settings_for(path))


def html_body(html: str) -> str:
    """The ``<body>`` element of an HTML document, with trailing spaces removed and each element
    of an inline SVG diagram on a line of its own (the SVG comes as one long line)."""
    match = re.search(r"<body[\s>].*?</body>", html, re.DOTALL)
    assert match, "the HTML has no <body>"
    body = re.sub(
        r"<svg[\s>].*?</svg>", lambda svg: svg.group().replace("><", ">\n<"), match.group(), flags=re.DOTALL
    )
    return "\n".join(line.rstrip() for line in body.splitlines()) + "\n"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, page by page, whitespace normalised."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    out = []
    for number, page in enumerate(pages, 1):
        out.append(f"=== page {number} of {len(pages)} ===")
        lines = (" ".join(line.split()) for line in page.extract_text().splitlines())
        out.extend(line for line in lines if line)
    return "\n".join(out) + "\n"


def markdown(name: str) -> str:
    text = render_sample(name, "md")
    assert isinstance(text, str)
    return text


def html(name: str) -> str:
    text = render_sample(name, "html")
    assert isinstance(text, str)
    return html_body(text)


@functools.cache
def pdf(name: str) -> str:
    content = render_sample(name, "pdf")
    assert isinstance(content, bytes) and content.startswith(b"%PDF-")
    return pdf_text(content)


KINDS: dict[str, Callable[[str], str]] = {".md": markdown, ".body.html": html, ".pdf.txt": pdf}
"""Each golden file's suffix, and how to produce it from a sample's name."""


def golden_files() -> set[Path]:
    return {p for p in GOLDEN.iterdir() if p.is_file() and any(p.name.endswith(s) for s in KINDS)}


@pytest.mark.parametrize("suffix", list(KINDS), ids=[s.lstrip(".") for s in KINDS])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_matches_its_golden_file(name: str, suffix: str, regen_goldens: bool) -> None:
    golden = GOLDEN / f"{name}{suffix}"
    actual = KINDS[suffix](name)
    if regen_goldens:
        golden.write_text(actual, encoding="utf-8", newline="\n")
    assert golden.is_file(), f"{golden} is missing: create it with `{REGEN}`"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name}: the output differs from tests/golden/{golden.name}; if the change is intended, "
        f"regenerate with `{REGEN}` and review the diff"
    )


def test_every_sample_has_its_golden_files_and_no_strays(regen_goldens: bool) -> None:
    assert {p.stem for p in SAMPLES.glob("*.yaml")} == set(SAMPLE_NAMES)
    expected = {GOLDEN / f"{name}{suffix}" for name in SAMPLE_NAMES for suffix in KINDS}
    if regen_goldens:
        for stray in golden_files() - expected:
            stray.unlink()
    assert golden_files() == expected, f"run `{REGEN}`"
