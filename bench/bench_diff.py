#!/usr/bin/env python3
"""Diff benchmark for letterkit: a very long letter through the CLI, and a typical letter in-process.

Run from anywhere:  python bench/bench_diff.py [--quick]

1. ``letterkit diff A B`` on two letters whose ``background`` is a 50,000-word text with about
   2% of its words edited (replaced, inserted or deleted, scattered through the text). The
   texts are made deterministically (random.Random(seed)) from a vocabulary of a few thousand
   made-up words, in sentences, with a line break every ~15 words and a blank line between
   paragraphs, and written as YAML block scalars into copies of samples/peter-goodbye.yaml.
   From its time we subtract the same command's time on two small letters (the sample with a
   few edits): what is left is the cost of the long text itself. That is compared with
   ``git diff --no-index --word-diff`` on the same two background texts saved as .txt files.
   Target: (letterkit big - letterkit small) / git <= 10x. The three commands run
   interleaved, in an order that rotates every round; medians are reported.
2. ``letterkit.diff(a, b)`` in-process on two versions of samples/peter-goodbye.yaml with a
   few edits, both loaded once beforehand: the median of 200 runs. Target: <= 20 ms.

The CLI is the ``letterkit`` console script installed beside sys.executable (a pyenv shim
would add its own start-up). This is a report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "peter-goodbye.yaml"

WORDS = 50_000
EDIT_RATE = 0.02
VOCABULARY = 3_000
CLI_TARGET_RATIO = 10.0
INPROCESS_TARGET_MS = 20.0
INPROCESS_RUNS = 200

# A few edits a therapist and patient might make to the sample between two drafts.
SMALL_EDITS = (
    ("You felt trapped, and you", "You felt stuck and angry, and you"),
    ("We have three sessions left", "We have two sessions left"),
    ("    than you were.\n", "    than you were.\n  - You have started drawing again.\n"),
    ("cost: Other people did not see what you needed", "cost: Nobody saw what you needed"),
    ("session: 13", "session: 14"),
)


# --------------------------------------------------------------------------- the test letters


def vocabulary(rng: random.Random, size: int) -> list[str]:
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "w",
        "br",
        "ch",
        "cl",
        "dr",
        "fl",
        "gr",
        "pl",
        "sh",
        "st",
        "th",
        "tr",
        "wh",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou"]
    codas = ["", "", "n", "r", "s", "t", "ng", "st", "ck", "ll", "nd"]
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.choices((1, 2, 3), weights=(3, 4, 2))[0]
        words.add(
            "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))
        )
    common = ["the", "and", "you", "to", "of", "a", "in", "that", "it", "was", "for", "with", "your", "me"]
    return common * 20 + sorted(words)  # common words repeat, as in real text


def token_stream(rng: random.Random, vocab: Sequence[str], count: int) -> list[tuple[str, str]]:
    """(word, what follows it): a space, a full stop and a space, a line break, or a paragraph end."""
    out: list[tuple[str, str]] = []
    sentence_left = rng.randint(8, 20)
    line_left = rng.randint(12, 18)
    paragraph_left = rng.randint(6, 10)
    start = True
    for _ in range(count):
        word = rng.choice(vocab)
        if start:
            word = word.capitalize()
            start = False
        sentence_left -= 1
        line_left -= 1
        punct = ""
        if sentence_left == 0:
            punct, start, sentence_left = ".", True, rng.randint(8, 20)
        elif rng.random() < 0.04:
            punct = ","
        if line_left == 0:
            line_left = rng.randint(12, 18)
            paragraph_left -= 1
            if paragraph_left == 0 and punct == ".":
                paragraph_left = rng.randint(6, 10)
                sep = "\n\n"
            else:
                sep = "\n"
        else:
            sep = " "
        out.append((word + punct, sep))
    last_word, _ = out[-1]
    out[-1] = (last_word.rstrip(",.") + ".", "\n")
    return out


def edited(
    rng: random.Random, stream: list[tuple[str, str]], vocab: Sequence[str], rate: float
) -> tuple[list[tuple[str, str]], int]:
    """A copy of the stream with about ``rate`` of its words replaced, inserted or deleted."""
    out: list[tuple[str, str]] = []
    edits = 0
    for word, sep in stream:
        roll = rng.random()
        if roll < rate / 2:  # replace
            punct = re.sub(r"\w", "", word)
            new = rng.choice(vocab)
            out.append(((new.capitalize() if word[:1].isupper() else new) + punct, sep))
            edits += 1
        elif roll < rate * 3 / 4:  # insert a word before this one
            out.append((rng.choice(vocab), " "))
            out.append((word, sep))
            edits += 1
        elif roll < rate and sep == " ":  # delete (keeping line and paragraph breaks where they are)
            edits += 1
        else:
            out.append((word, sep))
    return out, edits


def as_text(stream: list[tuple[str, str]]) -> str:
    return "".join(word + sep for word, sep in stream)


def with_background(template: str, text: str) -> str:
    """The sample letter's YAML with its background replaced by ``text`` as a literal block scalar."""
    block = "background: |\n" + "".join(
        f"  {line}\n" if line else "\n" for line in text.rstrip("\n").split("\n")
    )
    start = template.index("background: |\n")
    end = template.index("\nreferral:", start) + 1
    return template[:start] + block + template[end:]


def make_files(folder: Path, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    vocab = vocabulary(rng, VOCABULARY)
    stream_a = token_stream(rng, vocab, WORDS)
    stream_b, edits = edited(rng, stream_a, vocab, EDIT_RATE)
    text_a, text_b = as_text(stream_a), as_text(stream_b)
    template = SAMPLE.read_text(encoding="utf-8")
    (folder / "big-a.txt").write_text(text_a, encoding="utf-8")
    (folder / "big-b.txt").write_text(text_b, encoding="utf-8")
    (folder / "big-a.yaml").write_text(with_background(template, text_a), encoding="utf-8")
    (folder / "big-b.yaml").write_text(with_background(template, text_b), encoding="utf-8")
    small_b = template
    for old, new in SMALL_EDITS:
        assert small_b.count(old) == 1, old
        small_b = small_b.replace(old, new)
    (folder / "small-a.yaml").write_text(template, encoding="utf-8")
    (folder / "small-b.yaml").write_text(small_b, encoding="utf-8")
    shutil.copy(ROOT / "samples" / "letterkit.toml", folder / "letterkit.toml")
    return {
        "words": len(stream_a),
        "edits": edits,
        "lines": text_a.count("\n"),
        "distinct": len({re.sub(r"\W", "", w).lower() for w, _ in stream_a}),
        "bytes": (folder / "big-a.yaml").stat().st_size,
    }


# --------------------------------------------------------------------------- running


def letterkit_command() -> tuple[list[str], str]:
    script = Path(sys.executable).parent / "letterkit"
    if script.is_file():
        with script.open("rb") as handle:
            first = handle.readline()
        if first.startswith(b"#!") and b"python" in first:
            return [str(script)], str(script)
    return [
        sys.executable,
        "-m",
        "letterkit",
    ], f"{sys.executable} -m letterkit (no console script beside python)"


def timed(cmd: Sequence[str], cwd: Path, expect: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')[:500]}"
        )
    return elapsed


def check_outputs(commands: dict[str, list[str]], cwd: Path) -> dict[str, int]:
    """Run each command once, untimed: warms the caches and checks each really found the edits."""
    sizes = {}
    for name, cmd in commands.items():
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=600)
        if done.returncode != 1:
            raise RuntimeError(
                f"{name}: exit {done.returncode}, expected 1: {done.stderr.decode(errors='replace')[:500]}"
            )
        out = done.stdout.decode("utf-8", "replace")
        markers = len(re.findall(r"\{\+|\[-", out))
        if markers == 0:
            raise RuntimeError(f"{name}: printed no word changes")
        sizes[name] = markers
    return sizes


def fmt_s(values: Sequence[float]) -> str:
    return f"{min(values) * 1000:.0f} / {statistics.median(values) * 1000:.0f} / {max(values) * 1000:.0f} ms"


def bench_cli(folder: Path, rounds: int) -> dict[str, object]:
    cli, launcher = letterkit_command()
    git = shutil.which("git")
    commands = {
        "letterkit big": [*cli, "diff", "big-a.yaml", "big-b.yaml"],
        "letterkit small": [*cli, "diff", "small-a.yaml", "small-b.yaml"],
    }
    if git:
        commands["git"] = [
            git,
            "--no-pager",
            "-c",
            "color.ui=never",
            "diff",
            "--no-index",
            "--word-diff",
            "big-a.txt",
            "big-b.txt",
        ]
    markers = check_outputs(commands, folder)
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        if r % 2:
            order.reverse()
        for name in order:
            times[name].append(timed(commands[name], folder, 1))
    return {"launcher": launcher, "times": times, "markers": markers, "git": git}


def bench_inprocess(folder: Path, runs: int) -> dict[str, object]:
    import letterkit

    a = letterkit.load(folder / "small-a.yaml")
    b = letterkit.load(folder / "small-b.yaml")
    result = letterkit.diff(a, b)
    paths = [c.path for c in result.changes]
    for _ in range(5):
        letterkit.diff(a, b)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        letterkit.diff(a, b)
        samples.append(time.perf_counter() - start)
    return {"samples": samples, "paths": paths}


# --------------------------------------------------------------------------- report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 CLI rounds instead of 11")
    parser.add_argument("--rounds", type=int, help="CLI rounds (each runs all three commands)")
    parser.add_argument("--runs", type=int, default=INPROCESS_RUNS, help="in-process diff runs (default 200)")
    parser.add_argument("--seed", type=int, default=20260427)
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 11)

    from importlib.metadata import version

    git_version = (
        subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
        if shutil.which("git")
        else "no git"
    )
    print("letterkit diff benchmark")
    print(
        f"  python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; letterkit {version('letterkit')}; {git_version}"
    )
    with tempfile.TemporaryDirectory(prefix="letterkit-bench-diff-") as tmp:
        folder = Path(tmp)
        info = make_files(folder, args.seed)
        print(
            f"  big letters: background of {info['words']:,} words ({info['distinct']:,} distinct), "
            f"{info['lines']:,} lines, {info['edits']:,} word edits "
            f"({100 * int(info['edits']) / int(info['words']):.1f}%), {int(info['bytes']) / 1024:.0f} KiB of YAML; "
            f"seed {args.seed}"
        )
        try:
            cli = bench_cli(folder, rounds)
        except Exception as error:  # a report, not a test
            print(f"  CLI benchmark failed: {error}")
            cli = None
        inproc = bench_inprocess(folder, args.runs)

    print()
    print(f"{'figure':<44} {'subject':>12} {'baseline':>12} {'ratio':>8} {'target':>10}  result")
    if cli is not None:
        print(f"  (CLI: {cli['launcher']}; {rounds} interleaved rounds; medians)")
        t = cli["times"]
        big, small = statistics.median(t["letterkit big"]), statistics.median(t["letterkit small"])
        net = big - small
        if "git" in t:
            base = statistics.median(t["git"])
            ratio = net / base
            paired = statistics.median(
                (tb - ts) / tg
                for tb, ts, tg in zip(t["letterkit big"], t["letterkit small"], t["git"], strict=True)
            )
            met = "met" if ratio <= CLI_TARGET_RATIO else "NOT met"
            print(
                f"{'50k-word diff: letterkit (big - small) vs git':<44} {net * 1000:>9.0f} ms "
                f"{base * 1000:>9.0f} ms {ratio:>7.1f}x {'<= ' + str(CLI_TARGET_RATIO) + 'x':>10}  {met}"
            )
        else:
            print(f"{'50k-word diff: letterkit (big - small)':<44} {net * 1000:>9.0f} ms {'(no git)':>12}")
        print("  details (min / median / max):")
        print(f"    letterkit diff big-a.yaml big-b.yaml     {fmt_s(t['letterkit big'])}")
        print(
            f"    letterkit diff small-a.yaml small-b.yaml {fmt_s(t['letterkit small'])}  (start-up, subtracted)"
        )
        if "git" in t:
            print(f"    git diff --no-index --word-diff (.txt)    {fmt_s(t['git'])}")
            print(f"    paired ratio (median of per-round ratios): {paired:.1f}x")
        print(
            f"    changed runs printed: letterkit {cli['markers']['letterkit big']:,}"
            + (f", git {cli['markers']['git']:,}" if "git" in cli["markers"] else "")
        )
    samples = inproc["samples"]
    median_ms = statistics.median(samples) * 1000
    p90_ms = sorted(samples)[int(0.9 * (len(samples) - 1))] * 1000
    met = "met" if median_ms <= INPROCESS_TARGET_MS else "NOT met"
    print(
        f"{'typical letter: letterkit.diff(a, b) in-process':<44} {median_ms:>9.2f} ms {'-':>12} {'-':>8} "
        f"{'<= ' + str(int(INPROCESS_TARGET_MS)) + ' ms':>10}  {met}"
    )
    print(
        f"  details: {len(samples)} runs, min {min(samples) * 1000:.2f} / median {median_ms:.2f} / "
        f"p90 {p90_ms:.2f} / max {max(samples) * 1000:.2f} ms; changes: {', '.join(inproc['paths'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
