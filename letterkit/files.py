"""Writing files so that nothing is lost: atomic, synced, owner-only.

A write goes to a temporary file in the same folder, is flushed to disk, then renamed over the
target in one step; a failure at any point leaves the earlier file as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from letterkit.errors import OutputError

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    """Create a folder (and its parents) owner-only, if it is not there yet."""
    folder = Path(path)
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: exists and is not a folder") from None
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the folder: {error.strerror or error}") from None
    return folder


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600.

    With ``replace=False`` the name is claimed with a hard link, so an existing file is never
    replaced (used for stored drafts, which are immutable).
    """
    target = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name for the output")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        if folder.is_dir():
            raise OutputError(f"{target}: files cannot be created in {folder}") from None
        raise OutputError(f"{target}: the folder {folder} does not exist") from None
    except OSError as error:
        raise OutputError(f"{target}: cannot write here: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(temp, target)
        else:
            os.link(temp, target)
            os.unlink(temp)
        _sync_dir(folder)
    except FileExistsError:
        _discard(temp)
        raise OutputError(f"{target}: already exists and must not be replaced") from None
    except OSError as error:
        _discard(temp)
        reason = (
            "the disk is full"
            if error.errno in (errno.ENOSPC, errno.EDQUOT)
            else (error.strerror or str(error))
        )
        raise OutputError(
            f"{target}: could not be written ({reason}); any earlier file is unchanged"
        ) from None
    return target


def _discard(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
