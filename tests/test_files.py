"""letterkit.files: atomic, owner-only writes that never lose an earlier file."""

from __future__ import annotations

import errno
import os
import stat

import pytest

import letterkit.files as files
from letterkit.errors import LetterkitError, OutputError


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_text_and_bytes(tmp_path):
    text_file = files.write_atomic(tmp_path / "letter.md", "Dear Zoë,\n")
    assert text_file.read_bytes() == "Dear Zoë,\n".encode()
    byte_file = files.write_atomic(tmp_path / "letter.pdf", b"%PDF-1.7\x00\xff")
    assert byte_file.read_bytes() == b"%PDF-1.7\x00\xff"
    assert leftovers(tmp_path) == []


def test_mode_is_owner_only(tmp_path):
    old = os.umask(0o000)  # even with a permissive umask
    try:
        path = files.write_atomic(tmp_path / "letter.md", "text")
    finally:
        os.umask(old)
    assert mode(path) == 0o600


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "letter.md"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    files.write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert mode(path) == 0o644


def test_replace_false_refuses_an_existing_file(tmp_path):
    path = tmp_path / "draft-1.yaml"
    path.write_text("the first draft", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        files.write_atomic(path, "something else", replace=False)
    assert str(caught.value) == f"{path}: already exists and must not be replaced"
    assert path.read_text(encoding="utf-8") == "the first draft"
    assert leftovers(tmp_path) == []


def test_replace_false_writes_a_new_file(tmp_path):
    path = files.write_atomic(tmp_path / "draft-2.yaml", "second", replace=False)
    assert path.read_text(encoding="utf-8") == "second"
    assert mode(path) == 0o600
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_full_disk_leaves_the_earlier_file_untouched(tmp_path, monkeypatch, code):
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"the good copy")

    def no_space(src, dst):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OutputError) as caught:
        files.write_atomic(path, b"the new copy")
    assert str(caught.value) == (
        f"{path}: could not be written (the disk is full); any earlier file is unchanged"
    )
    assert isinstance(caught.value, OSError) and isinstance(caught.value, LetterkitError)
    assert path.read_bytes() == b"the good copy"
    assert leftovers(tmp_path) == []


def test_failure_while_writing_discards_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "letter.md"
    path.write_text("old", encoding="utf-8")

    def fsync_fails(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fsync_fails)
    with pytest.raises(OutputError) as caught:
        files.write_atomic(path, "new")
    assert str(caught.value) == (
        f"{path}: could not be written ({os.strerror(errno.EIO)}); any earlier file is unchanged"
    )
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_missing_folder(tmp_path):
    target = tmp_path / "nowhere" / "letter.md"
    with pytest.raises(OutputError) as caught:
        files.write_atomic(target, "text")
    assert str(caught.value) == f"{target}: the folder {tmp_path / 'nowhere'} does not exist"


def test_folder_as_target(tmp_path):
    with pytest.raises(OutputError) as caught:
        files.write_atomic(tmp_path, "text")
    assert str(caught.value) == f"{tmp_path}: is a folder; give a file name for the output"


def test_ensure_dir_is_owner_only(tmp_path):
    folder = files.ensure_dir(tmp_path / "a" / "b")
    assert folder.is_dir()
    assert mode(folder) == 0o700
    assert files.ensure_dir(folder) == folder  # already there: fine


def test_ensure_dir_over_a_file(tmp_path):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        files.ensure_dir(tmp_path / "plain")
    assert str(caught.value) == f"{tmp_path / 'plain'}: exists and is not a folder"
