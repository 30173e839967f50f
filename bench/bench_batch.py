#!/usr/bin/env python3
"""Batch rendering to PDF: letters per second, in parallel and one at a time, and through the CLI.

    python bench/bench_batch.py [--letters 200] [--workers N] [--rounds N] [--quick]

The letters are copies of samples/*.yaml (cycling through the four samples, so every sample is
equally represented) in a temporary folder, with the samples' letterkit.toml. Prints, from one
run on this machine:

1. ``letterkit.render_files(files, out, RenderOptions(format="pdf"), workers=W)``, in process:
   letters/s and pages/s with W worker processes (default: os.cpu_count(), render_files's own
   default), each holding one Renderer. Its baseline, measured in the same run and interleaved
   with it: the same call with ``workers=1``, which renders in this process, one letter after
   another, with one Renderer (on the first ``--serial`` letters, the same mix of samples).
   ``speed-up`` is parallel letters/s over serial letters/s; the ideal is W. The parallel time
   includes starting the workers (forkserver) and their imports and first-letter warm-up, as a
   real batch does. Each case also shows CPU ms a letter (this process; for the parallel case
   also the forkserver and its reaped workers, from /proc), which a busy machine disturbs less.
2. ``letterkit render DIR -f pdf -o OUT`` (the console script): the whole batch through the
   command line, start-up included, and, when pandoc is installed, the time per letter of
   ``pandoc FILE.md -o FILE.pdf --pdf-engine=weasyprint`` on the same letters' Markdown.

A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
RATE_TARGET = 40.0  # letters/s, from the original brief; see bench/README.md


def console_script() -> list[str]:
    beside = Path(sys.executable).with_name("letterkit")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "letterkit"]


def make_letters(folder: Path, count: int) -> list[Path]:
    """``count`` letters cycling through the samples, each under its own name."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "samples" / "letterkit.toml", folder / "letterkit.toml")
    letters = []
    for index in range(count):
        source = SAMPLES[index % len(SAMPLES)]
        target = folder / f"{index:03d}-{source.name}"
        target.write_bytes(source.read_bytes())
        letters.append(target)
    return letters


def count_pages(folder: Path) -> int | None:
    try:
        import pypdf
    except ImportError:
        return None
    return sum(len(pypdf.PdfReader(io.BytesIO(p.read_bytes())).pages) for p in folder.glob("*.pdf"))


@dataclass
class Timing:
    seconds: float  # wall clock
    cpu: float | None  # CPU seconds: this process, plus the forkserver and its reaped workers
    made: int
    errors: list[str]


def timed_batch(files: list[Path], out: Path, workers: int) -> Timing:
    """One render_files call: its wall and CPU time, letters written, and the errors."""
    import letterkit

    if out.exists():
        shutil.rmtree(out)
    options = letterkit.RenderOptions(format="pdf")
    server_before = forkserver_cpu()
    start, start_cpu = time.perf_counter(), time.process_time()
    items = letterkit.render_files([str(f) for f in files], options, out, workers=workers).items
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if workers > 1:
        server_after = None
        for _ in range(20):  # the forkserver reaps its exited workers in its own time
            time.sleep(0.05)
            reading = forkserver_cpu()
            if reading is not None and reading == server_after:
                break
            server_after = reading
        if server_after is None:
            cpu_total: float | None = None
        else:
            earlier = server_before[1] if server_before and server_before[0] == server_after[0] else 0.0
            cpu_total = cpu + server_after[1] - earlier
    else:
        cpu_total = cpu
    errors = [item.error for item in items if item.error]
    return Timing(elapsed, cpu_total, len(list(out.glob("*.pdf"))), [e for e in errors if e])


def autogroup() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def forkserver_cpu() -> tuple[int, float] | None:
    """(pid, CPU seconds) of multiprocessing's forkserver: its own, plus its exited and reaped
    children's, i.e. render_files's workers (Linux /proc; None elsewhere or before it starts)."""
    try:
        from multiprocessing import forkserver

        pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
        if pid is None:
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
        return pid, ticks / os.sysconf("SC_CLK_TCK")
    except Exception:
        return None


def bench_in_process(work: Path, letters: list[Path], workers: int, serial_count: int, rounds: int) -> None:
    import letterkit

    serial_letters = letters[:serial_count]
    # Untimed: import letterkit and WeasyPrint in this process, warm the disk cache.
    letterkit.render_file(letters[0], letterkit.RenderOptions(format="pdf"), work / "warm.pdf")
    timings: dict[str, list[Timing]] = {"parallel": [], "serial": []}
    problems: list[str] = []
    for i in range(rounds):  # interleaved, the order flipping every round
        order = [("parallel", workers), ("serial", 1)]
        for case, w in order if i % 2 == 0 else reversed(order):
            files = letters if case == "parallel" else serial_letters
            timing = timed_batch(files, work / f"out-{case}", w)
            timings[case].append(timing)
            if timing.errors or timing.made != len(files):
                problems.append(f"{case}: {timing.made} of {len(files)} written; {timing.errors[:2]}")
    counts = {"parallel": len(letters), "serial": len(serial_letters)}
    pages = {case: count_pages(work / f"out-{case}") for case in counts}
    seconds = {case: statistics.median(t.seconds for t in timings[case]) for case in counts}
    cpu_ms = {}
    for case in counts:
        readings = [t.cpu for t in timings[case] if t.cpu is not None]
        cpu_ms[case] = statistics.median(readings) * 1000.0 / counts[case] if readings else None
    rate = {case: counts[case] / seconds[case] for case in counts}
    print(
        f"1. letterkit.render_files(..., RenderOptions(format='pdf')), in process; "
        f"median of {rounds} interleaved rounds"
    )
    names = {
        "parallel": f"render_files, workers={workers} ({len(letters)} letters)",
        "serial": f"render_files, workers=1: serial, one Renderer ({len(serial_letters)} letters)",
    }
    print(
        f"   {'case':<58}{'seconds':>9}{'letters/s':>11}{'pages/s':>9}{'ms/letter':>11}{'CPU ms/letter':>15}"
    )
    for case in ("parallel", "serial"):
        made_pages = pages[case]
        page_rate = f"{made_pages / seconds[case]:.1f}" if made_pages else "?"
        cpu = f"{cpu_ms[case]:.0f}" if cpu_ms[case] else "?"
        print(
            f"   {names[case]:<58}{seconds[case]:>9.2f}{rate[case]:>11.1f}{page_rate:>9}"
            f"{1000.0 / rate[case]:>11.1f}{cpu:>15}"
        )
    speed_up = rate["parallel"] / rate["serial"]
    print(
        f"   speed-up (parallel / serial letters/s): {speed_up:.2f}x with {workers} workers (ideal {workers}x); "
        f">= {RATE_TARGET:g} letters/s: {'met' if rate['parallel'] >= RATE_TARGET else 'NOT MET'}"
    )
    if cpu_ms["parallel"] and cpu_ms["serial"]:
        print(
            f"   CPU a letter, parallel / serial: {cpu_ms['parallel'] / cpu_ms['serial']:.2f}x (the workers' start-up, "
            f"imports and cold first letters, spread over the batch); with {workers} CPUs to itself the batch would "
            f"make about {workers * 1000.0 / cpu_ms['parallel']:.1f} letters/s"
        )
    print(
        "   per round, seconds: "
        + "; ".join(f"{case} {' '.join(f'{t.seconds:.2f}' for t in timings[case])}" for case in counts)
    )
    if pages["parallel"]:
        print(
            f"   pages: {pages['parallel']} in the parallel batch ({pages['parallel'] / len(letters):.2f} a letter)"
        )
    for problem in problems:
        print(f"   PROBLEM {problem}")
    print()


def bench_cli(work: Path, src: Path, count: int, quick: bool) -> None:
    pandoc = shutil.which("pandoc")
    out = work / "out-cli"
    cli = console_script()
    started = time.perf_counter()
    run = subprocess.run(
        [*cli, "render", str(src), "-f", "pdf", "-o", str(out)], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    made = len(list(out.glob("*.pdf")))
    rate = made / elapsed if elapsed else 0.0
    print(f"2. the command line: {' '.join(Path(c).name for c in cli)} render DIR -f pdf -o OUT (one run)")
    print(f"   {'figure':<44}{'value':>14}  target")
    print(f"   {'whole batch, start-up included':<44}{elapsed:>12.2f} s")
    print(
        f"   {'letters per second':<44}{rate:>14.1f}  >= {RATE_TARGET:g}/s: "
        f"{'met' if rate >= RATE_TARGET else 'NOT MET'}"
    )
    print(f"   {'seconds per letter':<44}{elapsed / max(made, 1):>14.3f}")
    if run.returncode != 0 or made != count:
        print(f"   (batch exit {run.returncode}, {made} of {count} written: {run.stderr.strip()[-300:]})")
    if pandoc is None:
        print("   pandoc is not installed: no comparison with it (apt-get install pandoc)")
        return
    md_dir = work / "md"
    subprocess.run([*cli, "render", str(src), "-f", "md", "-o", str(md_dir)], check=True, capture_output=True)
    sample = sorted(md_dir.glob("*.md"))[: 5 if quick else 20]
    times = []
    failures = 0
    for md in sample:
        start = time.perf_counter()
        result = subprocess.run(
            [pandoc, str(md), "-o", str(md.with_suffix(".pdf")), "--pdf-engine=weasyprint"],
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
        failures += result.returncode != 0
    per_letter = statistics.median(times)
    ratio = (elapsed / max(made, 1)) / per_letter
    print(
        f"   {'pandoc --pdf-engine=weasyprint, per letter':<44}{per_letter:>12.3f} s  (median of {len(sample)}, one at a time)"
    )
    print(
        f"   {'letterkit / pandoc time per letter':<44}{ratio:>13.2f}x  < 1: {'met' if ratio < 1 else 'NOT MET'}"
    )
    if failures:
        print(f"   ({failures} pandoc runs failed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200, help="letters in the batch (default 200)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default os.cpu_count())")
    parser.add_argument("--serial", type=int, default=40, help="letters in the serial baseline (default 40)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3, quick 2)")
    parser.add_argument("--skip-cli", action="store_true", help="only section 1")
    parser.add_argument("--quick", action="store_true", help="40 letters, 2 rounds, pandoc on 5")
    args = parser.parse_args()
    count = 40 if args.quick else args.letters
    workers = args.workers or os.cpu_count() or 1
    rounds = args.rounds or (2 if args.quick else 3)
    serial = max(1, min(args.serial, count))
    sys.path.insert(0, str(ROOT))  # the checkout's letterkit, even if run from elsewhere
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    print("letterkit batch benchmark")
    print(f"  machine: nproc={os.cpu_count()}  loadavg={load}  python {sys.version.split()[0]}")
    print(f"  letters: {count} (cycling through {len(SAMPLES)} samples: 3-7 pages each); workers: {workers}")
    if autogroup():
        print(
            "  scheduler: autogroup is on: the kernel shares CPU fairly between sessions, so while other sessions\n"
            "    keep the CPUs busy this one gets about its share however many workers it runs, and the\n"
            "    speed-up stays near 1x; the CPU ms a letter, and the letters/s they imply, still hold"
        )
    print()
    with tempfile.TemporaryDirectory(prefix="letterkit-batch-") as tmp:
        work = Path(tmp)
        src = work / "letters"
        letters = make_letters(src, count)
        try:
            bench_in_process(work, letters, workers, serial, rounds)
        except Exception as error:  # a report, not a test
            print(f"1. render_files: not measured ({type(error).__name__}: {error})\n")
        if not args.skip_cli:
            bench_cli(work, src, count, args.quick)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    sys.exit(0)
