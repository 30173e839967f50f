"""Batch rendering: 200 letters to PDF, letters per second, beside pandoc on the same Markdown.

    python bench/bench_batch.py [--letters 200] [--quick]

Prints, from one run on this machine: letterkit's batch throughput (target >= 40 letters/s),
and, when pandoc is installed, the time per letter of `pandoc FILE.md -o FILE.pdf
--pdf-engine=weasyprint` on the same letters' Markdown, with the ratio between the two
(target: letterkit faster per letter). A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def console_script() -> list[str]:
    beside = Path(sys.executable).with_name("letterkit")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "letterkit"]


def make_letters(folder: Path, count: int) -> list[Path]:
    """``count`` letters cycling through the samples, each under its own name."""
    shutil.copy(ROOT / "samples" / "letterkit.toml", folder / "letterkit.toml")
    letters = []
    for index in range(count):
        source = SAMPLES[index % len(SAMPLES)]
        target = folder / f"{index:03d}-{source.name}"
        target.write_bytes(source.read_bytes())
        letters.append(target)
    return letters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 letters, pandoc on 5")
    args = parser.parse_args()
    count = 40 if args.quick else args.letters
    pandoc = shutil.which("pandoc")
    print("letterkit batch benchmark")
    print(f"  machine: nproc={os.cpu_count()}  python {sys.version.split()[0]}")
    print(f"  letters: {count} (cycling through {len(SAMPLES)} samples: 1-7 pages each)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "letters"
        src.mkdir()
        make_letters(src, count)
        out = work / "out"
        started = time.perf_counter()
        run = subprocess.run(
            [*console_script(), "render", str(src), "-f", "pdf", "-o", str(out)],
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        made = len(list(out.glob("*.pdf")))
        rate = made / elapsed if elapsed else 0.0
        print()
        print(f"{'figure':<44}{'value':>14}  target")
        print(f"{'letterkit render DIR -f pdf (whole batch)':<44}{elapsed:>12.2f} s")
        print(
            f"{'letterkit letters per second':<44}{rate:>14.1f}  >= 40/s: {'met' if rate >= 40 else 'NOT MET'}"
        )
        print(f"{'letterkit seconds per letter':<44}{elapsed / max(made, 1):>14.3f}")
        if run.returncode != 0 or made != count:
            print(f"  (batch exit {run.returncode}, {made} of {count} written: {run.stderr.strip()[-300:]})")
        if pandoc is None:
            print("pandoc is not installed: no comparison (apt-get install pandoc)")
            return
        md_dir = work / "md"
        subprocess.run(
            [*console_script(), "render", str(src), "-f", "md", "-o", str(md_dir)],
            check=True,
            capture_output=True,
        )
        sample = sorted(md_dir.glob("*.md"))[: 5 if args.quick else 20]
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
            f"{'pandoc --pdf-engine=weasyprint, per letter':<44}{per_letter:>12.3f} s  (median of {len(sample)}, one at a time)"
        )
        print(
            f"{'letterkit / pandoc time per letter':<44}{ratio:>13.2f}x  < 1: {'met' if ratio < 1 else 'NOT MET'}"
        )
        if failures:
            print(f"  ({failures} pandoc runs failed)")


if __name__ == "__main__":
    main()
