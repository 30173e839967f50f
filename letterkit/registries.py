"""The registries' names, for the command line, the web app and embedders: the kinds of
letter, the output formats, the print styles, who authors a draft, who a view is for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from letterkit import writers
from letterkit.compose.styling import STYLES
from letterkit.drafts.store import ROLES
from letterkit.model import kinds
from letterkit.model.editing import letter_in_progress as shape
from letterkit.model.fields import ACCOUNT_ROLES
from letterkit.workspace.revisions import contributions_formats, diff_formats

if TYPE_CHECKING:
    from pydantic import BaseModel

FORMATS: tuple[str, ...] = tuple(writers.FORMATS)
"""The output formats' names."""

__all__ = [
    "FORMATS",
    "account_roles",
    "contributions_formats",
    "diff_formats",
    "letter_in_progress",
    "letter_kinds",
    "readers",
    "roles",
    "styles",
]


def letter_kinds() -> tuple[str, ...]:
    """The kinds of letter, by name."""
    return kinds.names()


def account_roles() -> tuple[str, ...]:
    """What a service's account may be: therapist, trainee, supervisor or admin."""
    return ACCOUNT_ROLES


def roles() -> tuple[str, ...]:
    """Who can author a draft."""
    return ROLES


def readers() -> tuple[str, ...]:
    """Who a revision view (``compare``, ``contributions_report`` as html, pdf or docx) is for."""
    from letterkit.diffs.places import READERS

    return READERS


def styles() -> tuple[str, ...]:
    """The print styles."""
    return STYLES


def letter_in_progress() -> type[BaseModel]:
    """A letter's shape with every field optional (work in progress), built from the kinds."""
    return shape()
