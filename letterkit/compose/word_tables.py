"""English lemmas and verb inflections, read from the tables that ``lemminflect`` ships.

letterkit asks only dictionary questions ("which lemmas can 'becomes' have?", "what is the past
of 'feel'?"), never lemminflect's model for unknown words, so it reads the package's two sorted
lookup tables itself: decompressed once (and kept so in letterkit's cache for the next run),
searched by bisection. Importing lemminflect itself would load NumPy and parse both tables
into dictionaries, about a third of a second on every cold ``letterkit render``; this answers
the same questions in a few milliseconds. The answers
are lemminflect's own (``getAllLemmas(word)``, ``getAllInflections(lemma, upos="VERB")`` for
lower-case words); tests/test_word_tables.py holds the two to the same results.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import mmap
import zlib
from pathlib import Path

from letterkit import cache

Buffer = bytes | mmap.mmap
"""A table's bytes: read, or mapped from letterkit's cache."""

_VERB_TAGS = ("VBD", "VBN", "VBG", "VBZ")
"""The order of the forms after ``word,verb,`` in lemminflect's inflection table."""
_TAGS_FOR = {"verb": _VERB_TAGS, "noun": ("NNS",), "adj": ("JJR", "JJS"), "adv": ("RBR", "RBS")}
_VERB_UPOS_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
# lemminflect hard-codes these after reading its table (InflectionLUCodec.updateForAuxMod).
_AUX_AND_MODALS: dict[str, dict[str, tuple[str, ...]]] = {
    "can": {"VB": ("can",), "VBD": ("could",)},
    "may": {"VB": ("may",), "VBD": ("might",)},
    "will": {"VB": ("will",), "VBD": ("would",)},
    "shall": {"VB": ("shall",), "VBD": ("should",)},
    "must": {"VB": ("must",), "VBD": ("must",)},
    "ought": {"VB": ("ought",), "VBD": ("ought",)},
    "dare": {"VB": ("dare",)},
    "be": {"VB": ("be",), "VBD": ("was", "were"), "VBG": ("being",), "VBN": ("been",),
           "VBP": ("am", "are"), "VBZ": ("is",)},
}  # fmt: skip


def _resources() -> Path:
    spec = importlib.util.find_spec("lemminflect")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the lemminflect package is not installed (pip install lemminflect)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


class _Table:
    """One of lemminflect's sorted ``word,category,…`` tables, searched without splitting it:
    bisection over the decompressed bytes (UTF-8 keeps the order of the words' characters)."""

    def __init__(self, name: str) -> None:
        self.data = _decompressed(_resources() / name)

    def rows(self, word: str) -> list[list[str]]:
        data, target = self.data, word.encode("utf-8")
        lo, hi = 0, len(data)  # both at the start of a line (or the end)
        while lo < hi:  # the first line whose word is not before ``target``
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 or lo
            end = _line_end(data, start)
            if _word(data, start, end) < target:
                lo = end + 1
            else:
                hi = start
        found = []
        while lo < len(data):
            end = _line_end(data, lo)
            if _word(data, lo, end) != target:
                break
            found.append(data[lo:end].decode("utf-8").split(","))
            lo = end + 1
        return found


def _decompressed(source: Path) -> Buffer:
    """A gzipped table's bytes: decompressed on the first run (about 10 ms for both tables),
    then mapped from letterkit's cache (``letterkit.cache``), checked against the length the gzip
    file records."""
    info = source.stat()
    with source.open("rb") as raw:
        raw.seek(-4, 2)
        length = int.from_bytes(raw.read(4), "little")  # gzip's ISIZE: the length mod 2**32
    tag = hashlib.sha256(f"{source}\0{info.st_size}\0{info.st_mtime_ns}".encode()).hexdigest()[:20]
    return cache.mapped(
        f"words-v1-{tag}-{source.name.removesuffix('.gz')}",  # v1: the whole table, as gunzipped
        lambda: zlib.decompress(source.read_bytes(), wbits=zlib.MAX_WBITS | 16),  # gzip's format
        lambda data: len(data) % 2**32 == length,
    )


def _line_end(data: Buffer, start: int) -> int:
    end = data.find(b"\n", start)
    return len(data) if end < 0 else end


def _word(data: Buffer, start: int, end: int) -> bytes:
    comma = data.find(b",", start, end)
    return data[start : end if comma < 0 else comma]


@functools.cache
def _table(name: str) -> _Table:
    return _Table(name)


@functools.cache
def _overrides(name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for line in (_resources() / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, tag, out = line.split(",")
            found.setdefault(word, {})[tag] = (out,)
    return found


def all_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """Every lemma ``word`` can have, by universal part of speech: 'becomes' → {'VERB':
    ('become',)}; unknown words → {}. As ``lemminflect.getAllLemmas(word)`` for a lower-case word."""
    low = word.lower()
    found: dict[str, tuple[str, ...]] = {}
    for _, category, forms in _table("lemma_lu.csv.gz").rows(low):
        upos = "AUX" if category.upper() == "MODAL" else category.upper()
        found[upos] = tuple(forms.split("/"))
    found.update(_overrides("lemma_overrides.csv").get(low, {}))
    return {upos: tuple(form.lower() for form in forms) for upos, forms in found.items()}


def verb_inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    """A verb's forms by Penn tag: 'feel' → {'VB': ('feel',), 'VBD': ('felt',), …}. As
    ``lemminflect.getAllInflections(lemma, upos="VERB")`` for a lower-case lemma."""
    low = lemma.lower()
    forms: dict[str, tuple[str, ...]] = {}
    if low in _AUX_AND_MODALS:
        forms = dict(_AUX_AND_MODALS[low])
    else:
        for row in _table("infl_lu.csv.gz").rows(low):
            category, spellings = row[1], row[2:]
            for tag, spelling in zip(_TAGS_FOR.get(category, ()), spellings, strict=False):
                if spelling:
                    forms[tag] = tuple(spelling.split("/"))
            if category == "verb":
                forms["VB"] = forms["VBP"] = (low,)
            elif category in ("aux", "modal"):
                forms["VB"] = (low,)
            else:
                forms[{"noun": "NN", "adj": "JJ", "adv": "RB"}[category]] = (low,)
    forms.update(_overrides("infl_overrides.csv").get(low, {}))
    return {
        tag: tuple(s.lower() for s in spellings) for tag, spellings in forms.items() if tag in _VERB_UPOS_TAGS
    }
