"""The PostgreSQL store beyond the contract: the append-only versions table, ``db upgrade`` and
``db import`` (histories brought in verify, and read the same as over files), its errors, and
that nothing of it loads unless a database is named.

The contract itself (tests/test_store_contract.py) runs against this store too. These tests use
the session's throwaway cluster (conftest.py, tests/pg.py); fictional people only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pg
import psycopg
import pytest
from conftest import ROOT, SAMPLES
from helpers import run_process
from sqlalchemy.engine import make_url

from letterkit import Accounts, FileStore, PostgresStore, Workspace, acting_as
from letterkit.errors import DatabaseError, HistoryError, OutputError

RELEASE = Path(__file__).parent / "histories" / "release-0.1.0"
LOGIN = "letterkit_web"
"""A service's login role, a member of letterkit_app (as the README says to set it up)."""


def _database(url: str) -> str:
    return str(make_url(url).database)


@pytest.fixture
def store(postgres_url: str) -> Iterator[PostgresStore]:
    with PostgresStore(postgres_url) as made:
        yield made


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The previous release's histories (one plain, one keyed), with the keyed one's key."""
    folder = tmp_path / "release"
    shutil.copytree(RELEASE, folder, ignore=shutil.ignore_patterns("expected", "README.txt"))
    (folder / "config" / "history.key").chmod(0o600)
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(folder / "config"))
    return folder


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """The sample letters, one of them with a history: the therapist's draft, then the patient's."""
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    ws = Workspace(folder)
    ws.save_draft("peter-goodbye.yaml", "therapist", "Dr Sara Okafor", "first draft")
    work = ws.read_work("peter-goodbye.yaml")
    ws.save_work(
        "peter-goodbye.yaml",
        dict(work.data, session=14),
        work.version,
        draft_as=("patient", "Peter Hale", "read it at home"),
    )
    return folder


# --------------------------------------------------------------------------- append-only


def _login(cluster: pg.Cluster) -> None:
    cluster.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LOGIN}') THEN "
        f"CREATE ROLE {LOGIN} LOGIN; END IF; END $$",
        f"GRANT letterkit_app TO {LOGIN}",
    )


def _saved_letter(url: str, *, scoped: bool = False) -> None:
    with PostgresStore(url, scoped=scoped) as store:
        store.write("peter.yaml", (SAMPLES / "peter-goodbye.yaml").read_bytes())
        assert store.append_draft("peter.yaml", "therapist", "Dr Sara Okafor").saved


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE versions SET content = 'changed'",
        "UPDATE versions SET record = record || ' '",
        "DELETE FROM versions",
        "TRUNCATE versions",
    ],
)
def test_the_app_role_may_not_change_or_remove_a_version(
    postgres_cluster: pg.Cluster, postgres_url: str, statement: str
) -> None:
    _login(postgres_cluster)
    app_url = postgres_cluster.url(_database(postgres_url), user=LOGIN)
    with Accounts(postgres_url) as accounts:
        accounts.add_account("sara", "therapist", "a password long enough")
    with acting_as("sara"):  # the app role does its own work, for the one signed in
        _saved_letter(app_url, scoped=True)
    dsn = postgres_cluster.dsn(_database(postgres_url), LOGIN)
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(statement)  # type: ignore[arg-type]
    assert "permission denied for table versions" in str(refused.value)
    with PostgresStore(app_url, scoped=True) as store, acting_as("sara"):
        assert store.check("peter.yaml").problems == ()


@pytest.mark.parametrize("statement", ["UPDATE versions SET content = 'changed'", "DELETE FROM versions"])
def test_not_even_the_owner_may_change_or_remove_a_version(
    postgres_cluster: pg.Cluster, postgres_url: str, statement: str
) -> None:
    _saved_letter(postgres_url)
    dsn = postgres_cluster.dsn(_database(postgres_url))
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(statement)  # type: ignore[arg-type]
    assert "saved versions are never changed or removed" in str(refused.value)


def test_a_version_changed_behind_the_triggers_back_is_named_by_verify(
    postgres_cluster: pg.Cluster, postgres_url: str
) -> None:
    _saved_letter(postgres_url)
    postgres_cluster.execute(
        "ALTER TABLE versions DISABLE TRIGGER versions_append_only",
        "UPDATE versions SET content = content || '\\x0a'::bytea",
        database=_database(postgres_url),
    )
    with PostgresStore(postgres_url) as store:
        problems = Workspace(store=store).verify("peter.yaml").problems
        assert problems == ("peter.yaml: draft 1: the letter was changed after it was saved",)
        with pytest.raises(HistoryError, match="draft 1 was changed after it was saved"):
            store.draft_content("peter.yaml", store.drafts("peter.yaml")[0])


def _signed_off_letter(url: str) -> None:
    _saved_letter(url)
    with PostgresStore(url) as store:
        Workspace(store=store).attest("peter.yaml", 1, "Dr Ruth Adler", "Good to send")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE attestations SET record = record || ' '", "DELETE FROM attestations", "TRUNCATE attestations"],
)
def test_no_one_may_change_or_remove_a_sign_off(
    postgres_cluster: pg.Cluster, postgres_url: str, statement: str
) -> None:
    _login(postgres_cluster)
    app_url = postgres_cluster.url(_database(postgres_url), user=LOGIN)
    with Accounts(postgres_url) as accounts:  # a trainee's letter, signed off by his supervisor
        accounts.add_account("tom", "trainee", "a password long enough")
        accounts.add_account("ruth", "supervisor", "a password long enough")
        accounts.assign("tom", "ruth")
    with acting_as("tom"):
        _saved_letter(app_url, scoped=True)
    with PostgresStore(app_url, scoped=True) as store, acting_as("ruth"):  # the app role may sign off
        Workspace(store=store).attest("peter.yaml", 1, "Dr Ruth Adler", "Good to send")
    for user, refusal in (
        (LOGIN, "permission denied for table attestations"),
        (pg.SUPERUSER, "sign-offs are never"),
    ):
        dsn = postgres_cluster.dsn(_database(postgres_url), user)
        with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
            conn.execute(statement)  # type: ignore[arg-type]
        assert refusal in str(refused.value)
    with PostgresStore(app_url, scoped=True) as store, acting_as("ruth"):
        assert [a.supervisor for a in store.attestations("peter.yaml")] == ["Dr Ruth Adler"]


def test_a_sign_off_changed_behind_the_triggers_back_is_named_by_verify(
    postgres_cluster: pg.Cluster, postgres_url: str
) -> None:
    _signed_off_letter(postgres_url)
    postgres_cluster.execute(
        "ALTER TABLE attestations DISABLE TRIGGER attestations_append_only",
        "UPDATE attestations SET record = replace(record, 'Dr Ruth Adler', 'Dr Rob Adler')",
        database=_database(postgres_url),
    )
    with PostgresStore(postgres_url) as store:
        problems = Workspace(store=store).verify("peter.yaml").problems
    assert problems == ("peter.yaml: sign-off 1 was edited (its hash does not match)",)


def test_sign_offs_come_along_when_a_folder_is_imported(store: PostgresStore, samples: Path) -> None:
    files = Workspace(samples)
    files.attest("peter-goodbye.yaml", None, "Dr Ruth Adler")
    store.import_folder(samples)
    database = Workspace(store=store)
    assert database.attestations("peter-goodbye.yaml") == files.attestations("peter-goodbye.yaml")
    assert database.attestations("peter-goodbye.yaml")[0].holds
    assert database.verify("peter-goodbye.yaml").problems == ()


def test_letters_in_the_folders_archive_stay_in_the_archive_when_imported(
    store: PostgresStore, samples: Path
) -> None:
    files = Workspace(samples)
    files.archive("aliya-formulation.yaml")
    store.import_folder(samples)
    assert store.archived() == files.store.archived() == ["aliya-formulation.yaml"]
    assert "aliya-formulation.yaml" in store.names()  # put away, never removed


def test_decisions_on_suggestions_come_along_when_a_folder_is_imported(
    store: PostgresStore, samples: Path
) -> None:
    files = FileStore(samples)
    files.append_draft("peter-goodbye.yaml", "therapist", "Dr Sam Lee")
    decided = {
        "suggested": 2, "suggested_hash": "a" * 64, "base": 1, "change": 1, "decision": "rejected",
        "role": "therapist", "name": "Dr Sam Lee", "time": "2026-12-05T10:00:00+00:00", "author": "Peter",
        "where": "What has changed", "kind": "insert", "old": "", "new": "and I came", "draft": 1,
        "draft_hash": "b" * 64,
    }  # fmt: skip
    kept = files.append_decisions("peter-goodbye.yaml", [decided, {**decided, "change": 2}])
    store.import_folder(samples)
    assert store.decisions("peter-goodbye.yaml") == kept  # numbers, links and hashes as they were
    more = store.append_decisions("peter-goodbye.yaml", [{**decided, "change": 3}])
    assert more[0].number == 3 and more[0].parent == kept[-1].hash


# --------------------------------------------------------------------------- import, then the same answers


@pytest.mark.parametrize("which", ["samples", "release"])
def test_imported_histories_verify_and_read_the_same_as_over_files(
    store: PostgresStore, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    folder: Path = request.getfixturevalue(which)
    monkeypatch.chdir(folder)
    files = Workspace()  # names as the command line gives them, so the labels match
    imported = store.import_folder(folder)
    assert [letter.name for letter in imported] == FileStore(folder).names()
    assert sum(letter.drafts for letter in imported) == (2 if which == "samples" else 5)
    database = Workspace(store=store)
    assert database.store.names() == files.store.names()
    with_history = [letter.name for letter in imported if letter.drafts]
    assert with_history
    for name in with_history:
        checked = database.verify(name)
        assert checked.problems == (), checked.problems
        assert checked.keyed == files.verify(name).keyed
        assert database.history(name) == files.history(name)
        assert database.store.read(name) == files.store.read(name)
        last = len(files.history(name))
        for fmt in ("text", "json", "md"):
            a, b = f"{name}@1", f"{name}@{last}"
            assert database.compare(a, b, fmt).content == files.compare(a, b, fmt).content
        assert database.diff(f"{name}@1", f"{name}@latest") == files.diff(f"{name}@1", f"{name}@latest")
        assert database.contributions(name) == files.contributions(name)
        for fmt in ("text", "json"):
            assert (
                database.contributions_report(name, fmt).content
                == files.contributions_report(name, fmt).content
            )
    if which == "release":  # what the previous release printed
        expected = RELEASE / "expected"
        assert database.compare("peter.yaml@1", "peter.yaml@3").content == (
            expected / "peter-diff-1-3.txt"
        ).read_text(encoding="utf-8")
        assert database.contributions_report("peter.yaml").content == (
            expected / "peter-contributions.txt"
        ).read_text(encoding="utf-8")
        assert database.verify("aliya.yaml").keyed == "checked"


def test_an_imported_history_goes_on_in_the_database(store: PostgresStore, release: Path) -> None:
    store.import_folder(release)
    ws = Workspace(store=store)
    text = store.read("peter.yaml").replace(b"status: agreed", b"status: draft")
    store.write("peter.yaml", text)
    saved = ws.save_draft("peter.yaml", "therapist", "Dr Sara Okafor", "Back to draft")
    assert saved.saved and saved.draft.number == 4
    assert saved.draft.parent == ws.history("peter.yaml")[2].hash
    assert ws.verify("peter.yaml").problems == ()
    aliya = store.read("aliya.yaml").replace(b"session: ", b"session: 1", 1)
    store.write("aliya.yaml", aliya)
    keyed = ws.save_draft("aliya.yaml", "therapist")
    assert keyed.draft.mac is not None  # a keyed history stays keyed
    assert ws.verify("aliya.yaml").problems == () and ws.verify("aliya.yaml").keyed == "checked"


def test_a_damaged_history_is_refused_and_nothing_is_imported(store: PostgresStore, release: Path) -> None:
    record = release / "peter.yaml.drafts" / "0002.yaml"
    record.write_bytes(record.read_bytes() + b"\n# changed\n")
    with pytest.raises(HistoryError, match="peter.yaml: its history is not intact, so nothing was imported"):
        store.import_folder(release)
    assert store.names() == []


def test_a_letter_already_in_the_database_is_not_imported_twice(store: PostgresStore, release: Path) -> None:
    store.import_folder(release)
    with pytest.raises(OutputError, match="aliya.yaml: is in the database already"):
        store.import_folder(release)
    assert [len(store.drafts(name)) for name in store.names()] == [2, 3]


# --------------------------------------------------------------------------- the command line


def _letterkit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "letterkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


LATEST = max(path.name[:4] for path in (ROOT / "letterkit/store/migrations/versions").glob("0*.py"))
"""The newest migration's revision (each file is named after its revision)."""


def test_db_upgrade_then_import_then_verify(postgres_cluster: pg.Cluster, release: Path) -> None:
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    try:
        first = _letterkit("db", "upgrade", "--database", url)
        assert (first.returncode, first.stdout) == (
            0,
            f"The database was upgraded from schema none to {LATEST}.\n",
        )
        again = _letterkit("db", "upgrade", "--database", url)
        assert (again.returncode, again.stdout) == (0, f"The database is up to date (schema {LATEST}).\n")
        imported = _letterkit("db", "import", str(release), env={"LETTERKIT_DATABASE_URL": url})
        assert imported.returncode == 0, imported.stderr
        assert imported.stdout == (
            "aliya.yaml: 2 drafts, history intact.\n"
            "peter.yaml: 3 drafts, history intact.\n"
            "Imported 2 letters with 5 drafts.\n"
        )
        with PostgresStore(url) as store:
            assert Workspace(store=store).verify("peter.yaml").problems == ()
    finally:
        postgres_cluster.drop_database(name)


def test_db_import_into_a_database_without_tables_says_to_upgrade(postgres_cluster: pg.Cluster) -> None:
    name = postgres_cluster.new_database()
    url = postgres_cluster.url(name)
    try:
        result = _letterkit("db", "import", str(SAMPLES), "--database", url)
        shown = make_url(url).render_as_string(hide_password=True)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"letterkit: {shown}: the database has no letterkit tables yet; make them with an upgrade "
            "(`letterkit db upgrade --database URL` makes them)\n"
        )
    finally:
        postgres_cluster.drop_database(name)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "not a url",
            "letterkit: the database URL is not one letterkit can read; give one such as "
            "postgresql://letterkit@localhost/letters\n",
        ),
        (
            "sqlite:///letters.db",
            "letterkit: sqlite:///letters.db: letterkit keeps letters in PostgreSQL only; give a URL such as "
            "postgresql://letterkit@localhost/letters\n",
        ),
    ],
)
def test_a_bad_database_url_is_one_line(url: str, message: str) -> None:
    result = run_process("db", "upgrade", "--database", url)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


def test_an_unreachable_database_is_one_line_and_hides_the_password() -> None:
    result = _letterkit("db", "upgrade", "--database", "postgresql://nobody:s3cret@127.0.0.1:1/letters")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "letterkit: postgresql+psycopg://nobody:***@127.0.0.1:1/letters: cannot reach the database ("
    )
    assert result.stderr.endswith("; check that PostgreSQL is running and that the URL is right\n")
    assert "s3cret" not in result.stderr


def test_the_library_raises_a_database_error_for_an_unreachable_database() -> None:
    with PostgresStore("postgresql://nobody@127.0.0.1:1/letters") as store, pytest.raises(DatabaseError):
        store.names()


# --------------------------------------------------------------------------- cold start


def test_nothing_of_the_database_loads_unless_one_is_named() -> None:
    """The files store is the default: letterkit, its command line and a render never import
    SQLAlchemy, psycopg or Alembic (the cold-start benchmark depends on it)."""
    sample = SAMPLES / "peter-goodbye.yaml"
    code = (
        "import sys, letterkit, letterkit.cli\n"
        f"letterkit.Workspace().render_file({str(sample)!r}, letterkit.RenderOptions(format='md'), '-')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg', 'alembic'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert loaded.strip() == ""
