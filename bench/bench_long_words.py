#!/usr/bin/env python3
"""Long words: `check` and a PDF render of a letter holding one 100,000-character word.

Run from anywhere:  python bench/bench_long_words.py [--length N]

The letter is samples/peter-goodbye.yaml with a word of N letters (default 100,000) put into
its background (a second run uses a word of mixed letters, digits and punctuation; a third,
characters Markdown must escape; a fourth, for comparison, N characters of ordinary words,
as many pages). Each time
is compared with the same step on the unchanged sample, measured the same way in the same
process: `check` after one warm-up (the pronunciation dictionary is loaded once per process),
and a PDF with a renderer that has already rendered one letter (fonts loaded), as the command
line's batch and a web server run. Targets: check under 2 s, PDF under 4 s. Redaction's time
on the same letter is bench/bench_redact.py's. This is a report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import letterkit.api as api  # noqa: E402
from letterkit.rendering import Renderer  # noqa: E402
from letterkit.workspace import Workspace  # noqa: E402

SAMPLE = ROOT / "samples" / "peter-goodbye.yaml"
CHECK_TARGET = 2.0
PDF_TARGET = 4.0


def letter_with(word: str, folder: Path, name: str) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["background"] = f"You came to us in the spring. {word} You said it felt like that."
    path = folder / name
    path.write_text(yaml.safe_dump(data, width=10**9, allow_unicode=True), encoding="utf-8")
    return path


def timed(step: object) -> float:
    started = time.perf_counter()
    step()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=100_000)
    n = parser.parse_args().length
    words = {
        f"{n:,} letters": "a" * n,
        f"{n:,} mixed": ("Ab3.-'x" * (n // 7 + 1))[:n],
        f"{n:,} escaped": ("_<&\\*" * (n // 5 + 1))[:n],
        f"{n:,} in words": ("lorem ipsum " * (n // 12 + 1))[:n],
    }
    workspace = Workspace(renderer=Renderer())
    options = api.RenderOptions(format="pdf")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        api.check([str(SAMPLE)])  # warm-up: loads the pronunciation dictionary once
        workspace.render_file(SAMPLE, options, folder / "warm.pdf")
        base_check = timed(lambda: api.check([str(SAMPLE)]))
        base_pdf = timed(lambda: workspace.render_file(SAMPLE, options, folder / "base.pdf"))
        print(f"{'letter':<22} {'check':>8} {'pdf':>8}")
        print(f"{'the sample':<22} {base_check:>7.2f}s {base_pdf:>7.2f}s")
        for label, word in words.items():
            path = letter_with(word, folder, "long.yaml")
            check = timed(lambda p=path: api.check([str(p)]))
            pdf = timed(lambda p=path: workspace.render_file(p, options, folder / "long.pdf"))
            verdict = "ok" if check < CHECK_TARGET and pdf < PDF_TARGET else "OVER TARGET"
            print(f"{label:<22} {check:>7.2f}s {pdf:>7.2f}s  {verdict}")
    print(f"targets: check < {CHECK_TARGET:g} s, pdf < {PDF_TARGET:g} s (redaction: bench/bench_redact.py)")


if __name__ == "__main__":
    main()
