"""Checking English with link-grammar (Debian's ``link-grammar`` package, ``link-parser``).

``parse(sentences)`` runs the parser once over all the sentences and says, for each, whether
it found a complete parse (every word linked, no null links) and the cost of the best one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

LINK_PARSER = shutil.which("link-parser")

_COST = re.compile(r"cost vector = \(UNUSED=(\d+) DIS=\s*(-?[\d.]+)")


@dataclass(frozen=True)
class Parse:
    sentence: str
    complete: bool
    cost: float | None


def plain(sentence: str) -> str:
    """The sentence as the parser reads it: quotation marks and Markdown taken out."""
    text = re.sub(r"[‘’“”\"*_]", "", sentence.replace("’s", "'s"))
    return " ".join(text.split())


def parse(sentences: Sequence[str]) -> list[Parse]:
    assert LINK_PARSER is not None
    texts = [plain(s) for s in sentences]
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    run = subprocess.run(
        [
            LINK_PARSER,
            "en",
            "-null=0",
            "-graphics=0",
            "-verbosity=1",
            "-echo=1",
            "-limit=1000",
            "-timeout=20",
        ],
        input="\n".join(texts) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    lines = run.stdout.splitlines()
    out: list[Parse] = []
    at = 0
    for original, text in zip(sentences, texts, strict=True):
        while at < len(lines) and lines[at].strip() != text:
            at += 1
        complete, cost = False, None
        for line in lines[at + 1 : at + 4]:
            if line.startswith("No complete linkages"):
                break
            match = _COST.search(line)
            if match:
                complete = match.group(1) == "0"
                cost = float(match.group(2))
                break
        out.append(Parse(original, complete, cost))
        at += 1
    return out
