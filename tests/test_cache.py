"""letterkit's cache of derived data (letterkit/cache.py): used only when it is the user's own,
checked on every read, and never needed."""

from __future__ import annotations

import mmap
import os
import stat
import tempfile
from pathlib import Path

import pytest

from letterkit import cache
from letterkit.compose import word_tables


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_an_entry_is_made_once_then_read_back(temp: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"derived"

    assert cache.mapped("entry", make, lambda data: True)[:] == b"derived"
    assert cache.mapped("entry", make, lambda data: True)[:] == b"derived"
    assert made == [1]
    folder = temp / f"letterkit-cache-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "entry").stat().st_mode) == 0o600


def test_an_entry_that_fails_its_check_is_made_again(temp: Path) -> None:
    cache.mapped("entry", lambda: b"good", lambda data: True)
    (temp / f"letterkit-cache-{os.getuid()}" / "entry").write_bytes(b"truncat")
    assert cache.mapped("entry", lambda: b"good", lambda data: data[:] == b"good")[:] == b"good"
    assert (temp / f"letterkit-cache-{os.getuid()}" / "entry").read_bytes() == b"good"


def test_a_folder_others_can_change_is_not_used(temp: Path) -> None:
    folder = temp / f"letterkit-cache-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    (folder / "entry").write_bytes(b"planted")
    assert cache.folder() is None
    assert cache.mapped("entry", lambda: b"made", lambda data: True)[:] == b"made"
    assert (folder / "entry").read_bytes() == b"planted"


def test_a_link_in_place_of_the_folder_is_not_followed(temp: Path) -> None:
    elsewhere = temp / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (temp / f"letterkit-cache-{os.getuid()}").symlink_to(elsewhere)
    assert cache.folder() is None
    assert cache.mapped("entry", lambda: b"made", lambda data: True)[:] == b"made"
    assert list(elsewhere.iterdir()) == []


def test_without_a_writable_temporary_folder_the_data_is_made_each_time(temp: Path) -> None:
    (temp / "missing").mkdir()
    tempfile.tempdir = str(temp / "missing" / "deeper")  # cannot be made: its parent is absent
    assert cache.folder() is None
    assert cache.mapped("entry", lambda: b"made", lambda data: True)[:] == b"made"


def test_without_any_usable_temporary_folder_nothing_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_folder() -> str:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(tempfile, "gettempdir", no_folder)
    assert cache.folder() is None
    assert cache.mapped("entry", lambda: b"made", lambda data: True) == b"made"


def test_the_word_tables_read_a_damaged_cache_entry_as_missing(temp: Path) -> None:
    source = word_tables._resources() / "infl_lu.csv.gz"
    whole = word_tables._decompressed(source)
    [entry] = (temp / f"letterkit-cache-{os.getuid()}").glob("words-v1-*-infl_lu.csv")
    entry.write_bytes(whole[: len(whole) // 2])  # cut short, as by a full disk
    assert word_tables._decompressed(source) == whole
    assert entry.read_bytes() == whole
    kept = word_tables._decompressed(source)  # now mapped from the cache, not made
    assert isinstance(kept, mmap.mmap) and kept[:] == whole


def test_a_mapped_entry_that_fails_its_check_is_made_again(temp: Path) -> None:
    cache.mapped("entry", lambda: b"good", lambda data: True)
    (temp / f"letterkit-cache-{os.getuid()}" / "entry").write_bytes(b"")  # empty: cannot be mapped
    assert cache.mapped("entry", lambda: b"good", lambda data: data[:] == b"good") == b"good"
    kept = cache.mapped("entry", lambda: b"made", lambda data: data[:] == b"good")
    assert isinstance(kept, mmap.mmap) and kept[:] == b"good"
