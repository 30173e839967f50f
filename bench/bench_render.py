#!/usr/bin/env python3
"""Render benchmark for letterkit: warm PDF time per page against bare WeasyPrint, cold CLI start.

Run from anywhere:  python bench/bench_render.py [--quick] [--skip-cold] [--profile]

1. Warm PDF time per page, for every sample letter (samples/*.yaml), side by side:
   bare WeasyPrint on the very HTML letterkit lays out, letterkit BEFORE renderer reuse (the
   a new ``letterkit.Renderer()`` each call) and AFTER (one
   ``letterkit.Renderer`` held across renders), with the ratios to bare WeasyPrint.
2. The older summary: warm render (a new Renderer each call) against a one-page HTML letter, and cold CLI runs.

This machine is shared and noisy, so every figure is measured next to a baseline taken in the
same run, with baseline and subject runs interleaved (and the order flipped every round so
neither side always goes first). Medians are reported; the ratio is subject median / baseline
median. This is a report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
WARM_LETTERS = ("peter-formulation.yaml", "peter-goodbye.yaml")
COLD_LETTER = "samples/peter-goodbye.yaml"  # relative to ROOT, as a user would type it

WARM_TARGET_MS = 50.0
COLD_TARGET_RATIO = 1.5
WARMUP_RENDERS = 3
PAGE_TARGET_RATIO = 1.15

BARE_IMPORTS = "import click, jinja2, markdown, yaml; from pydantic import BaseModel"

# The PDF baseline: plain WeasyPrint, a one-page A4 letter with a heading and a few paragraphs,
# system fonts, default options (no tagging, no web fonts, no margin boxes).
BASELINE_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Letter</title>
<style>
@page { size: A4; margin: 22mm 22mm 26mm 24mm; }
body { font-family: sans-serif; font-size: 11pt; line-height: 1.5; color: #222; }
h1 { font-size: 16pt; margin: 0 0 6mm; }
p { margin: 0 0 3mm; }
.from { text-align: right; margin-bottom: 6mm; }
</style>
</head>
<body>
<div class="from">Riverside Health Centre<br>14 Mill Lane<br>Northbridge</div>
<p>12 March 2025</p>
<h1>Our work together</h1>
<p>Dear Peter,</p>
<p>We have now come to the end of the sixteen sessions we agreed to when we first met, and I
wanted to write to you, as I said I would, to set down some of what we have talked about and
what I think you have achieved. You came to the service feeling low and stuck, finding it hard
to get up in the mornings and unsure whether talking would help at all.</p>
<p>Early on we noticed a pattern that seemed to run through many of your relationships: you
often put other people's needs first and keep your own feelings to yourself, hoping that if
you do not make a fuss you will not be let down. When people did not notice what you needed,
you felt hurt and angry, but turned that anger on yourself, and your mood dropped.</p>
<p>Over the weeks you began to try something different. You told your sister that you could
not look after her children every weekend, and you were surprised that she understood. At
work you asked your manager for help with the new rota rather than staying late every night.
Each time, you noticed the old fear that you would be rejected, and each time you stayed with
it and found that things went better than you expected.</p>
<p>Endings can be hard, and it would not be surprising if some of the old feelings came back as
we stop meeting. If they do, it may help to remember the pattern we found together, and the
small steps that made a difference: saying what you need, and noticing when you are turning
your anger on yourself. These are skills you have already shown you have.</p>
<p>It has been a privilege to work with you, and I wish you well for the future.</p>
<p>With warm wishes,</p>
<p>Sam Taylor<br>Psychological Therapist</p>
</body>
</html>
"""

BASELINE_PDF_CODE = (
    "import sys, weasyprint; "
    "html = open(sys.argv[1], encoding='utf-8').read(); "
    "weasyprint.HTML(string=html).write_pdf(sys.argv[2])"
)


# --------------------------------------------------------------------------- measurement


@dataclass
class Row:
    name: str
    subject: list[float] = field(default_factory=list)  # milliseconds
    baseline: list[float] = field(default_factory=list)
    target: str = ""
    met: bool | None = None
    note: str = ""
    error: str = ""

    @property
    def ratio(self) -> float:
        return statistics.median(self.subject) / statistics.median(self.baseline)


def p90(values: Sequence[float]) -> float:
    """The 90th percentile (nearest rank), which for small N is close to the maximum."""
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 * n)
    return ordered[rank - 1]


def interleave(
    n: int, baseline: Callable[[], None], subjects: Sequence[Callable[[], None]]
) -> tuple[list[float], list[list[float]]]:
    """Run baseline and each subject once per round, flipping the order every round."""
    base_times: list[float] = []
    subject_times: list[list[float]] = [[] for _ in subjects]
    for i in range(n):
        jobs: list[tuple[int, Callable[[], None]]] = [(-1, baseline)] + list(enumerate(subjects))
        if i % 2:
            jobs.reverse()
        for index, job in jobs:
            start = time.perf_counter()
            job()
            elapsed = (time.perf_counter() - start) * 1000.0
            (base_times if index < 0 else subject_times[index]).append(elapsed)
    return base_times, subject_times


def run_command(argv: Sequence[str]) -> Callable[[], None]:
    def run() -> None:
        result = subprocess.run(
            argv,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} exited {result.returncode}: "
                + result.stderr.decode(errors="replace").strip()[-500:]
            )

    return run


def is_python_script(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def resolve_launcher(choice: str) -> tuple[list[str], str]:
    """The command that starts letterkit, and a sentence saying which one and why."""
    found = shutil.which("letterkit")
    beside = Path(sysconfig.get_path("scripts")) / "letterkit"
    module = [sys.executable, "-m", "letterkit"]
    if choice == "module":
        return module, f"python -m letterkit ({sys.executable}), as asked"
    if choice == "which":
        if found:
            return [found], f"console script from shutil.which: {found}, as asked"
        return module, f"python -m letterkit ({sys.executable}): shutil.which found no letterkit"
    # auto
    if found and is_python_script(found):
        return [found], f"console script from shutil.which: {found}"
    if found and beside.is_file() and is_python_script(str(beside)):
        return [str(beside)], (
            f"console script {beside}; shutil.which gave {found}, which is not a Python "
            "script (e.g. a pyenv shim, whose own start-up would be counted against letterkit), "
            "so the console script it leads to is run directly (--launcher which to include the shim)"
        )
    if found:
        return [found], f"console script from shutil.which: {found} (not a Python script)"
    return module, f"python -m letterkit ({sys.executable}): no letterkit on PATH"


# --------------------------------------------------------------------------- the three figures


@dataclass
class Sample:
    """One sample letter in the per-page comparison, with its times (ms per render)."""

    name: str
    pages: int  # of letterkit's PDF
    bare_pages: int  # of bare WeasyPrint's PDF of the same HTML (should be the same)
    times: dict[str, list[float]] = field(default_factory=dict)  # wall clock
    cpu: dict[str, list[float]] = field(default_factory=dict)  # this process's CPU time
    clock: str = "wall"  # which of the two the methods below read

    def using(self, clock: str) -> Sample:
        return dataclasses.replace(self, clock=clock)

    def _of(self, case: str) -> list[float]:
        return (self.times if self.clock == "wall" else self.cpu)[case]

    def median(self, case: str) -> float:
        return statistics.median(self._of(case))

    def per_page(self, case: str) -> float:
        return self.median(case) / self.pages

    def ratio(self, case: str, base: str = "bare") -> float:
        return self.median(case) / self.median(base)

    def paired(self, case: str, base: str = "bare") -> float:
        pairs = zip(self._of(case), self._of(base), strict=True)
        return statistics.median(s / b for s, b in pairs)


CASES = ("bare", "tagged", "before", "after", "own")
"""bare: WeasyPrint alone on letterkit's print HTML; tagged: the same with PDF/UA-1 tags (what
letterkit asks WeasyPrint for); before: a new letterkit.Renderer() each call;
after: one letterkit.Renderer held across renders; own: the AFTER render with
letterkit.writers.pdf.html_to_pdf replaced by a stub, i.e. letterkit's own work without
WeasyPrint (context, compose: templates, Markdown, sanitising, diagram; the writer)."""


def capture_print_html(
    renderer: Any, letter: Any, options: Any, settings: Any
) -> tuple[str, dict[str, Any], bytes]:
    """Render once, catching the HTML (and options) the PDF writer hands to WeasyPrint."""
    import letterkit.writers.pdf as pdf_writer

    seen: dict[str, Any] = {}
    original = pdf_writer.html_to_pdf

    def spy(html: str, **kwargs: Any) -> Any:
        seen["html"], seen["kwargs"] = html, kwargs
        return original(html, **kwargs)

    pdf_writer.html_to_pdf = spy
    try:
        data = renderer.render(letter, options, settings=settings).data
    finally:
        pdf_writer.html_to_pdf = original
    if "html" not in seen:
        raise RuntimeError(
            "the PDF writer no longer calls letterkit.writers.pdf.html_to_pdf: update capture_print_html"
        )
    return seen["html"], seen["kwargs"], data


class BareWeasyPrint:
    """Plain WeasyPrint, set up as fairly as it can be against a held Renderer.

    Same HTML as letterkit lays out; the same three bundled Open Sans faces (letterkit adds them
    as a separate stylesheet, so the HTML alone would fall back to system fonts and lay out
    differently), here as file:// URLs read by WeasyPrint's own default fetcher; one
    FontConfiguration with those faces loaded once and reused, as a Renderer does; default
    write_pdf options otherwise (no PDF tags, no PDF variant, no time-out watchdog).
    """

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self.assets = _asset_uris()
        self.fonts = FontConfiguration()
        self.css = weasyprint.CSS(string=self.rewrite(_font_faces()), font_config=self.fonts)

    def rewrite(self, text: str) -> str:
        """letterkit-asset:NAME URLs as file:// URLs, for WeasyPrint's default fetcher."""
        for name, uri in self.assets.items():
            text = text.replace(f"letterkit-asset:{name}", uri)
        return text

    def render(self, html: str, tagged: bool = False) -> bytes:
        return bytes(
            self.weasyprint.HTML(string=html).write_pdf(
                stylesheets=[self.css],
                font_config=self.fonts,
                pdf_tags=tagged,
                pdf_variant="pdf/ua-1" if tagged else None,
            )
        )


def _asset_uris() -> dict[str, str]:
    try:
        from letterkit.writers.pdf import bundled_assets

        assets = bundled_assets()
    except ImportError:
        fonts = ROOT / "styles" / "fonts"
        assets = {f"fonts/{p.name}": p for p in fonts.glob("*.ttf")}
    return {name: Path(path).resolve().as_uri() for name, path in assets.items()}


def _font_faces() -> str:
    import letterkit.writers.pdf as pdf_writer

    faces = getattr(pdf_writer, "_FONT_FACES", None)
    if faces:
        return str(faces)
    return "".join(  # the writer's @font-face rules, if it ever stops keeping them there
        f'@font-face {{ font-family: "Open Sans"; font-weight: {weight}; '
        f'src: url("letterkit-asset:fonts/OpenSans-{name}.ttf"); }}\n'
        for weight, name in ((400, "Regular"), (600, "Semibold"), (700, "Bold"))
    )


def bench_pages(n: int, warmups: int) -> tuple[list[Sample], list[Row]]:
    """Warm PDF per page for every sample (section 1) and the older warm rows (section 2)."""
    import weasyprint

    import letterkit
    import letterkit.writers.pdf as pdf_writer

    options = letterkit.RenderOptions(format="pdf")
    held = letterkit.Renderer()
    bare = BareWeasyPrint()
    samples: list[Sample] = []
    jobs: list[tuple[Sample | None, str, Callable[[], object]]] = []
    for path in sorted(SAMPLES.glob("*.yaml")):
        letter = letterkit.load(path)
        settings = letterkit.settings_for(path)
        html, kwargs, pdf = capture_print_html(held, letter, options, settings)
        if kwargs.get("assets"):
            html = bare.rewrite(html)  # a letterhead logo etc.: serve the same files
        bare_pdf = bare.render(html)
        sample = Sample(
            path.stem, count_pages(pdf), count_pages(bare_pdf), {c: [] for c in CASES}, {c: [] for c in CASES}
        )
        samples.append(sample)

        def before(letter: Any = letter, settings: Any = settings) -> object:
            return letterkit.Renderer().render(letter, options, settings=settings)

        def after(letter: Any = letter, settings: Any = settings) -> object:
            return held.render(letter, options, settings=settings)

        def own(letter: Any = letter, settings: Any = settings) -> object:
            original = pdf_writer.html_to_pdf
            pdf_writer.html_to_pdf = _no_layout
            try:
                return held.render(letter, options, settings=settings)
            finally:
                pdf_writer.html_to_pdf = original

        jobs += [
            (sample, "bare", functools.partial(bare.render, html)),
            (sample, "tagged", functools.partial(bare.render, html, tagged=True)),
            (sample, "before", before),
            (sample, "after", after),
            (sample, "own", own),
        ]
    one_page: list[float] = []
    jobs.append((None, "one-page", lambda: weasyprint.HTML(string=BASELINE_HTML).write_pdf()))

    for _ in range(warmups):
        for _sample, _case, job in jobs:
            job()
    entry: tuple[Sample | None, str, Callable[[], object]]
    for i in range(n):  # every case of every letter once per round; the order flips each round
        for entry in jobs if i % 2 == 0 else reversed(jobs):
            of, case, job = entry
            gc.collect()  # untimed: no case pays for garbage another case left behind
            start, start_cpu = time.perf_counter(), time.process_time()
            job()
            elapsed, cpu = (time.perf_counter() - start) * 1000.0, (time.process_time() - start_cpu) * 1000.0
            if of is None:
                one_page.append(elapsed)
            else:
                of.times[case].append(elapsed)
                of.cpu[case].append(cpu)

    rows = []  # the older figure: a new Renderer each call (= BEFORE) against the one-page HTML letter
    for sample in samples:
        if sample.name + ".yaml" in WARM_LETTERS:
            row = Row(
                f"warm PDF {sample.name}",
                subject=sample.times["before"],
                baseline=one_page,
                target=f"<= {WARM_TARGET_MS:g} ms median",
                note=f"{sample.pages} pages",
            )
            row.met = statistics.median(row.subject) <= WARM_TARGET_MS
            rows.append(row)
    return samples, rows


def _no_layout(html: str, **kwargs: Any) -> tuple[bytes, list[str]]:
    return b"", []


def count_pages(pdf: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pages_table(samples: list[Sample], n: int) -> None:
    print(
        f"1. warm PDF, ms per page: median of {n} interleaved rounds; ratio = median / bare WeasyPrint "
        f"median (target for AFTER <= {PAGE_TARGET_RATIO:g}x)"
    )
    print()
    for clock, title in (
        ("wall", "wall clock"),
        (
            "cpu",
            "CPU time of this process (time.process_time: hardly disturbed by other processes on a shared machine)",
        ),
    ):
        print(f"   {title}:")
        _per_page_lines([s.using(clock) for s in samples])
        print()
    print(
        "   letterkit's own work in an AFTER render: the render with html_to_pdf stubbed out (context,\n"
        "   compose: templates, Markdown, sanitising, diagram; the writer), CPU ms a letter, median, and its\n"
        "   share of the AFTER render; the rest of AFTER - bare is WeasyPrint's PDF/UA-1 tagging (the\n"
        "   WP+UA-1 column) and html_to_pdf's glue (locked fetcher, time-out watchdog):"
    )
    c_samples = [s.using("cpu") for s in samples]
    print(
        "   "
        + "; ".join(
            f"{c.name} {c.median('own'):.1f} ({c.median('own') / c.median('after'):.1%})" for c in c_samples
        )
    )
    print()
    print(
        "   bare WP: weasyprint.HTML(string=html).write_pdf() on the HTML letterkit's PDF writer lays out,\n"
        "     plus the bundled Open Sans @font-face rules (file:// URLs, WeasyPrint's default fetcher), with\n"
        "     one FontConfiguration loaded once and reused (font loading is not timed); no PDF tags.\n"
        "   WP+UA-1 tags: the same with pdf_tags=True, pdf_variant='pdf/ua-1', as letterkit asks.\n"
        "   BEFORE: letterkit.Renderer() each call (a new Renderer: templates compiled, fonts loaded, every call).\n"
        "   AFTER: one letterkit.Renderer held across renders. Letters and settings are loaded once, untimed;\n"
        "     a full gc.collect() runs, untimed, before every timed render."
    )
    print(
        "   details (wall ms per render, min / median / max; paired = median of per-round ratios, wall | CPU):"
    )
    for s in samples:
        c = s.using("cpu")
        pages_note = "" if s.bare_pages == s.pages else f"; bare WeasyPrint made {s.bare_pages} pages!"
        print(
            f"   {s.name}: bare {spread(s.times['bare'])}; tagged {spread(s.times['tagged'])}; "
            f"before {spread(s.times['before'])}; after {spread(s.times['after'])}"
        )
        print(
            f"   {' ' * len(s.name)}  paired before/bare {s.paired('before'):.2f}x | {c.paired('before'):.2f}x, "
            f"after/bare {s.paired('after'):.2f}x | {c.paired('after'):.2f}x, after/tagged "
            f"{s.paired('after', 'tagged'):.2f}x | {c.paired('after', 'tagged'):.2f}x; reuse saves "
            f"{c.median('before') - c.median('after'):.1f} ms CPU a letter{pages_note}"
        )
    print()


def _per_page_lines(samples: list[Sample]) -> None:
    headings = (
        "letter",
        "pages",
        "bare WP",
        "WP+UA-1 tags",
        "BEFORE reuse",
        "ratio",
        "AFTER reuse",
        "ratio",
        "AFTER",
    )
    lines = []
    for s in samples:
        lines.append(
            (
                s.name,
                str(s.pages),
                f"{s.per_page('bare'):.1f}",
                f"{s.per_page('tagged'):.1f} ({s.ratio('tagged'):.2f}x)",
                f"{s.per_page('before'):.1f}",
                f"{s.ratio('before'):.2f}x",
                f"{s.per_page('after'):.1f}",
                f"{s.ratio('after'):.2f}x",
                "met" if s.ratio("after") <= PAGE_TARGET_RATIO else "NOT MET",
            )
        )
    pages = sum(s.pages for s in samples)
    total = {c: sum(s.median(c) for s in samples) for c in CASES}
    lines.append(
        (
            "all samples",
            str(pages),
            f"{total['bare'] / pages:.1f}",
            f"{total['tagged'] / pages:.1f} ({total['tagged'] / total['bare']:.2f}x)",
            f"{total['before'] / pages:.1f}",
            f"{total['before'] / total['bare']:.2f}x",
            f"{total['after'] / pages:.1f}",
            f"{total['after'] / total['bare']:.2f}x",
            "met" if total["after"] / total["bare"] <= PAGE_TARGET_RATIO else "NOT MET",
        )
    )
    print_table(headings, lines)


SHORT_LETTER = """\
kind: formulation
status: agreed
patient: {name: Sam Example, preferred_name: Sam}
therapist: {name: Jo Example, role: Psychological therapist, service: Northbridge Talking Therapies}
date: 2026-03-04
diagram: false
ipaf:
  self: You often feel you come last, and that you should not ask for much.
  other: You expect other people to be too busy for you.
  affect: [sadness]
goals:
  - To ask for help when you need it.
closing: I look forward to our next sessions.
"""


def bench_cold(n: int, launcher: list[str], tmp: Path) -> list[Row]:
    html_path = tmp / "baseline.html"
    html_path.write_text(BASELINE_HTML, encoding="utf-8")
    md_subject = run_command([*launcher, "render", COLD_LETTER, "-f", "md"])
    md_base = run_command([sys.executable, "-c", BARE_IMPORTS])
    pdf_subject = run_command([*launcher, "render", COLD_LETTER, "-f", "pdf", "-o", str(tmp / "letter.pdf")])
    pdf_base = run_command(
        [sys.executable, "-c", BASELINE_PDF_CODE, str(html_path), str(tmp / "baseline.pdf")]
    )
    # A short letter (letterhead, pattern, goals, help box), nearer the one-page baseline.
    short = tmp / "short.yaml"
    short.write_text(SHORT_LETTER, encoding="utf-8")
    short_subject = run_command([*launcher, "render", str(short), "-f", "pdf", "-o", str(tmp / "short.pdf")])
    rows = [
        Row("cold CLI md (goodbye) vs bare imports", target=f"<= {COLD_TARGET_RATIO:g}x"),
        Row("cold CLI pdf (goodbye) vs WeasyPrint", target=f"<= {COLD_TARGET_RATIO:g}x"),
        Row("cold CLI pdf (short letter) vs WeasyPrint", target=f"<= {COLD_TARGET_RATIO:g}x"),
    ]
    jobs = (
        (rows[0], md_subject, md_base),
        (rows[1], pdf_subject, pdf_base),
        (rows[2], short_subject, pdf_base),
    )
    for row, subject, base in jobs:
        try:
            for job in (base, subject):  # one unmeasured run each: disk cache, .pyc files
                job()
            row.baseline, (row.subject,) = interleave(n, base, [subject])
            row.met = row.ratio <= COLD_TARGET_RATIO
        except Exception as error:  # a report, not a test: say what failed and go on
            row.error = str(error)
    rows[1].note = f"{pages(tmp / 'letter.pdf')} pages vs {pages(tmp / 'baseline.pdf')} for the baseline"
    rows[2].note = f"{pages(tmp / 'short.pdf')} page(s) vs {pages(tmp / 'baseline.pdf')} for the baseline"
    return rows


def pages(pdf: bytes | Path) -> str:
    """The page count of a PDF, if pypdf (a test dependency) is installed."""
    if isinstance(pdf, Path):
        if not pdf.exists():
            return "?"
        pdf = pdf.read_bytes()
    try:
        import io

        import pypdf

        return str(len(pypdf.PdfReader(io.BytesIO(pdf)).pages))
    except Exception:
        return "?"


# --------------------------------------------------------------------------- report


def header(launcher_note: str, args: argparse.Namespace) -> None:
    try:
        import weasyprint

        wp = weasyprint.__version__
        try:
            from weasyprint.text.ffi import ffi, pango

            wp += f" (Pango {ffi.string(pango.pango_version_string()).decode()})"
        except Exception:
            pass
    except Exception as error:
        wp = f"not importable ({error})"
    try:
        affinity: int | None = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    try:
        rev = (
            subprocess.run(
                ["git", "describe", "--always", "--dirty"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            or "?"
        )
    except Exception:
        rev = "?"
    print("letterkit render benchmark")
    print(f"  machine:    {platform.node()}  nproc={affinity} (cpu_count={os.cpu_count()})  loadavg={load}")
    print(f"  python:     {platform.python_version()} ({sys.executable})")
    print(f"  WeasyPrint: {wp}")
    print(f"  letterkit:  {ROOT} @ {rev}")
    print(f"  launcher:   {launcher_note}")
    print(
        f"  runs:       warm {args.warm_runs} rounds after {args.warmups} warm-up rounds; "
        f"cold {args.runs} interleaved pairs after 1 unmeasured pair"
        f"{' (--quick)' if args.quick else ''}"
    )
    print()


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def print_table(headings: Sequence[str], lines: Sequence[Sequence[str]], indent: str = "   ") -> None:
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headings)]
    fmt = indent + "  ".join(f"{{:<{w}}}" for w in widths)
    print(fmt.format(*headings))
    print(fmt.format(*("-" * w for w in widths)))
    for line in lines:
        print(fmt.format(*line))


def table(rows: list[Row]) -> None:
    headings = ("figure", "subject median", "baseline median", "ratio", "target", "met")
    lines = []
    for row in rows:
        if row.error or not row.subject:
            lines.append((row.name, "error", "", "", row.target, "not measured"))
            continue
        subject = f"{statistics.median(row.subject):.1f} ms"
        if row.name.startswith("warm"):
            subject += f" (p90 {p90(row.subject):.1f})"
        lines.append(
            (
                row.name,
                subject,
                f"{statistics.median(row.baseline):.1f} ms",
                f"{row.ratio:.2f}x",
                row.target,
                "met" if row.met else "NOT MET",
            )
        )
    print("2. warm render (a new Renderer each call) against a one-page letter, and cold CLI start-up")
    print_table(headings, lines)
    print()
    print("details (min / median / max ms; paired ratio = median of per-round subject/baseline):")
    for row in rows:
        if row.error:
            print(f"  {row.name}: ERROR {row.error}")
            continue
        if not row.subject:
            continue
        paired = statistics.median(s / b for s, b in zip(row.subject, row.baseline, strict=True))
        note = f"; {row.note}" if row.note else ""
        print(
            f"  {row.name}: subject {spread(row.subject)}; baseline {spread(row.baseline)}; "
            f"paired ratio {paired:.2f}x{note}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds: 5 warm after 1 warm-up, 5 cold (1-2 minutes)"
    )
    parser.add_argument("--runs", type=int, help="cold runs per command (default 15, quick 5)")
    parser.add_argument(
        "--warm-runs", type=int, help="warm rounds: renders of each case of each letter (default 15, quick 5)"
    )
    parser.add_argument("--skip-cold", action="store_true", help="only section 1 and the warm rows")
    parser.add_argument(
        "--launcher",
        choices=("auto", "which", "module"),
        default="auto",
        help="how to start letterkit: auto (the console script, bypassing a non-Python shim), "
        "which (exactly shutil.which('letterkit')), module (python -m letterkit)",
    )
    args = parser.parse_args()
    args.runs = args.runs or (5 if args.quick else 15)
    args.warm_runs = args.warm_runs or (5 if args.quick else 15)
    args.warmups = 1 if args.quick else WARMUP_RENDERS

    sys.path.insert(0, str(ROOT))  # the checkout's letterkit, even if run from elsewhere
    launcher, launcher_note = resolve_launcher(args.launcher)
    header(launcher_note, args)
    rows: list[Row] = []
    try:
        samples, warm_rows = bench_pages(args.warm_runs, args.warmups)
        pages_table(samples, args.warm_runs)
        rows += warm_rows
    except Exception as error:
        traceback.print_exc()
        print(f"1. warm PDF per page: not measured ({type(error).__name__}: {error})\n")
        rows += [
            Row(
                f"warm PDF {n.removesuffix('.yaml')}",
                target=f"<= {WARM_TARGET_MS:g} ms median",
                error=f"{type(error).__name__}: {error}",
            )
            for n in WARM_LETTERS
        ]
    if not args.skip_cold:
        with tempfile.TemporaryDirectory(prefix="letterkit-bench-") as tmp:
            try:
                rows += bench_cold(args.runs, launcher, Path(tmp))
            except Exception as error:
                traceback.print_exc()
                rows.append(Row("cold CLI", error=f"{type(error).__name__}: {error}"))
    table(rows)
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    sys.exit(0)
