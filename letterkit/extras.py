"""letterkit's extras: optional parts installed with ``pip install 'letterkit[NAME]'``.

``pip install letterkit`` gives the command line and the library. The browser and the HTTP API
(``serve``: FastAPI, uvicorn, python-multipart), FHIR records (``fhir``: fhir.resources) and
the PostgreSQL store (``postgres``: SQLAlchemy, psycopg, Alembic) are extras, declared in
pyproject.toml under the same names. The module that imports an extra's packages calls
``require(name)`` first, so that someone without it is told what to install rather than shown
an ImportError.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from letterkit.errors import MissingExtraError

__all__ = ["EXTRAS", "Extra", "require"]


@dataclass(frozen=True)
class Extra:
    """One extra: what needs it, what it brings, and the modules to import (in order)."""

    purpose: str
    """What needs it, as the start of a sentence: "serving letters in the browser"."""
    needs: str
    """What it brings, as a person names it."""
    modules: tuple[str, ...]


EXTRAS: dict[str, Extra] = {
    "serve": Extra(
        "serving letters in the browser",
        "letterkit's web server (FastAPI and uvicorn)",
        ("fastapi", "uvicorn", "python_multipart"),
    ),
    "fhir": Extra("a FHIR record", "fhir.resources", ("fhir.resources",)),
    "postgres": Extra(
        "keeping letters in PostgreSQL",
        "SQLAlchemy, psycopg and Alembic",
        ("sqlalchemy", "psycopg", "alembic"),
    ),
    "service": Extra(
        "accounts for a service (passwords and sign-in codes)",
        "argon2-cffi and pyotp",
        ("argon2", "pyotp"),
    ),
}
"""Each extra by the name pyproject.toml gives it."""


def require(name: str) -> None:
    """Import the modules of the extra ``name``; MissingExtraError, naming the extra to install,
    if one of them cannot be imported."""
    extra = EXTRAS[name]
    for module in extra.modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise MissingExtraError(
                f"{extra.purpose} needs {extra.needs}, which is not installed: "
                f"pip install 'letterkit[{name}]'",
                extra=name,
                module=error.name or module,
            ) from error
