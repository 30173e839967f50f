"""Reading files within bounds, and writing them so that nothing is lost.

A read takes regular files only and checks the size before reading, so a device, a FIFO or a
huge file is refused at once. A write goes to a temporary file in the same folder, is flushed
to disk, then renamed over the target in one step; a failure at any point leaves the earlier
file as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from letterkit.errors import OutputError

FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_READ = 16 * 1024 * 1024
"""The largest file letterkit reads unless the caller says otherwise (fonts are the largest)."""


def read_bytes(path: str | os.PathLike[str], *, what: str = "file", max_bytes: int = MAX_READ) -> bytes:
    """A regular file's bytes, refusing folders, devices, FIFOs and anything over ``max_bytes``.

    Raises ``OSError`` subclasses with a plain ``strerror``, so callers can name the file.
    """
    import stat

    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(name, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", name)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(
                errno.EINVAL,
                f"is not a regular file (a device or a pipe?), so it is not read as a {what}",
                name,
            )
        if info.st_size > max_bytes:
            raise OSError(
                errno.EFBIG,
                f"is too large for a {what} ({info.st_size:,} bytes; the limit is {max_bytes:,})",
                name,
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OSError(errno.EFBIG, f"is too large for a {what} (the limit is {max_bytes:,} bytes)", name)
        return data
    finally:
        os.close(fd)


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
    """Write ``data`` to ``path`` atomically: mode 0600, or the mode of the file it replaces.

    Only a regular file (or nothing) is ever replaced: a folder, a device, a FIFO or a link to
    one is refused with an ``OutputError``. With ``replace=False`` the name is claimed with a
    hard link, so an existing file is never replaced (used for stored drafts, which are
    immutable).
    """
    target = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    mode = _replaceable_mode(target)
    try:
        # The temporary name is kept short, so that any name the file system allows works.
        handle, temp = tempfile.mkstemp(prefix=f".{target.name[:_TEMP_STEM]}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        if folder.is_dir():
            raise OutputError(f"{target}: files cannot be created in {folder}") from None
        raise OutputError(f"{target}: the folder {folder} does not exist") from None
    except OSError as error:
        raise OutputError(f"{target}: cannot write here: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode if replace and mode is not None else FILE_MODE)
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


_TEMP_STEM = 40
"""How much of the target's name a temporary file's name keeps."""


def _replaceable_mode(target: Path) -> int | None:
    """The permissions of the regular file at ``target`` (kept when it is replaced), or None
    if nothing is there. Anything else there — a folder, a device, a FIFO, a socket, or a
    link to one — is refused: renaming over it would destroy it."""
    import stat

    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{target}: cannot write here: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(target)
        except OSError:
            return None  # a dangling link is replaced by the file, as a missing file would be
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{target}: is a folder; give a file name for the output")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"{target}: is not a regular file (a device, a pipe or a socket), so it is not "
            "replaced; give the name of a file to write"
        )
    return stat.S_IMODE(info.st_mode) & 0o777  # never set-user-ID or the like


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
