"""Data letterkit derives from installed files and keeps between runs, to start faster.

Like Jinja's compiled templates (``compose.templating``) and Python's ``.pyc`` files: made on
the first run, mapped into memory on every later one. The cache holds nothing from a letter, only what is
worked out from installed packages (the word tables, decompressed), in an owner-only folder in
the temporary folder (``letterkit-cache-UID``). A folder that is not the user's own, or that
others can open, is not used; an entry that is missing, unreadable or fails its check is made
again; a cache that cannot be written is simply not kept.
"""

from __future__ import annotations

import mmap
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from letterkit.errors import OutputError
from letterkit.files import DIR_MODE, write_atomic

MAX_ENTRY = 8 * 1024 * 1024
"""The largest entry read back (the word tables are under 2 MiB)."""


def folder() -> Path | None:
    """The user's own cache folder, made owner-only if missing; None where there is none."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return None
    try:
        path = Path(tempfile.gettempdir()) / f"letterkit-cache-{getuid()}"  # none usable: OSError
        path.mkdir(mode=DIR_MODE, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != getuid() or info.st_mode & 0o077:
        return None  # a link, or a folder someone else made or can change
    return path


def mapped(
    name: str, make: Callable[[], bytes], valid: Callable[[mmap.mmap | bytes], bool]
) -> mmap.mmap | bytes:
    """The bytes kept as ``name``, mapped into memory (a large table searched in a few places
    is not copied whole at every start), if they pass ``valid``; else ``make()``'s, kept for
    next time. ``name`` must change whenever what ``make`` reads changes (put the source's size
    and time in it)."""
    where = folder()
    if where is not None:
        try:
            fd = os.open(where / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            pass
        else:
            try:
                info = os.fstat(fd)
                if stat.S_ISREG(info.st_mode) and 0 < info.st_size <= MAX_ENTRY:
                    table = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
                    if valid(table):
                        return table
                    table.close()
            except (OSError, ValueError):
                pass
            finally:
                os.close(fd)  # the mapping stays valid without it
    return _made(where, name, make)


def _made(where: Path | None, name: str, make: Callable[[], bytes]) -> bytes:
    data = make()
    if where is not None and len(data) <= MAX_ENTRY:
        try:
            write_atomic(where / name, data)
        except OutputError:
            pass  # a full disk or a read-only temporary folder: made again next time
    return data
