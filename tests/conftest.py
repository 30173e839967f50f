"""Shared fixtures: the sample letters, and two small letters built here (fictional people only).

The YAML texts below are laid out so that tests can rely on their line numbers; keep the
``GOODBYE_LINES`` map in step with ``GOODBYE_YAML`` if you edit it.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pg
import pytest
import service_support
from pytest_postgresql import factories
from pytest_postgresql.executors import NoopExecutor

# When a Hypothesis test fails, its pytest plugin imports libcst to suggest a patch, and this
# libcst raises a DeprecationWarning on import; with filterwarnings=error that would turn a
# clear test failure into a pytest INTERNALERROR. Import it once here, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # pragma: no cover - libcst not installed
        pass

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_NAMES = ("aliya-formulation", "aliya-goodbye", "peter-formulation", "peter-goodbye")

GOODBYE_YAML = """\
kind: goodbye-letter
status: draft
patient:
  name: Samuel Ferris
  preferred_name: Sam
therapist:
  name: Nell Arbuthnot
  role: Counselling psychologist
  service: Eastwick Talking Service
date: 2026-03-12
session: 13
background: You came because the winter felt endless and very quiet.
referral:
  by: your GP, Dr Lena Moss
  reason: Worry that kept you awake at night.
  date: 2026-01-15
ipaf:
  self: You often feel like the spare wheel in every room you enter.
  other: You expect others to look past you to someone brighter and louder.
  affect:
    - sadness
    - loneliness
    - {feeling: anger, less_conscious: true}
  defensive_function: Staying small keeps the fear of rejection at bay.
  reversal: Sometimes you become the one who looks past other people.
  internalised: You can look past your own needs in just the same way.
  imagery:
    - the spare wheel
goals:
  - To let the people close to you see what you need.
attachment_style: dismissing
coping_strategies:
  - strategy: Keeping busy with other people's problems all week.
    cost: You had no time left over for your own life.
course_of_therapy: We met every Tuesday and watched the pattern together closely.
changes:
  - You told your sister how you really felt about the move.
unfinished_business:
  - Saying no to your manager still feels dangerous.
ending: Our ending may feel like being looked past once again.
transference: At times you expected me to look past you as well.
closing: Thank you for your courage and your honesty, Sam.
"""

# The line each key of GOODBYE_YAML starts on.
GOODBYE_LINES = {
    "kind": 1,
    "status": 2,
    "patient": 3,
    "patient.name": 4,
    "therapist": 6,
    "therapist.name": 7,
    "date": 10,
    "session": 11,
    "background": 12,
    "referral": 13,
    "referral.date": 16,
    "ipaf": 17,
    "ipaf.self": 18,
    "ipaf.other": 19,
    "ipaf.affect": 20,
    "ipaf.affect[0]": 21,
    "ipaf.affect[2]": 23,
    "goals": 29,
    "coping_strategies": 32,
    "course_of_therapy": 35,
    "changes": 36,
    "unfinished_business": 38,
    "ending": 40,
    "transference": 41,
    "closing": 42,
}

FORMULATION_YAML = """\
kind: formulation
status: agreed
patient:
  name: Zoë Quill
therapist:
  name: Nell Arbuthnot
date: 2026-02-03
ipaf:
  self: You often feel you must earn your place before you can rest.
  other: You expect others to keep a tally of everything you give them.
  affect: [tiredness]
goals:
  - To rest without having to earn it first.
"""

GOODBYE_DATA: dict[str, Any] = {
    "kind": "goodbye-letter",
    "status": "draft",
    "patient": {"name": "Samuel Ferris", "preferred_name": "Sam"},
    "therapist": {
        "name": "Nell Arbuthnot",
        "role": "Counselling psychologist",
        "service": "Eastwick Talking Service",
    },
    "date": dt.date(2026, 3, 12),
    "session": 13,
    "background": "You came because the winter felt endless and very quiet.",
    "referral": {
        "by": "your GP, Dr Lena Moss",
        "reason": "Worry that kept you awake at night.",
        "date": dt.date(2026, 1, 15),
    },
    "ipaf": {
        "self": "You often feel like the spare wheel in every room you enter.",
        "other": "You expect others to look past you to someone brighter and louder.",
        "affect": ["sadness", "loneliness", {"feeling": "anger", "less_conscious": True}],
        "defensive_function": "Staying small keeps the fear of rejection at bay.",
        "reversal": "Sometimes you become the one who looks past other people.",
        "internalised": "You can look past your own needs in just the same way.",
        "imagery": ["the spare wheel"],
    },
    "goals": ["To let the people close to you see what you need."],
    "attachment_style": "dismissing",
    "coping_strategies": [
        {
            "strategy": "Keeping busy with other people's problems all week.",
            "cost": "You had no time left over for your own life.",
        }
    ],
    "course_of_therapy": "We met every Tuesday and watched the pattern together closely.",
    "changes": ["You told your sister how you really felt about the move."],
    "unfinished_business": ["Saying no to your manager still feels dangerous."],
    "ending": "Our ending may feel like being looked past once again.",
    "transference": "At times you expected me to look past you as well.",
    "closing": "Thank you for your courage and your honesty, Sam.",
}

FORMULATION_DATA: dict[str, Any] = {
    "kind": "formulation",
    "status": "agreed",
    "patient": {"name": "Zoë Quill"},
    "therapist": {"name": "Nell Arbuthnot"},
    "date": dt.date(2026, 2, 3),
    "ipaf": {
        "self": "You often feel you must earn your place before you can rest.",
        "other": "You expect others to keep a tally of everything you give them.",
        "affect": ["tiredness"],
    },
    "goals": ["To rest without having to earn it first."],
}


@pytest.fixture
def samples_dir() -> Path:
    """The folder of sample letters (and their letterkit.toml)."""
    return SAMPLES


@pytest.fixture
def write_letter() -> Callable[..., Path]:
    """``write_letter(tmp_path, text, name="letter.yaml")``: write text (or bytes), return the path."""

    def _write(directory: Path, text: str | bytes, name: str = "letter.yaml") -> Path:
        path = Path(directory) / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def goodbye_yaml() -> str:
    return GOODBYE_YAML


@pytest.fixture
def formulation_yaml() -> str:
    return FORMULATION_YAML


@pytest.fixture
def goodbye_data() -> dict[str, Any]:
    """A fresh, valid goodbye letter as a dict; tests may change it freely."""
    return copy.deepcopy(GOODBYE_DATA)


@pytest.fixture
def formulation_data() -> dict[str, Any]:
    """A fresh, valid formulation as a dict; tests may change it freely."""
    return copy.deepcopy(FORMULATION_DATA)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ from today's output (then review the diff)",
    )


@pytest.fixture(scope="session")
def regen_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the golden files (``--regen-goldens``) instead of checking them."""
    return bool(request.config.getoption("--regen-goldens"))


# --------------------------------------------------------------------------- PostgreSQL


# scripts/test.sh starts a throwaway cluster before pytest (``python tests/pg.py start``) and says
# where it is with these variables; the tests reach it through pytest-postgresql's no-process
# fixture. Without them (pytest run directly), ``postgres_cluster`` starts one for the session.
PG_HOST = os.environ.get(pg.HOST_VARIABLE)
postgresql_noproc = factories.postgresql_noproc(
    host=PG_HOST,
    port=os.environ.get(pg.PORT_VARIABLE, str(pg.PORT)),
    user=pg.SUPERUSER,
    dbname="letterkit_tests",
)


@pytest.fixture(scope="session")
def postgres_cluster(request: pytest.FixtureRequest) -> Iterator[pg.Cluster]:
    """The PostgreSQL server for the session: scripts/test.sh's cluster, through pytest-postgresql's
    ``postgresql_noproc``, else a throwaway one started here (tests/pg.py). The tests that need one
    are skipped, saying why, only when PostgreSQL is not installed here."""
    if PG_HOST:
        server: NoopExecutor = request.getfixturevalue("postgresql_noproc")
        yield pg.Cluster(Path(server.host), server.port)
        return
    reason = pg.absent_reason()
    if reason is not None:
        pytest.skip(reason)
    cluster = pg.Cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster: pg.Cluster) -> str:
    """A database with letterkit's tables (``upgrade``), copied for each test."""
    from letterkit.store.postgres import PostgresStore

    name = postgres_cluster.new_database()
    store = PostgresStore(postgres_cluster.url(name))
    store.upgrade()
    store.engine.dispose()  # a template must have no one connected
    return name


@pytest.fixture
def postgres_url(postgres_cluster: pg.Cluster, postgres_template: str) -> Iterator[str]:
    """The URL of a fresh database with letterkit's tables, dropped after the test."""
    name = postgres_cluster.new_database(template=postgres_template)
    try:
        yield postgres_cluster.url(name)
    finally:
        postgres_cluster.drop_database(name)


@pytest.fixture(scope="session")
def team_template(postgres_cluster: pg.Cluster, postgres_template: str) -> tuple[str, service_support.Team]:
    """A database with a team in it (tests/service_support.py), copied for each test."""
    name = postgres_cluster.new_database(template=postgres_template)
    team = service_support.make_team(postgres_cluster.url(name))
    return name, team


@pytest.fixture
def team(
    postgres_cluster: pg.Cluster, team_template: tuple[str, service_support.Team]
) -> Iterator[service_support.Team]:
    """A fresh copy of the team's database: its URL and each account's code secret."""
    name = postgres_cluster.new_database(template=team_template[0])
    try:
        yield service_support.Team(postgres_cluster.url(name), team_template[1].made)
    finally:
        postgres_cluster.drop_database(name)
