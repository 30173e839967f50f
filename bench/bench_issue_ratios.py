#!/usr/bin/env python3
"""The speed targets side by side, each against its baseline measured in the same run.

Run from anywhere:  python bench/bench_issue_ratios.py [--rounds N] [--cold-runs N] [--skip-cold]

1. Warm PDF per page, all samples together: bare WeasyPrint on the very HTML letterkit lays out
   (the baseline), a held ``letterkit.Renderer``, and the module-level ``letterkit.render(letter,
   "pdf")`` called in a loop, as an embedder would. Targets: held <= 1.15x bare; module-level as
   fast as held (ratio module/held about 1.0).
2. Cold ``letterkit render samples/peter-goodbye.yaml -f md`` against a fresh Python importing
   the dependencies that command needs (target <= 1.5x); cold ``-f pdf`` against a fresh Python
   writing the same letter's HTML with WeasyPrint, for context.

Every subject is interleaved with its baseline, the order flipping each round; medians are
reported, and the paired ratio (median of per-round ratios) beside them. A report, not a test:
it always exits 0.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's letterkit, wherever the script is run from
sys.path.insert(0, str(ROOT / "bench"))

from bench_render import (  # noqa: E402  (the same fair baseline as bench_render.py)
    BARE_IMPORTS,
    BareWeasyPrint,
    capture_print_html,
    count_pages,
)

COLD_LETTER = "samples/peter-goodbye.yaml"
PAGE_TARGET = 1.15
COLD_TARGET = 1.5
BARE_PDF_CODE = (
    "import sys, weasyprint; "
    "weasyprint.HTML(string=open(sys.argv[1], encoding='utf-8').read()).write_pdf(sys.argv[2])"
)


def children_cpu() -> float:
    """CPU seconds used so far by this process's live child processes (Linux; 0 elsewhere)."""
    total = 0.0
    try:
        pids = " ".join(p.read_text() for p in Path("/proc/self/task").glob("*/children")).split()
        for pid in pids:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except OSError:
        pass
    return total


def timed(job: Callable[[], object], cpu: list[float] | None = None) -> float:
    """Wall ms of ``job()``; its CPU ms (this process and its children) appended to ``cpu``."""
    gc.collect()  # untimed: no case pays for garbage another case left behind
    start_cpu = time.process_time() + children_cpu()
    start = time.perf_counter()
    job()
    elapsed = (time.perf_counter() - start) * 1000.0
    if cpu is not None:
        cpu.append((time.process_time() + children_cpu() - start_cpu) * 1000.0)
    return elapsed


def paired(subject: list[float], base: list[float]) -> float:
    return statistics.median(s / b for s, b in zip(subject, base, strict=True))


def warm(rounds: int, warmups: int) -> None:
    import letterkit

    options = letterkit.RenderOptions(format="pdf")
    held = letterkit.Renderer()
    bare = BareWeasyPrint()
    cases = ("bare", "held", "module")
    times: dict[str, list[float]] = {c: [] for c in cases}  # summed over the samples, per round
    cpus: dict[str, list[float]] = {c: [] for c in cases}
    jobs: list[dict[str, Callable[[], object]]] = []
    pages = 0
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        letter = letterkit.load(path)
        settings = letterkit.settings_for(path)
        html, kwargs, pdf = capture_print_html(held, letter, options, settings)
        if kwargs.get("assets"):
            html = bare.rewrite(html)
        pages += count_pages(pdf)
        jobs.append(
            {
                "bare": functools.partial(bare.render, html),
                "held": functools.partial(held.render, letter, options, settings=settings),
                "module": functools.partial(letterkit.render, letter, "pdf", settings=settings),
            }
        )
    for _ in range(warmups):
        for job in jobs:
            for case in cases:
                job[case]()
    for i in range(rounds):
        order = cases if i % 2 == 0 else tuple(reversed(cases))
        total = dict.fromkeys(cases, 0.0)
        cpu: dict[str, list[float]] = {c: [] for c in cases}
        for job in jobs if i % 2 == 0 else list(reversed(jobs)):
            for case in order:
                total[case] += timed(job[case], cpu[case])
        for case in cases:
            times[case].append(total[case])
            cpus[case].append(sum(cpu[case]))
    print(f"1. warm PDF, {len(jobs)} samples, {pages} pages; median of {rounds} interleaved rounds")
    for clock, values in (
        ("wall clock", times),
        ("CPU time of this process and its worker processes (less disturbed by a busy machine)", cpus),
    ):
        med = {c: statistics.median(values[c]) for c in cases}
        print(f"   {clock}:")
        print(f"   {'case':<34}{'ms/page':>9}{'ratio':>9}{'paired':>9}  target")
        print(f"   {'bare WeasyPrint (baseline)':<34}{med['bare'] / pages:>9.1f}{1.0:>8.2f}x{1.0:>8.2f}x")
        for case, label in (("held", "held Renderer"), ("module", "letterkit.render(letter, 'pdf')")):
            ratio = med[case] / med["bare"]
            print(
                f"   {label:<34}{med[case] / pages:>9.1f}{ratio:>8.2f}x"
                f"{paired(values[case], values['bare']):>8.2f}x"
                f"  <= {PAGE_TARGET:g}x {'met' if ratio <= PAGE_TARGET else 'NOT MET'}"
            )
        print(
            f"   module-level / held: {med['module'] / med['held']:.2f}x "
            f"(paired {paired(values['module'], values['held']):.2f}x; target about 1.0)"
        )
    print()


def run(argv: list[str], env: dict[str, str]) -> Callable[[], None]:
    def job() -> None:
        result = subprocess.run(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {result.stderr.decode(errors='replace')[-400:]}")

    return job


def cold(runs: int) -> None:
    import letterkit

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # As installed: with .pyc files (written by the unmeasured first run), not compiled every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="letterkit-bench-") as tmp:
        held = letterkit.Renderer()
        path = ROOT / COLD_LETTER
        html, _, _ = capture_print_html(
            held, letterkit.load(path), letterkit.RenderOptions(format="pdf"), letterkit.settings_for(path)
        )
        html_file = Path(tmp) / "letter.html"
        html_file.write_text(BareWeasyPrint().rewrite(html), encoding="utf-8")
        pairs = [
            (
                "render -f md vs bare imports",
                run([python, "-m", "letterkit", "render", COLD_LETTER, "-f", "md"], env),
                run([python, "-c", BARE_IMPORTS], env),
                COLD_TARGET,
            ),
            (
                "render -f pdf vs bare WeasyPrint",
                run(
                    [python, "-m", "letterkit", "render", COLD_LETTER, "-f", "pdf", "-o", f"{tmp}/l.pdf"], env
                ),
                run([python, "-c", BARE_PDF_CODE, str(html_file), f"{tmp}/b.pdf"], env),
                None,
            ),
        ]
        print(f"2. cold command line, median of {runs} interleaved runs (wall clock, ms)")
        print(f"   {'command':<34}{'subject':>9}{'baseline':>9}{'ratio':>9}{'paired':>9}  target")
        for label, subject, base, target in pairs:
            subject(), base()  # unmeasured: disk cache, .pyc files
            s: list[float] = []
            b: list[float] = []
            for i in range(runs):
                for job, into in ((base, b), (subject, s)) if i % 2 == 0 else ((subject, s), (base, b)):
                    into.append(timed(job))
            ratio = statistics.median(s) / statistics.median(b)
            verdict = f"<= {target:g}x {'met' if ratio <= target else 'NOT MET'}" if target else "(context)"
            print(
                f"   {label:<34}{statistics.median(s):>9.0f}{statistics.median(b):>9.0f}"
                f"{ratio:>8.2f}x{paired(s, b):>8.2f}x  {verdict}"
            )
    print(f"   bare imports: python -c {BARE_IMPORTS!r}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="warm rounds (default 9)")
    parser.add_argument("--warmups", type=int, default=2, help="untimed warm rounds first (default 2)")
    parser.add_argument("--cold-runs", type=int, default=11, help="cold runs of each command (default 11)")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--skip-warm", action="store_true")
    args = parser.parse_args()
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    print(f"letterkit speed ratios  ({ROOT}, python {sys.version.split()[0]}, loadavg {load})\n")
    if not args.skip_warm:
        warm(args.rounds, args.warmups)
    if not args.skip_cold:
        cold(args.cold_runs)
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    sys.exit(0)
