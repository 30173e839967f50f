#!/usr/bin/env python3
"""Write constraints.txt: the exact versions the test suite last passed with.

scripts/test.sh installs with ``pip install -c constraints.txt``, so CI tests the same versions
of letterkit's dependencies, its extras and the test tools every time, and a new release of any
of them arrives through a deliberate update of this file rather than by surprise. pyproject.toml
keeps the ranges letterkit accepts; this file picks one version within them.

To update: install the newest versions you want to test (``pip install -U -e
'.[serve,fhir,postgres,test]'``), run the tests, then, with that environment's python:

    python scripts/constraints.py > constraints.txt

It lists every distribution the requirements of pyproject.toml (core, every extra) reach, as
installed in the running environment, with the environment markers of this Python evaluated.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def wanted(requirement: Requirement, extra: str) -> bool:
    if requirement.marker is None:
        return True
    return requirement.marker.evaluate({**default_environment(), "extra": extra})


def closure(requirements: list[tuple[Requirement, str]]) -> dict[str, str]:
    """Each distribution reached from ``requirements`` (and the extras they ask for) → its version."""
    found: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    todo = list(requirements)
    while todo:
        requirement, extra = todo.pop()
        name = canonicalize_name(requirement.name)
        if (name, extra) in seen or not wanted(requirement, extra):
            continue
        seen.add((name, extra))
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{requirement.name} is not installed: pip install -e '.[serve,fhir,postgres,test]' first")
        if distribution.version not in requirement.specifier:
            sys.exit(f"{requirement.name} {distribution.version} is installed, outside {requirement}")
        found[name] = distribution.version
        for text in distribution.requires or []:
            child = Requirement(text)
            for wanted_extra in ("", *sorted(requirement.extras)):
                todo.append((child, wanted_extra))
    return found


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [(Requirement(text), "") for text in project["dependencies"]]
    for texts in project["optional-dependencies"].values():
        requirements += [(Requirement(text), "") for text in texts]
    own = canonicalize_name(project["name"])
    pins = {name: version for name, version in closure(requirements).items() if name != own}
    print("# The versions the test suite passed with; scripts/test.sh installs with -c constraints.txt.")
    print(f"# Made by scripts/constraints.py on Python {sys.version_info.major}.{sys.version_info.minor}.")
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")


if __name__ == "__main__":
    main()
