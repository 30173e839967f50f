"""One workspace per folder (or store) of letters: every workflow is one of its methods.

    >>> from letterkit import Workspace
    >>> ws = Workspace("letters/")
    >>> ws.render_file("peter.yaml", RenderOptions(format="pdf"))
    >>> ws.save_draft("peter.yaml", "therapist", "Dr A Okafor")

Like an HTTP client, a ``Workspace`` holds what its calls share: where letters are kept (a
``letterkit.store.Store``; by default the files in ``folder``), the service's settings and one
renderer. The command line and ``letterkit serve`` call a workspace and nothing else; the
module-level functions in ``letterkit`` use a shared default one. The stale-version and
unsaved-changes checks live here once (``Base``).
"""

from __future__ import annotations

from letterkit.workspace.caseload import Caseload
from letterkit.workspace.reading import ReadingTogether
from letterkit.workspace.review import Review
from letterkit.workspace.suggestions import Suggesting


class Workspace(Caseload, ReadingTogether, Review, Suggesting):
    """A folder (or any store) of letters, its settings and one renderer; see the module."""


__all__ = ["Workspace"]
