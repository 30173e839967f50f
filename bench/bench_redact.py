#!/usr/bin/env python3
"""Redaction benchmark: ``letterkit.redact`` on a valid letter with one very long word.

Run from anywhere:  python bench/bench_redact.py [--runs N] [--sizes 100000,500000]

For each size, samples/peter-goodbye.yaml gets one unbroken word of that many characters in
its background, in several alphabets chosen to tempt a backtracking pattern ("aaaa…", "a.a.…",
"0 0 0 …", "a@a@…", "1-1-…"), and is redacted in-process with a throwaway pseudonym key: the
median of N runs is printed, beside the same letter without the long word. Target: under 2 s
for 100,000 characters (issue 12: it took 16.7 s before the patterns were anchored and
bounded). This is a report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import letterkit  # noqa: E402

SAMPLE = ROOT / "samples" / "peter-goodbye.yaml"
ALPHABETS = ("a", "a.", "0 ", "a@", "1-", "Peter")


def _letter(folder: Path, word: str) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["background"] = f"{data['background']}\n\nYou wrote {word} once." if word else data["background"]
    path = folder / f"letter-{len(word)}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    return path


def _time(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        letterkit.redact(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="100000,500000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LETTERKIT_CONFIG_DIR"] = str(Path(folder) / "config")
        baseline = _time(_letter(Path(folder), ""), args.runs)
        print(
            f"redact, samples/peter-goodbye.yaml as it is: {baseline * 1000:.0f} ms (median of {args.runs})"
        )
        for size in sizes:
            for alphabet in ALPHABETS:
                word = (alphabet * (size // len(alphabet) + 1))[:size]
                seconds = _time(_letter(Path(folder), word), args.runs)
                verdict = "ok" if seconds < 2 else "OVER the 2 s target"
                print(f"redact, one {size:,}-character word of {alphabet!r}…: {seconds:.3f} s  {verdict}")


if __name__ == "__main__":
    main()
