#!/usr/bin/env python3
"""How long ``letterkit check`` takes next to ``letterkit validate``, both cold.

Run from anywhere:  python bench/bench_check.py [--runs N] [--letter FILE]

Each round starts a fresh ``python -m letterkit validate LETTER`` and a fresh
``python -m letterkit check LETTER`` (new processes, so every import and every table is built
again, as on a therapist's machine), interleaved and with their order flipped every round, so
that a noisy, shared machine disturbs both alike. It prints the medians, the ratio
check/validate (target: at most 1.5) and the median of the per-round ratios. Both commands run
once untimed first, to warm the disk cache and the .pyc files. This is a report, not a test:
it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed rounds (default 9)")
    parser.add_argument("--letter", default="samples/peter-goodbye.yaml", help="the letter to check")
    args = parser.parse_args()
    # This checkout's letterkit, in the child processes too.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    validate = [sys.executable, "-m", "letterkit", "validate", args.letter]
    check = [sys.executable, "-m", "letterkit", "check", args.letter]
    timed(validate, env)
    timed(check, env)
    times: dict[str, list[float]] = {"validate": [], "check": []}
    for round_ in range(args.runs):
        pair = [("validate", validate), ("check", check)]
        for name, command in pair if round_ % 2 == 0 else reversed(pair):
            times[name].append(timed(command, env))
    v, c = statistics.median(times["validate"]), statistics.median(times["check"])
    paired = statistics.median(ch / va for ch, va in zip(times["check"], times["validate"], strict=True))
    print(f"letter: {args.letter}; {args.runs} cold runs each, interleaved")
    print(
        f"validate  median {v * 1000:7.0f} ms  (min {min(times['validate']) * 1000:.0f}, max {max(times['validate']) * 1000:.0f})"
    )
    print(
        f"check     median {c * 1000:7.0f} ms  (min {min(times['check']) * 1000:.0f}, max {max(times['check']) * 1000:.0f})"
    )
    verdict = "within" if c / v <= TARGET else "OVER"
    print(
        f"check/validate ratio {c / v:.2f} ({verdict} the {TARGET}x target); paired median ratio {paired:.2f}"
    )


if __name__ == "__main__":
    main()
