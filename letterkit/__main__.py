"""``python -m letterkit`` and the ``letterkit`` command: the command line, started quickly.

A command runs once and exits, and nearly everything its imports make (modules, classes, the
letters' models) lives until then, so the garbage collector's passes over it while importing
are wasted: about a tenth of a cold ``letterkit render``. ``run`` imports the command line and
the workspace with the collector off, freezes what the imports made (``gc.freeze``: never
scanned again, never freed, as it never would be), and turns the collector back on for the
command's own work, so a long batch or ``letterkit serve`` collects as usual.

The command line also leaves Pydantic's plugins off (``PYDANTIC_DISABLE_PLUGINS``, unless it is
set already): a plugin another installed package registers would see every letter validated,
and looking for them reads every installed package's metadata at each start.
"""

from __future__ import annotations

import gc
import os


def run() -> None:
    """The ``letterkit`` command."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        import letterkit
        from letterkit.cli import main

        _ = letterkit.Workspace  # every command calls the workspace: load it here
        gc.freeze()
    finally:
        gc.enable()
    main()


if __name__ == "__main__":
    run()
