"""letterkit's modules import one another without circles.

The graph is read from the source with ``ast``. Every import counts, at module level or inside a
function: an import moved into a function still ties the two modules together, it only hides
the circle until the function runs. ``from letterkit import name`` and ``letterkit.name`` (after
``import letterkit``) are followed to the module that defines the lazy name. Imports under
``if TYPE_CHECKING:`` never run and are left out. The writers' registry names its modules as
data (``OutputFormat.module``); that is a plug-in table, not an import, and is left out too.

A letterkit module imported inside a function is allowed only where loading it late keeps a
command fast (``LAZY``, each with its reason); the test below proves the fast path never loads
them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import letterkit

PACKAGE = Path(letterkit.__file__).resolve().parent

KNOWN_LEAD: dict[tuple[str, str], str] = {}
"""Imports that close a circle through the façade (api.py) and the web app, kept until the
workspace object lets the web app stop calling back into api.py. Each is left out of the
graph; an entry that no longer closes a circle fails, so that the list only shrinks."""

KNOWN_LEAD_LAZY: tuple[str, ...] = ()
"""Modules of the façade and the web app whose imports inside functions are not yet held to
``LAZY``, until they are rewritten over the workspace object."""

LAZY: dict[tuple[str, str], str] = {
    ("letterkit.api", "letterkit.web.server"): "FastAPI and uvicorn (the serve extra), only for serve",
    (
        "letterkit.rendering",
        "letterkit.writers.worker",
    ): "the worker processes, only for a PDF or Word document",
    ("letterkit.workspace.review", "letterkit.writers.pdf"): "WeasyPrint, only to take a letter out of a PDF",
    ("letterkit.rendering", "letterkit.writers.pdf"): "WeasyPrint's fonts are made on the first PDF",
    ("letterkit.compose.html", "letterkit.compose.diagram"): "the diagram's SVG layout, only for a diagram",
    ("letterkit.compose.html", "letterkit.compose.diagram_labels"): "the diagram's parts, only for a diagram",
    (
        "letterkit.writers.document",
        "letterkit.compose.diagram",
    ): "the diagram's SVG layout, only for a diagram",
    ("letterkit.store", "letterkit.store.postgres"): "the database store, only when it is named",
    ("letterkit.__main__", "letterkit.cli"): "imported with the garbage collector off, then frozen",
    ("letterkit.cli", "letterkit.cli_review"): "the review commands, only when one is run",
    ("letterkit.cli", "letterkit.cli_draft"): "the draft commands, only when one is run",
    ("letterkit.cli", "letterkit.cli_db"): "the database commands, only when one is run",
    ("letterkit.cli", "letterkit.cli_account"): "the service's commands, only when one is run",
    # What a cold `letterkit render` never needs, loaded by the workflow that does:
    ("letterkit.rendering", "letterkit.compose.easy_read"): "easy-read texts, only for the easy-read style",
    ("letterkit.rendering", "letterkit.review.easy_read"): "easy-read warnings, only for the easy-read style",
    (
        "letterkit.compose.context",
        "letterkit.compose.easy_read",
    ): "easy-read texts, only for the easy-read style",
    ("letterkit.compose.html", "letterkit.compose.easy_read"): "the pictograms, only for the easy-read style",
    ("letterkit.compose.context", "letterkit.lexicon.jargon"): "the glossary, only for the easy-read style",
    ("letterkit.registries", "letterkit.diffs.places"): "the revision views' readers, only when asked",
    (
        "letterkit.workspace.base",
        "letterkit.review.check",
    ): "the patient's own words, only for a letter with drafts",
    (
        "letterkit.workspace.history",
        "letterkit.drafts.paragraphs",
    ): "the printed copy's paragraphs, only for draft import",
    (
        "letterkit.workspace.history",
        "letterkit.drafts.importing",
    ): "draft import's merging, only for draft import",
    (
        "letterkit.workspace.reading",
        "letterkit.drafts.paragraphs",
    ): "the printed letter's paragraphs, only for reading together",
    ("letterkit.workspace.review", "letterkit.review.redact"): "redaction, only for redact",
    (
        "letterkit.workspace.review",
        "letterkit.drafts.importing",
    ): "the letter file's writing, only for redact",
    (
        "letterkit.workspace.review",
        "letterkit.review.suggest",
    ): "the sentences for a field, only for the field notes",
    ("letterkit.workspace.review", "letterkit.review.check"): "the checker, only for check",
    ("letterkit.workspace.revisions", "letterkit.diffs.core"): "diffing, only for a comparison or the credit",
    ("letterkit.workspace.revisions", "letterkit.diffs.places"): "where changes are, only for a comparison",
    (
        "letterkit.workspace.revisions",
        "letterkit.diffs.redline",
    ): "the marked-up letter, only for a comparison",
    ("letterkit.workspace.revisions", "letterkit.diffs.views"): "a comparison's text views, only for one",
    (
        "letterkit.workspace.revisions",
        "letterkit.drafts.attribution",
    ): "who wrote which words, only for the credit",
    ("letterkit.workspace.suggestions", "letterkit.diffs.core"): "diffing, only for the suggestions",
    # What the review and history workflows return: built by the workflow that returns one.
    ("letterkit.workspace.caseload", "letterkit.workspace.reports"): "the caseload's rows, only for it",
    ("letterkit.workspace.letters", "letterkit.workspace.reports"): "new, validate and the work in progress",
    ("letterkit.workspace.history", "letterkit.workspace.reports"): "verify's and import's results",
    ("letterkit.workspace.reading", "letterkit.workspace.reports"): "the reading page's parts",
    ("letterkit.workspace.review", "letterkit.workspace.reports"): "check's, redact's, extract's results",
    ("letterkit.workspace.revisions", "letterkit.workspace.reports"): "a comparison's or credit's result",
    ("letterkit.workspace.signoff", "letterkit.workspace.reports"): "sign-offs and the draft log",
    ("letterkit.workspace.suggestions", "letterkit.workspace.reports"): "the suggestions and decisions",
    ("letterkit.workspace.results", "letterkit.workspace.reports"): "the moved classes' old names",
    # The decisions on suggestions and the sign-offs kept beside the drafts:
    ("letterkit.store.files", "letterkit.drafts.decisions"): "decisions, only for the suggestions",
    ("letterkit.store.files", "letterkit.drafts.attestations"): "sign-offs, only for them",
    ("letterkit.drafts.checking", "letterkit.drafts.decisions"): "checked with the history",
    ("letterkit.drafts.checking", "letterkit.drafts.attestations"): "checked with the history",
    ("letterkit.model.loading", "letterkit.model.yaml_errors"): "the YAML explanations, only for a slip",
    ("letterkit.workspace.outputs", "letterkit.writers.history"): "drafts and sign-offs, only for FHIR",
    (
        "letterkit.workspace.suggestions",
        "letterkit.diffs.suggestions",
    ): "the suggested changes, only for them",
}
"""(importer, imported): the only letterkit modules imported inside a function, and why."""

READABILITY_REWRITE: dict[tuple[str, str], str] = {}
"""Imports inside functions of review/readability.py and review/syllables.py, which are being
replaced (issue 16, item 7); empty this when they are."""


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    function: str | None
    """The function the import is made in; None at module level."""
    statement: bool = True
    """An import statement; False for ``letterkit.name`` used after ``import letterkit``."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = (
                test.id
                if isinstance(test, ast.Name)
                else test.attr
                if isinstance(test, ast.Attribute)
                else ""
            )
            if name == "TYPE_CHECKING":
                skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skipped


def lazy_names() -> dict[str, str]:
    """The package's lazily loaded names, each with the module that defines it: from a
    ``{name: (module, attribute)}`` table in letterkit/__init__.py and from the imports it
    makes for type checkers."""
    tree = ast.parse(MODULES["letterkit"].read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("letterkit.")
        ):
            for alias in node.names:
                names[alias.asname or alias.name] = str(node.module)
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, ast.Dict):
            continue
        for key, item in zip(value.keys, value.values, strict=True):
            target = item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item
            if not (isinstance(key, ast.Constant) and isinstance(target, ast.Constant)):
                continue
            where = str(target.value)
            where = where if where.startswith("letterkit.") else f"letterkit.{where}"
            if isinstance(key.value, str) and where in MODULES:
                names[key.value] = where
    return names


def _owner(name: str) -> str | None:
    """The letterkit module ``name`` is, or is inside of (``letterkit.compose.html.to_html``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, lazy: dict[str, str], source: str | None = None) -> Iterator[Import]:
    """Every letterkit module that ``module`` imports, where, and whether inside a function
    (``source``: its text, if not the file's)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    skipped = _type_checking_only(tree)
    functions: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                functions.setdefault(id(inner), node.name)
    package_aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "letterkit"
    }
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names if alias.name != "letterkit"]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] + [node.module or ""]).strip(".")
            base = base if node.level else str(node.module)
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    targets.append(f"{base}.{alias.name}")
                elif base == "letterkit" and alias.name in lazy:
                    targets.append(lazy[alias.name])
                else:
                    targets.append(base)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in package_aliases
        ):
            targets = [
                f"letterkit.{node.attr}" if f"letterkit.{node.attr}" in MODULES else lazy.get(node.attr, "")
            ]
        for target in targets:
            owner = _owner(target) if target.startswith("letterkit") else None
            if owner and owner != module and owner != "letterkit":
                statement = isinstance(node, (ast.Import, ast.ImportFrom))
                yield Import(module, owner, getattr(node, "lineno", 0), functions.get(id(node)), statement)


def all_imports() -> list[Import]:
    lazy = lazy_names()
    return [found for module in MODULES for found in imports_of(module, lazy)]


def graph(imports: list[Import], leave_out: set[tuple[str, str]]) -> dict[str, dict[str, Import]]:
    edges: dict[str, dict[str, Import]] = {module: {} for module in MODULES}
    for found in imports:
        if (found.importer, found.imported) not in leave_out:
            edges[found.importer].setdefault(found.imported, found)
    return edges


def circles(edges: dict[str, dict[str, Import]]) -> list[tuple[list[Import], set[str]]]:
    """One circle through each tangle of modules (a strongly connected component), as the
    imports that make it, with the whole tangle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    tangles: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            tangle: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                tangle.add(member)
                if member == module:
                    break
            if len(tangle) > 1 or module in edges[module]:
                tangles.append(tangle)

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return [(_circle_in(sorted(tangle)[0], tangle, edges), tangle) for tangle in tangles]


def _circle_in(start: str, tangle: set[str], edges: dict[str, dict[str, Import]]) -> list[Import]:
    """The shortest way from ``start`` back to itself inside ``tangle``."""
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target, found in sorted(edges[module].items()):
                if target == start:
                    return paths[module] + [found]
                if target in tangle and target not in paths:
                    paths[target] = paths[module] + [found]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a tangle with no way back to it")


def named(circle: list[Import]) -> str:
    steps = [
        f"{found.importer} (line {found.line}{', in ' + found.function if found.function else ''})"
        for found in circle
    ]
    return " → ".join([*steps, circle[0].importer])


# --------------------------------------------------------------------------- the graph itself


def test_the_graph_sees_function_level_imports_and_lazy_names() -> None:
    """The reader is checked on a module written for it, so that a blind reader cannot pass."""
    lazy = lazy_names()
    assert lazy["LetterkitError"] == "letterkit.errors"
    assert lazy["render"] in MODULES
    source = (
        "from typing import TYPE_CHECKING\n"
        "import letterkit\n"
        "from letterkit import writers\n"
        "from letterkit.model import kinds\n"
        "from letterkit import LetterkitError\n"
        "if TYPE_CHECKING:\n"
        "    from letterkit.writers.document import Document\n"
        "def make():\n"
        "    from letterkit.writers.pdf import FontPool\n"
        "    return letterkit.render\n"
    )
    found = {(f.imported, f.function, f.statement) for f in imports_of("letterkit.rendering", lazy, source)}
    assert found == {
        ("letterkit.writers", None, True),  # ``from letterkit import writers`` names the subpackage
        ("letterkit.model.kinds", None, True),
        ("letterkit.errors", None, True),  # a lazy name, followed to its module
        ("letterkit.writers.pdf", "make", True),  # an import inside a function
        (lazy["render"], "make", False),  # ``letterkit.render`` used after ``import letterkit``
    }  # and nothing for the import made for type checkers only


def test_the_circle_finder_names_a_circle() -> None:
    edges: dict[str, dict[str, Import]] = {"a": {}, "b": {}, "c": {}}
    edges["a"]["b"] = Import("a", "b", 3, None)
    edges["b"]["c"] = Import("b", "c", 7, "helper")
    edges["c"]["a"] = Import("c", "a", 9, None)
    assert [named(circle) for circle, _ in circles(edges)] == [
        "a (line 3) → b (line 7, in helper) → c (line 9) → a"
    ]
    del edges["c"]["a"]
    assert circles(edges) == []


def test_no_import_circles() -> None:
    found = circles(graph(all_imports(), set(KNOWN_LEAD)))
    assert not found, "import circles:\n" + "\n".join(
        f"{named(circle)}\n  (one of the circles among {', '.join(sorted(tangle))})"
        for circle, tangle in found
    )


def test_every_known_lead_exemption_still_closes_a_circle() -> None:
    imports = all_imports()
    for edge in KNOWN_LEAD:
        edges = graph(imports, set(KNOWN_LEAD) - {edge})
        assert edge[1] in edges[edge[0]], f"{edge[0]} no longer imports {edge[1]}: take it out of KNOWN_LEAD"
        assert circles(edges), f"{edge[0]} → {edge[1]} closes no circle any more: take it out of KNOWN_LEAD"


# --------------------------------------------------------------------------- imports inside functions


def test_imports_inside_functions_are_only_the_named_lazy_ones() -> None:
    allowed = set(LAZY) | set(READABILITY_REWRITE)
    dodging = sorted(
        {
            f"{f.importer} line {f.line}, in {f.function}: imports {f.imported}"
            for f in all_imports()
            if f.function is not None
            and f.statement
            and f.importer not in KNOWN_LEAD_LAZY
            and (f.importer, f.imported) not in allowed
            and f.importer != "letterkit"  # the package's own lazy names
        }
    )
    assert not dodging, "import at the top of the module, or add it to LAZY with its reason:\n" + "\n".join(
        dodging
    )


def test_every_lazy_exemption_is_still_an_import_inside_a_function() -> None:
    inside = {(f.importer, f.imported) for f in all_imports() if f.function is not None and f.statement}
    stale = sorted(set(LAZY) - inside)
    assert not stale, f"no longer imported inside a function: take them out of LAZY: {stale}"
    known = {f.importer for f in all_imports() if f.function is not None and f.statement}
    stale_modules = sorted(set(KNOWN_LEAD_LAZY) - known)
    assert not stale_modules, (
        f"no imports inside functions any more: take them out of KNOWN_LEAD_LAZY: {stale_modules}"
    )


def test_the_lazy_modules_are_not_loaded_by_a_markdown_render() -> None:
    """What ``LAZY`` defers is really left out of the fast path: a goodbye letter (no diagram)
    rendered to Markdown loads neither the diagram's layout nor the PDF writer."""
    sample = PACKAGE.parent / "samples" / "peter-goodbye.yaml"
    code = (
        "import sys, letterkit\n"
        f"letterkit.render(letterkit.load({str(sample)!r}), 'md')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('letterkit'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    ).stdout.split()
    assert "letterkit.compose.templating" in loaded  # it did render
    deferred = {imported for _, imported in LAZY}
    assert deferred.isdisjoint(loaded), sorted(deferred & set(loaded))


def test_a_cold_render_on_the_command_line_loads_only_what_it_needs() -> None:
    """``letterkit render FILE -f md`` (as the cold-start benchmark runs it) loads none of the
    deferred modules, nor the façade's module-level functions (api.py): the command line finds
    its names in their own modules."""
    sample = PACKAGE.parent / "samples" / "peter-goodbye.yaml"
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['letterkit', 'render', {str(sample)!r}, '-f', 'md', '-o', sys.argv[1]]\n"
        "try:\n    runpy.run_module('letterkit', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('letterkit'))))\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "letter.md"
        loaded = subprocess.run(
            [sys.executable, "-c", code, str(out)],
            capture_output=True,
            text=True,
            check=True,
            cwd=PACKAGE.parent,
        ).stdout.split()
        assert "Dear Peter," in out.read_text(encoding="utf-8")  # it did render
    unwanted = {imported for importer, imported in LAZY if importer != "letterkit.__main__"} | {
        "letterkit.api"
    }
    assert unwanted.isdisjoint(loaded), sorted(unwanted & set(loaded))
