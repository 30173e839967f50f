"""A throwaway PostgreSQL cluster for the tests: made with initdb in a temporary folder, listening
only on a Unix socket there, stopped and removed at the end of the session.

Debian's ``postgresql`` package (scripts/system-deps.sh --test installs it) puts the programs in
/usr/lib/postgresql/VERSION/bin. initdb refuses to run as root, so as root the cluster is made
and run as the ``postgres`` user (``runuser``), its folders given to that user first.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


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
    folder: Path
    bin: Path
    _names: itertools.count[int]

    @property
    def socket(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str, user: str = SUPERUSER) -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket}"

    @classmethod
    def start(cls) -> Cluster:
        programs = binaries()
        assert programs is not None
        folder = Path(tempfile.mkdtemp(prefix="letterkit-pg-"))
        (folder / "socket").mkdir()
        cluster = cls(folder, programs, itertools.count(1))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(folder / "socket", "postgres", "postgres")
        cluster._run(
            "initdb", "-D", str(folder / "data"), "-U", SUPERUSER, "-A", "trust", "--no-sync", "-E", "UTF8"
        )
        options = f"-k {folder / 'socket'} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        cluster._run(
            "pg_ctl", "start", "-w", "-D", str(folder / "data"), "-l", str(folder / "log"), "-o", options
        )
        return cluster

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.folder / "data"), "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
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
        import psycopg

        with psycopg.connect(
            f"host={self.socket} dbname={database} user={SUPERUSER}", autocommit=True
        ) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self, template: str | None = None) -> str:
        name = f"letters_{next(self._names)}"
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
