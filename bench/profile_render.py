#!/usr/bin/env python3
"""Where a warm PDF render's time goes: letterkit (one Renderer held) against bare WeasyPrint.

Run from anywhere:  python bench/profile_render.py [LETTER ...] [--renders N] [--top N]

For each letter (default: every samples/*.yaml), after one unprofiled warm-up, cProfile records
N renders of each of three cases, one after the other:

  after   one ``letterkit.Renderer`` held across renders (as in bench_render.py's AFTER)
  bare    WeasyPrint alone on the same HTML and fonts, no PDF tags (bench_render.py's "bare WP")
  tagged  the same with ``pdf_tags=True, pdf_variant="pdf/ua-1"``, as letterkit asks for

and prints each case's CPU time per render (cProfile's timer is time.process_time, so other
processes on a shared machine barely count) split into stages, from cumulative times:
compose (letterkit's templates, Markdown, sanitising, diagram), WeasyPrint's HTML parsing,
style and layout, PDF writing and, inside it, the PDF/UA structure tags. The last column is
``after - bare``: letterkit's overhead above bare WeasyPrint, stage by stage. Then the functions
with the most time of their own (tottime) in the AFTER case, and letterkit's own functions by
cumulative time.

cProfile slows Python code down (WeasyPrint is mostly Python), so the absolute figures are
larger than bench_render.py's; read the shares and the differences, not the milliseconds. A
report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT))  # the checkout's letterkit, even if run from elsewhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_render import BareWeasyPrint, capture_print_html, count_pages  # noqa: E402

Key = tuple[str, int, str]


def key_of(function: Any) -> Key:
    code = getattr(function, "__func__", function).__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def stages() -> list[tuple[str, list[Key]]]:
    """(label, the functions whose cumulative time is the stage). Indented labels are part of
    the stage above them."""
    import weasyprint
    import weasyprint.document
    import weasyprint.pdf
    import weasyprint.pdf.tags

    import letterkit.compose.context as context
    import letterkit.compose.html as compose_html
    import letterkit.compose.templating as templating
    import letterkit.writers.document as document

    return [
        ("compose HTML (Document.html)", [key_of(document.Document.html)]),
        ("  what templates see (template_vars)", [key_of(context.template_vars)]),
        ("  Jinja templates (Templates.render)", [key_of(templating.Templates.render)]),
        ("  Markdown to HTML + nh3 sanitising", [key_of(compose_html.markdown_to_html)]),
        ("  pattern diagram (SVG)", [key_of(compose_html._diagram)]),
        ("WeasyPrint: parse HTML", [key_of(weasyprint.HTML.__init__)]),
        ("WeasyPrint: style + layout (render)", [key_of(weasyprint.HTML.render)]),
        ("WeasyPrint: write PDF", [key_of(weasyprint.document.Document.write_pdf)]),
        ("  PDF/UA structure tags (add_tags)", [key_of(weasyprint.pdf.tags.add_tags)]),
    ]


def profile(job: Callable[[], object], renders: int) -> tuple[pstats.Stats, float]:
    profiler = cProfile.Profile(time.process_time)  # CPU time: other processes barely count
    start = time.process_time()
    profiler.enable()
    for _ in range(renders):
        job()
    profiler.disable()
    elapsed = (time.process_time() - start) * 1000.0 / renders
    return pstats.Stats(profiler, stream=io.StringIO()), elapsed


def cumulative(stats: pstats.Stats, keys: list[Key]) -> float:
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    return float(sum(table[k][3] for k in keys if k in table)) * 1000.0


def top(stats: pstats.Stats, renders: int, n: int, *, own: bool, only: str | None = None) -> list[str]:
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in table.items():
        if only and only not in filename:
            continue
        value = tottime if own else cumtime
        rows.append((value, calls, short(filename), line, name))
    rows.sort(reverse=True)
    return [
        f"   {value * 1000.0 / renders:8.2f} ms  {calls // renders:>7} calls  {name}  ({where}:{line})"
        for value, calls, where, line, name in rows[:n]
    ]


def short(filename: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("letters", nargs="*", help="letter files (default: samples/*.yaml)")
    parser.add_argument("--renders", type=int, default=8, help="profiled renders per case (default 8)")
    parser.add_argument("--top", type=int, default=20, help="functions listed (default 20)")
    args = parser.parse_args()

    import letterkit

    paths = [Path(p) for p in args.letters] or sorted(SAMPLES.glob("*.yaml"))
    options = letterkit.RenderOptions(format="pdf")
    held = letterkit.Renderer()
    bare = BareWeasyPrint()
    labels = stages()
    print(
        f"where a warm PDF render's time goes: ms of CPU time per render under cProfile "
        f"({args.renders} profiled renders per case)"
    )
    totals: dict[str, pstats.Stats] = {}
    for path in paths:
        letter = letterkit.load(path)
        settings = letterkit.settings_for(path)
        html, kwargs, pdf = capture_print_html(held, letter, options, settings)
        if kwargs.get("assets"):
            html = bare.rewrite(html)
        jobs: dict[str, Callable[[], object]] = {
            "after": functools.partial(held.render, letter, options, settings=settings),
            "bare": functools.partial(bare.render, html),
            "tagged": functools.partial(bare.render, html, tagged=True),
        }
        results: dict[str, tuple[pstats.Stats, float]] = {}
        for case, job in jobs.items():
            job()  # warm
            results[case] = profile(job, args.renders)
            if case in totals:
                totals[case].add(results[case][0])
            else:
                totals[case] = results[case][0]
        print()
        print(f"{path.stem} ({count_pages(pdf)} pages)")
        print(f"   {'stage':<40}{'after':>9}{'bare':>9}{'tagged':>9}{'after-bare':>12}")
        print(
            f"   {'whole render':<40}"
            + "".join(f"{results[c][1]:>9.1f}" for c in jobs)
            + f"{results['after'][1] - results['bare'][1]:>12.1f}"
        )
        accounted = {c: 0.0 for c in jobs}
        for label, keys in labels:
            values = {c: cumulative(results[c][0], keys) / args.renders for c in jobs}
            if not label.startswith(" "):
                for c in jobs:
                    accounted[c] += values[c]
            print(
                f"   {label:<40}"
                + "".join(f"{values[c]:>9.1f}" for c in jobs)
                + f"{values['after'] - values['bare']:>12.1f}"
            )
        rest = {c: results[c][1] - accounted[c] for c in jobs}
        print(
            f"   {'everything else':<40}"
            + "".join(f"{rest[c]:>9.1f}" for c in jobs)
            + f"{rest['after'] - rest['bare']:>12.1f}"
        )
    renders = args.renders * len(paths)
    print()
    print(f"AFTER, all letters: the {args.top} functions with the most time of their own (ms per render)")
    print("\n".join(top(totals["after"], renders, args.top, own=True)))
    print()
    print("AFTER, all letters: letterkit's own functions by cumulative time (ms per render)")
    print("\n".join(top(totals["after"], renders, args.top, own=False, only=str(ROOT / "letterkit"))))
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    sys.exit(0)
