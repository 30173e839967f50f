"""The architecture holds: a thin CLI, one home for each kind and format, a typed façade.

These read the source with ``ast`` (and the public names with ``inspect``), so a shortcut that
breaks the layering fails here, not in review.
"""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import letterkit

PACKAGE = Path(letterkit.__file__).resolve().parent
CLI = PACKAGE / "cli.py"
MAX_MODULE_LINES = 600


def modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(PACKAGE)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def cli_modules() -> list[str]:
    """The command line: cli.py (the group) and the modules of its commands (cli_*.py)."""
    found = sorted(name for name in modules() if name == "cli.py" or name.startswith("cli_"))
    assert "cli.py" in found
    return found


def test_cli_imports_only_the_public_package_and_its_errors() -> None:
    """The command modules may import one another (their shared helpers, ``from letterkit import
    cli_draft``), and of the library only the public package and its errors."""
    cli = {f"letterkit.{name.removesuffix('.py')}" for name in cli_modules()}
    for name in cli_modules():
        ours = {i for i in _modules_imported(modules()[name]) if i.startswith(("letterkit", "."))}
        assert not any(i.startswith(".") for i in imported(modules()[name])), f"{name}: use absolute imports"
        assert ours - cli <= {"letterkit", "letterkit.errors"}, f"{name} imports {sorted(ours - cli)}"


def _modules_imported(tree: ast.Module) -> set[str]:
    """Like ``imported``, with ``from letterkit.model import kinds`` read as letterkit.model.kinds."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                relative = Path(*full.split(".")[1:])
                is_module = (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()
                names.add(full if is_module else node.module)
    return names


WEB_MAY_IMPORT = {
    "letterkit",  # the public names (RenderOptions)
    "letterkit.errors",
    "letterkit.workspace",  # the one way to the letters
    "letterkit.workspace.results",
    "letterkit.workspace.reports",
    "letterkit.store",
    "letterkit.registries",  # kinds, formats, styles, roles, readers
    "letterkit.writers",  # the format registry
    "letterkit.model.kinds",  # the kind registry: the form is built from each kind's schema
    "letterkit.model.fields",  # the field table
    "letterkit.extras",  # the serve extra, checked before FastAPI is imported
}


def test_the_web_app_imports_only_the_workspace_errors_and_registries() -> None:
    """web/ parses, calls a workspace, renders a template: no compose, diffs, drafts, review."""
    for name, tree in modules().items():
        if not name.startswith("web/"):
            continue
        ours = {
            i
            for i in _modules_imported(tree)
            if i.startswith("letterkit") and not i.startswith("letterkit.web")
        }
        assert ours <= WEB_MAY_IMPORT, f"{name} imports {sorted(ours - WEB_MAY_IMPORT)}"
        assert not any(i.startswith(".") for i in imported(tree)), f"{name}: use absolute imports"


def test_no_module_but_the_cli_imports_click() -> None:
    users = [
        name for name, tree in modules().items() if any(i.split(".")[0] == "click" for i in imported(tree))
    ]
    assert users == cli_modules()


def test_no_library_module_prints() -> None:
    for name, tree in modules().items():
        if name in cli_modules():
            continue
        calls = [
            n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"
        ]
        assert not calls, f"{name} calls print()"


def _commands() -> list[ast.FunctionDef]:
    """The functions decorated as click commands in the command line's modules."""
    found = []
    for node in (node for name in cli_modules() for node in modules()[name].body):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr == "command":
                    found.append(node)
    return found


def test_every_command_is_short_and_calls_one_letterkit_function() -> None:
    commands = _commands()
    assert len(commands) >= 12
    for func in commands:
        body = func.body[1:] if ast.get_docstring(func) else func.body
        lines = {n.lineno for stmt in body for n in ast.walk(stmt) if hasattr(n, "lineno")}
        assert len(lines) <= 15, f"{func.name} has {len(lines)} lines"
        calls = {
            n.func.attr
            for stmt in body
            for n in ast.walk(stmt)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and _is_workspace_call(n.func)
        }
        assert len(calls) == 1, f"{func.name} calls {sorted(calls)}"


def _is_workspace_call(func: ast.Attribute) -> bool:
    """A call of a workspace method (``_workspace(...).render_files``) or of a module-level
    letterkit function (``letterkit.schema``); building an options object is parsing, not work."""
    owner = func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "_workspace":
        return True
    if isinstance(owner, ast.Name) and owner.id == "store":  # the db commands: a PostgresStore's method
        return True
    return isinstance(owner, ast.Name) and owner.id == "letterkit" and not func.attr[:1].isupper()


def _string_literals(tree: ast.Module) -> list[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_kind_names_live_in_the_registry() -> None:
    holders = [
        name
        for name, tree in modules().items()
        if {"goodbye-letter", "formulation"} & set(_string_literals(tree))
    ]
    assert holders == ["model/kinds.py"]


def test_format_names_live_in_one_module() -> None:
    # "html" is also a tag's and a file extension's name, so it is left out of the search.
    formats = set(letterkit.FORMATS) - {"html"}
    assert formats >= {"md", "pdf", "docx", "fhir"}
    holders = [name for name, tree in modules().items() if formats & set(_string_literals(tree))]
    # extras.py names the extras of pip install 'letterkit[fhir]', one of which shares a format's name.
    assert holders == ["extras.py", "writers/__init__.py"]


def test_all_lists_every_public_name_sorted() -> None:
    assert letterkit.__all__ == sorted(letterkit.__all__)
    assert len(set(letterkit.__all__)) == len(letterkit.__all__)
    for name in letterkit.__all__:
        assert getattr(letterkit, name) is not None


def _mentions_any(annotation: object) -> bool:
    if annotation is typing.Any:
        return True
    return any(_mentions_any(arg) for arg in typing.get_args(annotation))


def _namespace(module: object) -> dict[str, object]:
    """The module's globals plus the names it imports only for type checkers."""
    namespace = dict(vars(module))
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            exec(compile(ast.Module(body=node.body, type_ignores=[]), "<type-checking>", "exec"), namespace)
    return namespace


def test_no_public_function_signature_mentions_any() -> None:
    checked = 0
    for name in letterkit.__all__:
        value = getattr(letterkit, name)
        if not inspect.isfunction(value):
            continue
        hints = typing.get_type_hints(value, _namespace(inspect.getmodule(value)))
        assert "return" in hints, f"{name} has no return annotation"
        for param in inspect.signature(value).parameters:
            assert param in hints, f"{name}({param}) has no annotation"
        bad = [param for param, hint in hints.items() if _mentions_any(hint)]
        assert not bad, f"{name}: {bad} mention Any"
        checked += 1
    assert checked >= 30


def test_no_module_is_over_600_lines() -> None:
    """A module over 600 lines is split along its seams (issue 16), not grown further."""
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(sizes) > 50
    large = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not large, f"over {MAX_MODULE_LINES} lines: {large}"
