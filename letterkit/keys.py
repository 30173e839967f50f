"""letterkit's secret keys, kept owner-only in the user's configuration folder.

Two keys live there: the one pseudonyms are derived with (``redact``) and the one a keyed
draft history is signed with (``drafts.store``). Each is created on first use.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from letterkit.errors import LetterkitError
from letterkit.files import ensure_dir, write_atomic

__all__ = ["HISTORY_KEY", "PSEUDONYM_KEY", "config_dir", "load_key", "read_key"]

PSEUDONYM_KEY = "pseudonym.key"
"""The key pseudonyms are derived with (``letterkit.review.redact``)."""

HISTORY_KEY = "history.key"
"""The key a draft history kept with a key is signed with (``letterkit.drafts.store``)."""


def config_dir() -> Path:
    """letterkit's per-user configuration folder ($LETTERKIT_CONFIG_DIR, else XDG)."""
    explicit = os.environ.get("LETTERKIT_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "letterkit"


def read_key(name: str = PSEUDONYM_KEY, folder: Path | None = None) -> bytes | None:
    """A key kept in letterkit's configuration folder, or None if it does not exist yet."""
    path = (folder or config_dir()) / name
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 16:
            raise ValueError(f"it holds {len(key)} bytes; a key has at least 16")
        return key
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LetterkitError(
            f"{path}: the {name.removesuffix('.key')} key cannot be read ({error})"
        ) from None


def load_key(folder: Path | None = None, name: str = PSEUDONYM_KEY) -> bytes:
    """A key (the pseudonym key unless named), created owner-only on first use."""
    folder = folder or config_dir()
    key = read_key(name, folder)
    if key is not None:
        return key
    ensure_dir(folder)
    try:
        write_atomic(folder / name, secrets.token_hex(32) + "\n", replace=False)
    except LetterkitError:
        pass  # another process created it first: use theirs
    key = read_key(name, folder)
    if key is None:
        raise LetterkitError(
            f"{folder / name}: the key could not be created; check that the folder can be written to"
        )
    return key
