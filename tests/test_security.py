"""Attacks on letterkit's outputs: a letter whose text tries to read a secret file, reach the
network, run script, add markup or run template code, rendered to Markdown, HTML and PDF.

A secret file with unique random contents is planted in a temporary folder; every attack
names it. Its contents must appear in no output (PDF text, raw PDF bytes, every decompressed
PDF stream, attachments). PDF rendering runs through a spy fetcher (a subclass of letterkit's
own LockedFetcher, put in place of ``letterkit.pdf.make_fetcher``) that records every URL
WeasyPrint asks for: only letterkit's fonts, and the files a service names in its settings,
may be served; everything else must be refused and reported as a warning.

The attack letter is rendered to PDF once per module (a render takes about a second).
"""

from __future__ import annotations

import copy
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import GOODBYE_DATA
from helpers import Visible
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

import letterkit.api as api
import letterkit.writers.pdf as lkpdf
from letterkit.api import RenderOptions
from letterkit.cli import main
from letterkit.errors import LetterkitError, TemplateError
from letterkit.model.settings import load_settings
from letterkit.rendering import Renderer
from letterkit.resources import templates_dir
from letterkit.workspace import Workspace

FONT_PREFIX = "letterkit-asset:fonts/"
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
STRUCTURE_TAGS = (*HEADING_TAGS, "ul", "ol", "li", "hr", "blockquote", "a", "code", "pre", "img", "table")


# --------------------------------------------------------------------------- helpers


def visible(html: str) -> tuple[str, list[str]]:
    parsed = Visible(html)
    return parsed.text, parsed.tags


def attributes(html: str) -> list[tuple[str, str, str | None]]:
    return Visible(html).attrs


def tag_counts(html: str) -> dict[str, int]:
    _, tags = visible(html)
    return {tag: tags.count(tag) for tag in STRUCTURE_TAGS}


def md_headings(markdown: str) -> list[str]:
    """The level of each Markdown ATX heading (``#``, ``##``…), then 'setext' for each
    underline that would make one."""
    lines = markdown.splitlines()
    atx = [line for line in lines if re.match(r"^ {0,3}#{1,6}(\s|$)", line)]
    setext = [
        line
        for before, line in zip(lines, lines[1:], strict=False)
        if before.strip() and re.fullmatch(r" {0,3}(=+|-+)\s*", line)
    ]
    return [line.split()[0] for line in atx] + ["setext" for _ in setext]


def pdf_streams(pdf: bytes) -> Iterator[bytes]:
    """Every object's stream in the PDF, decompressed where pypdf can."""
    reader = PdfReader(io.BytesIO(pdf))
    ids = {(number, generation) for generation, entries in reader.xref.items() for number in entries}
    ids |= {(number, 0) for number in reader.xref_objStm}
    assert ids, "the PDF has no objects?"
    for number, generation in sorted(ids):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            try:
                yield obj.get_data()
            except Exception:
                yield obj._data


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def attachments(pdf: bytes) -> dict[str, list[bytes]]:
    return {
        name: [bytes(c) for c in contents]
        for name, contents in PdfReader(io.BytesIO(pdf)).attachments.items()
    }


def assert_secret_absent(pdf: bytes, secret: str) -> None:
    token = secret.encode()
    assert token not in pdf
    assert secret not in pdf_text(pdf)
    assert re.sub(r"\s+", "", secret) not in re.sub(r"\s+", "", pdf_text(pdf))
    for data in pdf_streams(pdf):
        assert token not in data
    for name, contents in attachments(pdf).items():
        assert all(token not in c for c in contents), name


class Spy:
    """Replaces letterkit.pdf.make_fetcher; each fetcher made records every URL asked for."""

    def __init__(self) -> None:
        self.original = lkpdf.make_fetcher
        self.fetchers: list[Any] = []

    def __call__(self, extra_assets: Any = None) -> Any:
        base = self.original(extra_assets)

        class SpyFetcher(type(base)):  # type: ignore[misc]
            def __init__(self, assets: Any) -> None:
                super().__init__(assets)
                self.asked: list[str] = []

            def fetch(self, url: str, headers: Any = None) -> Any:
                self.asked.append(url)
                return super().fetch(url, headers)

        fetcher = SpyFetcher(base.assets)
        self.fetchers.append(fetcher)
        return fetcher

    @property
    def asked(self) -> list[str]:
        return [url for f in self.fetchers for url in f.asked]

    @property
    def refused(self) -> list[str]:
        return [url for f in self.fetchers for url in f.refused]

    @property
    def served(self) -> list[str]:
        return [url for f in self.fetchers for url in f.served]

    def check(self, warnings: list[str], allowed: tuple[str, ...] = ()) -> None:
        """Every URL other than the fonts (and ``allowed``) was refused, and each refusal warned."""
        assert self.fetchers, "the spy fetcher was never used: PDF rendering bypassed make_fetcher"
        for url in self.asked:
            if url.startswith(FONT_PREFIX) or url in allowed:
                continue
            assert url in self.refused, f"{url!r} was not refused"
        for url in self.served:
            assert url.startswith(FONT_PREFIX) or url in allowed, f"{url!r} was served"
        for url in set(self.refused):
            assert any(repr(url) in w or url in w for w in warnings), f"no warning for refused {url!r}"
        if self.refused:
            assert any("refused" in w for w in warnings)


class InThread:
    """Stands in for the worker pool: runs each job in this thread, so the spy sees its fetches.
    (The worker's PDF is the same bytes as this thread's: tests/test_time_limits.py.)"""

    def prestart(self, module: str) -> None:
        pass

    def run(self, function: str, *args: Any, answers: Any = None, **kwargs: Any) -> Any:
        import importlib

        for name in ("prepare", "timeout", "error"):
            kwargs.pop(name)
        module, _, name = function.partition(":")
        job = getattr(importlib.import_module(module), name)
        return job(*args, ask=lambda question: (answers or {})[question](), **kwargs)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    import letterkit.writers.worker as worker

    s = Spy()
    monkeypatch.setattr(lkpdf, "make_fetcher", s)
    monkeypatch.setattr(worker, "shared_pool", InThread)
    return s


# --------------------------------------------------------------------------- the attack letter


def _secret(folder: Path) -> tuple[Path, str]:
    """A secret file whose contents would show up if it were ever read: as text, as a
    stylesheet (it prints its token) or as attached bytes."""
    token = "SECRET-" + uuid.uuid4().hex
    path = folder / "secret.txt"
    path.write_text(
        f"/* {token} */\nhtml::before {{ content: '{token}'; }}\nbody::after {{ content: '{token}'; }}\n{token}\n",
        encoding="utf-8",
    )
    return path, token


def attack_texts(secret_path: Path) -> dict[str, Any]:
    url = "file://" + secret_path.as_posix()  # file:///tmp/…/secret.txt
    html_attacks = [
        f"<img src={url}>",
        f'<img src="{url}" alt="x">',
        f"<link rel=attachment href={url}>",
        f"<link rel=stylesheet href={url}>",
        f"<style>@import url({url});</style>",
        f'<p style="background: url({url})">styled</p>',
        f"<span style=\"background-image:url('{url}')\">styled</span>",
        f"<svg><image href={url}/></svg>",
        f'<object data="{url}"></object> <iframe src="{url}"></iframe> <embed src="{url}">',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">click</a>',
        "[x](javascript:alert(1))",
        f"![x]({url})",
        f"[y]({url})",
        "[local](http://127.0.0.1/)",
        "![local](http://127.0.0.1/logo.png)",
        '<a href="http://127.0.0.1/admin">admin</a>',
        "[meta](http://169.254.169.254/latest/meta-data/)",
        "![meta](http://169.254.169.254/latest/meta-data/)",
        '<img src="http://169.254.169.254/latest/meta-data/">',
        "<http://169.254.169.254/latest/meta-data/>",
        f"[ref][r]\n\n[r]: {url}",
    ]
    structure = "Line one\n# Owned\nSome text\n---\nMore text\n===\n- list item\n> quoted\n1. numbered"
    return {
        "background": "Intro words.\n\n" + "\n\n".join(html_attacks),
        "course_of_therapy": structure,
        "ipaf.self": "{{ 7*7 }}\n\n{% raw %}\n\n{{ ''.__class__.__mro__ }}",
        "ipaf.other": "## Owned too\n\nText\n===\n\nMore\n---",
        "changes": ["# Owned", "- list item", f"<img src={url}>", "===", "{{ 7*7 }}"],
        "closing": f"<script>document.write('{url}')</script> Thank you.",
        "patient.name": f"Samuel <img src={url}> Ferris",
        "patient.preferred_name": "Sam <script>alert(1)</script>",
        "therapist.name": "Nell <link rel=stylesheet href=" + url + "> Arbuthnot",
        "coping.strategy": "# Owned\n\n- list item",
        "coping.cost": f"[y]({url})",
        "therapist.role": "</p><h1>Owned</h1>",
        "therapist.service": f"<link rel=stylesheet href={url}>",
        "referral.by": f"- your GP <img src={url}>",
        "referral.reason": "# Owned\n---\n[x](javascript:alert(1))",
        "ipaf.affect": ["<script>x</script>", "# anger", f"![x]({url})"],
        "ipaf.reversal": "> quoted\n\n* * *",
        "ipaf.internalised": "    indented code\n\n```\nfenced\n```",
        "ipaf.imagery": ["# Owned", f"<img src={url}>", "{{ 7*7 }}"],
        "goals": ["# Owned", "1. numbered"],
        "unfinished_business": ["- list item", f"<svg><image href={url}/></svg>"],
        "ending": "| a | b |\n|---|---|\n| c | d |",
        "transference": f"<iframe src={url}></iframe>\n\n&lt;script&gt;alert(1)&lt;/script&gt;",
        "patient_comments": ["# Owned\n\n- list item", f"[y]({url})"],
        "help.gp": f"<img src={url}>",
        "help.urgent": "# Owned",
        "help.samaritans": "[x](javascript:alert(1))",
        "help.come_back": f"<a href='{url}'>come back</a>",
    }


def build_letter(texts: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(GOODBYE_DATA)
    data["help"] = {}
    for key, value in texts.items():
        if key.startswith("coping."):
            continue
        *parents, leaf = key.split(".")
        where = data
        for part in parents:
            where = where.setdefault(part, {})
        where[leaf] = list(value) if isinstance(value, list) else value
    data["coping_strategies"] = [{"strategy": texts["coping.strategy"], "cost": texts["coping.cost"]}]
    return data


def plain_texts(texts: dict[str, Any]) -> dict[str, Any]:
    """The same shape of letter with harmless words in every attacked field."""
    return {
        k: (["Plain words."] * len(v) if isinstance(v, list) else "Plain words.") for k, v in texts.items()
    }


@dataclass(frozen=True)
class Attack:
    secret_path: Path
    secret: str
    letter: Any
    clean: Any
    md: str
    html: str
    clean_md: str
    clean_html: str
    pdf: bytes
    warnings: list[str]
    asked: list[str]
    refused: list[str]
    served: list[str]
    spy: Spy


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> Attack:
    folder = tmp_path_factory.mktemp("attack")
    secret_path, secret = _secret(folder)
    texts = attack_texts(secret_path)
    letter = api.load(build_letter(texts))
    clean = api.load(build_letter(plain_texts(texts)))
    spy = Spy()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lkpdf, "make_fetcher", spy)
        # In this thread (no time limit), where the spy sees every fetch, with a new renderer
        # (one that has loaded its fonts already fetches nothing more for them) ...
        result = Workspace(renderer=Renderer()).render(letter, RenderOptions(format="pdf", timeout=None))
    assert isinstance(result.content, bytes)
    # ... and the same bytes and warnings from the worker process that lays out under a limit.
    in_worker = api.default_workspace().render(letter, RenderOptions(format="pdf"))
    assert (in_worker.content, in_worker.warnings) == (result.content, result.warnings)
    return Attack(
        secret_path,
        secret,
        letter,
        clean,
        api.render(letter, "md"),  # type: ignore[arg-type]
        api.render(letter, "html"),  # type: ignore[arg-type]
        api.render(clean, "md"),  # type: ignore[arg-type]
        api.render(clean, "html"),  # type: ignore[arg-type]
        result.content,
        list(result.warnings),
        spy.asked,
        spy.refused,
        spy.served,
        spy,
    )


# --------------------------------------------------------------------------- the secret never leaks


def test_secret_contents_appear_in_no_output(attack: Attack) -> None:
    assert attack.secret not in attack.md
    assert attack.secret not in attack.html
    assert_secret_absent(attack.pdf, attack.secret)


def test_attack_letter_still_prints_its_words(attack: Attack) -> None:
    """The attacks are defused, not dropped: a reader still sees what was typed."""
    text, _ = visible(attack.html)
    for typed in (
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "# Owned",
        "- list item",
        "{% raw %}",
    ):
        assert typed in text
        assert typed in attack.md.replace("\\", "").replace("&lt;", "<")


def test_the_pdf_has_no_attachments_and_no_javascript(attack: Attack) -> None:
    reader = PdfReader(io.BytesIO(attack.pdf))
    assert attachments(attack.pdf) == {}
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    names = root.get("/Names")
    assert names is None or ("/JavaScript" not in names and "/EmbeddedFiles" not in names)
    for data in pdf_streams(attack.pdf):
        assert b"/JavaScript" not in data and b"/JS " not in data and b"/Launch" not in data
    assert b"/JavaScript" not in attack.pdf and b"/URI (file:" not in attack.pdf


# --------------------------------------------------------------------------- HTML


def test_html_has_no_active_or_fetching_markup(attack: Attack) -> None:
    html = attack.html.lower()
    for forbidden in ("<script", "<img", "<link", "<svg", "<image", "<iframe", "<object", "<embed", "<base"):
        assert forbidden not in html, forbidden
    # Only the template's own, harmless attributes are left on any element.
    harmless = {"class", "lang", "charset", "name", "content", "aria-hidden", "aria-label", "http-equiv"}
    assert {name for _, name, _ in attributes(attack.html)} <= harmless
    # http-equiv only for the Content-Security-Policy that keeps a browser from fetching.
    assert {value for _, name, value in attributes(attack.html) if name == "http-equiv"} == {
        "Content-Security-Policy"
    }
    assert [a[:2] for a in attributes(attack.html)] == [a[:2] for a in attributes(attack.clean_html)]
    # So no element has an href or src at all: no javascript:, file:, http://127… or 169.254… link.
    for tag, name, value in attributes(attack.html):
        if tag != "meta":  # <meta name=author content=…> carries the therapist's name as text
            for scheme in ("javascript:", "file:", "http://127", "169.254"):
                assert scheme not in (value or ""), (tag, name, value)
    # The only <style> blocks are letterkit's own stylesheets.
    assert html.count("<style") == attack.clean_html.lower().count("<style")
    assert attack.secret_path.as_posix() not in "".join(re.findall(r"<style>.*?</style>", html, re.S))


def test_html_structure_is_the_templates_own(attack: Attack) -> None:
    """Field text cannot add a heading, a list, a rule, a quote, a link or an image."""
    assert tag_counts(attack.html) == tag_counts(attack.clean_html)
    assert tag_counts(attack.html)["h1"] == 0  # the template has no h1
    assert tag_counts(attack.html)["h2"] == attack.clean_html.count("<h2")


def test_markdown_structure_is_the_templates_own(attack: Attack) -> None:
    assert md_headings(attack.md) == md_headings(attack.clean_md)
    assert not re.search(r"^#{1,6} .*Owned", attack.md, re.M)
    assert not re.search(r"^#{1,6} Owned", attack.md, re.M)
    assert not re.search(r"^ {0,3}[-*+] list item", attack.md, re.M)
    assert "](javascript:" not in attack.md.replace("\\]", "")  # every [ and ] is escaped
    assert "<script" not in attack.md and "<img" not in attack.md and "<link" not in attack.md


def test_jinja_in_text_is_printed_not_run(attack: Attack) -> None:
    text, _ = visible(attack.html)
    assert "{{ 7*7 }}" in text
    assert "{{ 7*7 }}" in attack.md
    assert "{% raw %}" in text and "{% raw %}" in attack.md
    assert r"{{ ''.\_\_class\_\_.\_\_mro\_\_ }}" in attack.md  # underscores escaped, so never emphasis
    for output in (text, attack.md, pdf_text(attack.pdf)):
        assert "49" not in output
        assert "<class" not in output and "object'>" not in output
    assert "{{ 7*7 }}" in " ".join(pdf_text(attack.pdf).split())


def test_underscores_in_text_print_as_typed(attack: Attack) -> None:
    text, _ = visible(attack.html)
    assert "{{ ''.__class__.__mro__ }}" in text


# --------------------------------------------------------------------------- PDF fetches


def test_pdf_fetches_only_letterkits_fonts(attack: Attack) -> None:
    assert any(url.startswith(FONT_PREFIX) for url in attack.served), "the bundled fonts were not used"
    attack.spy.check(attack.warnings)
    # Nothing a letter's text says even makes WeasyPrint ask for a URL: only the fonts are asked for.
    assert all(url.startswith(FONT_PREFIX) for url in attack.asked), attack.asked
    assert not any(attack.secret_path.as_posix() in url for url in attack.served)


def test_locked_fetcher_refuses_everything_but_named_assets(tmp_path: Path) -> None:
    secret_path, secret = _secret(tmp_path)
    fetcher = lkpdf.make_fetcher()
    ok = fetcher.fetch(FONT_PREFIX + "OpenSans-Regular.ttf")
    assert ok.read()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    bad = [
        "file://" + secret_path.as_posix(),
        "FILE://" + secret_path.as_posix(),
        secret_path.as_posix(),
        "http://127.0.0.1/",
        "https://169.254.169.254/latest/meta-data/",
        "data:text/plain," + secret,
        "letterkit-asset:" + secret_path.as_posix(),
        "letterkit-asset:fonts/../secret.txt",
        "letterkit-asset:fonts/OpenSans-Regular.ttf/../../../../" + secret_path.as_posix(),
        "letterkit-asset:fonts",
        "letterkit-asset:",
        "LETTERKIT-ASSET:fonts/OpenSans-Regular.ttf",
        "letterkit-asset://fonts/OpenSans-Regular.ttf",
        "letterkit-asset:./fonts/OpenSans-Regular.ttf",
        "letterkit-asset:fonts/OpenSans-Regular.ttf?x=1",
        "letterkit-asset:fonts/OpenSans-Regular.ttf%00",
    ]
    for url in bad:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert fetcher.refused[-1] == url
    assert fetcher.served == [FONT_PREFIX + "OpenSans-Regular.ttf"]


# --------------------------------------------------------------------------- a service's CSS


def test_user_css_cannot_read_files(tmp_path: Path, spy: Spy, goodbye_yaml: str) -> None:
    secret_path, secret = _secret(tmp_path)
    url = "file://" + secret_path.as_posix()
    css = tmp_path / "service.css"
    css.write_text(
        f"@import url({url});\n"
        f"body {{ background: url({url}); }}\n"
        f'@font-face {{ font-family: "Leak"; src: url("{url}"); }}\n'
        f"h2 {{ font-family: Leak; list-style-image: url({url}); }}\n"
        f"p::before {{ content: url({url}); }}\n"
        "h2::after { content: url(http://169.254.169.254/latest/meta-data/); }\n"
        f"</style><img src={url}><style>\n",
        encoding="utf-8",
    )
    letter_path = tmp_path / "sam.yaml"
    letter_path.write_text(goodbye_yaml, encoding="utf-8")
    out = tmp_path / "sam.pdf"
    result = CliRunner().invoke(main, ["render", str(letter_path), "-o", str(out), "--css", str(css)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert_secret_absent(pdf, secret)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("@import" in w for w in warnings)
    assert any(url in w and "refused" in w for w in warnings), result.stderr
    spy.check(result.stderr.splitlines())
    assert any(url in u for u in spy.refused)
    html = (
        api.default_workspace()
        .render(api.load(letter_path), RenderOptions(format="html", css=(str(css),)))
        .content
    )
    assert isinstance(html, str)
    assert "<img" not in html.lower()
    assert secret not in html


# --------------------------------------------------------------------------- a service's templates


def _template_dir(tmp_path: Path, name: str, source: str | bytes) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    target = folder / name
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        target.write_text(source, encoding="utf-8")
    return folder


SANDBOX_ESCAPES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "lipsum": "{{ lipsum.__globals__['os'].listdir('/') }}",
    "attr-filter": "{{ (''|attr('__class__')).__mro__ }}",
    "str-format": "{{ '{0.__class__.__mro__}'.format('') }}",
    "mutate": "{{ changes.append('x') }}",
    "include-up": "{% include '../secret.txt' %}",
    "include-abs": "{% include '/etc/passwd' %}",
}


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("payload", SANDBOX_ESCAPES.values(), ids=SANDBOX_ESCAPES.keys())
def test_templates_run_in_a_sandbox(
    tmp_path: Path, goodbye_data: dict[str, Any], payload: str, fmt: str
) -> None:
    _, secret = _secret(tmp_path)
    name = "letter.md.j2" if fmt == "md" else "letter.html.j2"
    folder = _template_dir(tmp_path, name, f"Before {payload} after\n")
    letter = api.load(goodbye_data)
    with pytest.raises(TemplateError) as caught:
        api.default_workspace().render(letter, RenderOptions(format=fmt, template_dir=str(folder)))  # type: ignore[arg-type]
    assert secret not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_templates_have_strict_undefined(tmp_path: Path, goodbye_data: dict[str, Any]) -> None:
    folder = _template_dir(
        tmp_path, "signature.md.j2", "{{ sign_off }}\n\n{{ therapist.nmae }} {{ no_such_variable }}\n"
    )
    with pytest.raises(TemplateError, match="nmae|no_such_variable"):
        api.default_workspace().render(
            api.load(goodbye_data), RenderOptions(format="md", template_dir=str(folder))
        )


TEMPLATE_RUNTIME_FAILURES = {
    "zero-division": "{{ 1 / 0 }}",
    "type-error": "{{ 'a' + 1 }}",
    "huge-range": "{{ range(10 ** 9) | list | length }}",
    "extends-twice": "{% extends 'help.md.j2' %}{% extends 'help.md.j2' %}",
}


@pytest.mark.parametrize("source", TEMPLATE_RUNTIME_FAILURES.values(), ids=TEMPLATE_RUNTIME_FAILURES.keys())
def test_a_failing_service_template_is_a_template_error(
    tmp_path: Path, goodbye_data: dict[str, Any], source: str
) -> None:
    folder = _template_dir(tmp_path, "letter.md.j2", source)
    with pytest.raises(TemplateError):
        api.default_workspace().render(
            api.load(goodbye_data), RenderOptions(format="md", template_dir=str(folder))
        )


def test_a_template_that_is_not_utf8_is_a_template_error(
    tmp_path: Path, goodbye_data: dict[str, Any]
) -> None:
    folder = _template_dir(tmp_path, "letter.md.j2", b"Caf\xe9 {{ date }}\n")
    with pytest.raises(TemplateError, match="letter.md.j2"):
        api.default_workspace().render(
            api.load(goodbye_data), RenderOptions(format="md", template_dir=str(folder))
        )


# --------------------------------------------------------------------------- a service's own files


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


ASSET_TRICKS = (
    "letterkit-asset:../x",
    "letterkit-asset:logo/../../etc/passwd",
    "letterkit-asset:logo/../secret",
    "letterkit-asset:../secret.txt",
    "letterkit-asset:logo.png",
    "letterkit-asset:./logo",
    "letterkit-asset:/logo",
    "letterkit-asset:LOGO",
    "letterkit-asset:logo?x",
    "letterkit-asset:secret",
)


@pytest.fixture
def service(tmp_path: Path) -> tuple[Path, Path, str]:
    """A service folder: letterkit.toml naming logo.png, the logo, and a secret beside them."""
    folder = tmp_path / "service"
    folder.mkdir()
    (folder / "logo.png").write_bytes(_png())
    secret_path, secret = _secret(folder)
    settings = folder / "letterkit.toml"
    settings.write_text('[files]\nlogo = "logo.png"\n', encoding="utf-8")
    return settings, secret_path, secret


def test_settings_files_are_served_by_exact_name_only(service: tuple[Path, Path, str]) -> None:
    settings_path, secret_path, secret = service
    settings = load_settings(settings_path)
    assert set(settings.files) == {"logo"}
    fetcher = lkpdf.make_fetcher(settings.files)
    response = fetcher.fetch("letterkit-asset:logo")
    assert response.read() == _png()
    assert fetcher.served == ["letterkit-asset:logo"]
    for url in (*ASSET_TRICKS, "file://" + (settings_path.parent / "logo.png").as_posix()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert fetcher.refused[-1] == url
    assert fetcher.served == ["letterkit-asset:logo"]


def test_a_template_can_show_the_logo_and_nothing_else(
    tmp_path: Path, service: tuple[Path, Path, str], spy: Spy, goodbye_data: dict[str, Any]
) -> None:
    settings_path, secret_path, secret = service
    original = (Path(templates_dir()) / "letter.html.j2").read_text(encoding="utf-8")
    imgs = "".join(f'<img src="{url}" alt="">' for url in ("letterkit-asset:logo", *ASSET_TRICKS))
    imgs += f'<img src="file://{secret_path.as_posix()}" alt="">'
    html_template = original.replace('<header class="letterhead">', '<header class="letterhead">' + imgs, 1)
    assert imgs in html_template
    folder = _template_dir(tmp_path, "letter.html.j2", html_template)
    result = api.default_workspace().render(
        api.load(goodbye_data),
        RenderOptions(format="pdf", template_dir=str(folder)),
        settings=load_settings(settings_path),
    )
    assert isinstance(result.content, bytes)
    assert "letterkit-asset:logo" in spy.served
    spy.check(result.warnings, allowed=("letterkit-asset:logo",))
    for url in (*ASSET_TRICKS, f"file://{secret_path.as_posix()}"):
        assert url in spy.refused, url
    assert [u for u in spy.served if not u.startswith(FONT_PREFIX)] == ["letterkit-asset:logo"]
    assert_secret_absent(result.content, secret)
    page = PdfReader(io.BytesIO(result.content)).pages[0]
    assert page.images, "the logo named in the settings should be drawn"


def test_errors_are_letterkit_errors(tmp_path: Path, goodbye_data: dict[str, Any]) -> None:
    """A template folder that does not exist is a clean TemplateError, not a crash."""
    with pytest.raises(LetterkitError):
        api.default_workspace().render(
            api.load(goodbye_data), RenderOptions(format="md", template_dir=str(tmp_path / "missing"))
        )
