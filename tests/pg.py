"""A throwaway PostgreSQL cluster for the tests: made with initdb in a temporary folder, listening
only on a Unix socket there, stopped and removed at the end.

scripts/test.sh starts one before pytest and stops it after (``python tests/pg.py start`` prints
the shell variables that say where it is; ``python tests/pg.py stop FOLDER``); the tests reach it
through pytest-postgresql's no-process fixture (tests/conftest.py). Run directly, pytest starts
one itself for the session. Test databases are made and dropped with pytest-postgresql's
``DatabaseJanitor``.

Debian's ``postgresql`` package (scripts/system-deps.sh --test installs it) puts the programs in
/usr/lib/postgresql/VERSION/bin. initdb refuses to run as root, so as root the cluster is made
and run as the ``postgres`` user (``runuser``), its folders given to that user first.
"""

from __future__ import annotations

import glob
import itertools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pytest_postgresql.janitor import DatabaseJanitor

SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) in the cluster's own folder: no TCP

# The shell variables `python tests/pg.py start` prints and tests/conftest.py reads.
HOST_VARIABLE = "LETTERKIT_TEST_PG_HOST"
PORT_VARIABLE = "LETTERKIT_TEST_PG_PORT"
FOLDER_VARIABLE = "LETTERKIT_TEST_PG_FOLDER"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest version installed), or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def absent_reason() -> str | None:
    """Why there can be no cluster here (None when there can)."""
    if binaries() is None:
        return (
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "scripts/system-deps.sh --test installs it (apt-get install postgresql)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, so initdb cannot run as the postgres user"
    return None


@dataclass
class Cluster:
    """A PostgreSQL server for the tests, on the Unix socket in folder ``socket``; ``folder`` and
    ``bin`` are set when this process made it (``start``), and only then does ``stop`` stop it."""

    socket: Path
    port: int = PORT
    folder: Path | None = None
    bin: Path | None = None
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str, user: str = SUPERUSER) -> str:
        port = "" if self.port == PORT else f"&port={self.port}"
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket}{port}"

    def dsn(self, database: str, user: str = SUPERUSER) -> str:
        """A psycopg connection string for ``database`` as ``user``."""
        return f"host={self.socket} port={self.port} dbname={database} user={user}"

    @classmethod
    def start(cls) -> Cluster:
        programs = binaries()
        assert programs is not None
        folder = Path(tempfile.mkdtemp(prefix="letterkit-pg-"))
        (folder / "socket").mkdir()
        cluster = cls(folder / "socket", PORT, folder, programs)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(folder / "socket", "postgres", "postgres")
        try:
            cluster._run(
                "initdb",
                "-D",
                str(folder / "data"),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            )
            options = f"-k {folder / 'socket'} -p {PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
            cluster._run(
                "pg_ctl", "start", "-w", "-D", str(folder / "data"), "-l", str(folder / "log"), "-o", options
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cluster

    def stop(self) -> None:
        if self.folder is None:
            return  # not ours to stop
        try:
            self._run("pg_ctl", "stop", "-D", str(self.folder / "data"), "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        assert self.folder is not None and self.bin is not None
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder, timeout=120)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}")

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements outside a transaction (CREATE DATABASE needs that), as the superuser."""
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def _janitor(self, name: str, template: str | None = None) -> DatabaseJanitor:
        return DatabaseJanitor(
            user=SUPERUSER, host=str(self.socket), port=self.port, dbname=name, template_dbname=template
        )

    def new_database(self, template: str | None = None) -> str:
        """A new database (a copy of ``template`` if named); its name is unique to this process."""
        name = f"letters_{os.getpid()}_{next(self._names)}"
        self._janitor(name, template).init()
        return name

    def drop_database(self, name: str) -> None:
        self._janitor(name).drop()


def main(argv: list[str]) -> int:
    """``start``: make and start a cluster, print the shell variables that say where it is;
    ``stop FOLDER``: stop the cluster made in FOLDER and remove it."""
    if argv[:1] == ["start"] and len(argv) == 1:
        reason = absent_reason()
        if reason is not None:
            print(f"no PostgreSQL cluster for the tests: {reason}", file=sys.stderr)
            return 1
        cluster = Cluster.start()
        for name, value in (
            (FOLDER_VARIABLE, cluster.folder),
            (HOST_VARIABLE, cluster.socket),
            (PORT_VARIABLE, cluster.port),
        ):
            print(f"export {name}={shlex.quote(str(value))}")
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        folder = Path(argv[1])
        programs = binaries()
        if not (folder / "data").is_dir() or programs is None:
            print(f"no PostgreSQL cluster in {folder}", file=sys.stderr)
            return 1
        Cluster(folder / "socket", PORT, folder, programs).stop()
        return 0
    print("usage: python tests/pg.py start | stop FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
