#!/usr/bin/env python3
"""letterkit serve --database under load: N clients saving drafts and suggestions at once.

    python bench/bench_service.py [--clients 50] [--saves 20] [--workers 4] [--database URL]

Starts ``letterkit serve --database URL --workers W --port 0`` (a throwaway PostgreSQL cluster,
tests/pg.py, unless ``--database`` names an upgraded, empty one), makes one therapist account
and one letter (with its first draft and a patient link) per client, then runs the clients at
once over loopback (httpx, asyncio; each client one request at a time, so at most N in
flight). Each client signs in with its password and code, then makes ``--saves`` saves of its
letter: three in four as the therapist (GET the letter, PUT it changed with If-Match, POST it
as a draft), one in four as the patient through the link (the reading page's "Save my
changes", their words added: a suggestion, saved as the patient's draft).

Prints p50/p99 latency of a save (all its requests) and of single requests, saves per second,
and, checked in the database afterwards (as its owner), lost drafts (acknowledged but not
stored), duplicated drafts (stored but not acknowledged, or twice), and whether every
history verifies. A report, not a test: it exits 0 unless a draft was lost or duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from letterkit import Accounts, PostgresStore, acting_as  # noqa: E402
from letterkit.accounts import code_now  # noqa: E402

PASSWORD = "a bench password, long enough"
LETTER = (ROOT / "samples" / "peter-goodbye.yaml").read_bytes()


@dataclass
class Client:
    name: str
    secret: str
    link: str
    acked: int = 0
    """Drafts the server said it saved (its answer's ``saved`` is true, or the page said so)."""
    saves: list[float] = field(default_factory=list)
    requests: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return f"{self.name}.yaml"


def prepare(url: str, count: int) -> list[Client]:
    """One therapist, one letter with its first draft, and one patient link, per client."""
    clients = []
    with Accounts(url) as admin, PostgresStore(url, scoped=True) as store:
        scoped = Accounts(store)
        for i in range(count):
            name = f"therapist{i:03d}"
            made = admin.add_account(name, "therapist", PASSWORD, f"Bench Therapist {i}")
            with acting_as(name):
                store.write(f"{name}.yaml", LETTER, create=True)
                store.append_draft(f"{name}.yaml", "therapist", made.account.full_name, "first draft")
                link = scoped.make_link(f"{name}.yaml", days=1)
            clients.append(Client(name, made.secret, link.path))
    return clients


async def timed(client: Client, call: object) -> httpx.Response:
    start = time.perf_counter()
    answer: httpx.Response = await call  # type: ignore[misc]
    client.requests.append(time.perf_counter() - start)
    return answer


async def run_client(base: str, client: Client, saves: int, start: asyncio.Event) -> None:
    origin = {"Origin": base}
    limits = httpx.Limits(max_connections=1, keepalive_expiry=3)  # before the server closes it (5 s)
    async with (
        httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as staff,
        httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as patient,
    ):
        await start.wait()
        signed = await staff.post(
            "/signin",
            data={"name": client.name, "password": PASSWORD, "code": code_now(client.secret)},
            headers=origin,
        )
        if signed.status_code != 303:
            client.errors.append(f"sign-in {signed.status_code}")
            return
        await patient.get(client.link)
        for n in range(saves):
            began = time.perf_counter()
            try:
                ok = await (
                    save_as_patient(patient, client, n, origin)
                    if n % 4 == 3
                    else save_as_therapist(staff, client, n, origin)
                )
            except httpx.HTTPError as error:
                client.errors.append(f"save {n}: {type(error).__name__}")
                continue
            if ok:
                client.acked += 1
                client.saves.append(time.perf_counter() - began)


async def save_as_therapist(staff: httpx.AsyncClient, client: Client, n: int, origin: dict[str, str]) -> bool:
    api = {"Accept": "application/json", **origin}
    got = await timed(client, staff.get(f"/api/v1/letters/{client.letter}", headers=api))
    if got.status_code != 200:
        client.errors.append(f"get {n}: {got.status_code}")
        return False
    data = got.json()["letter"]
    data["session"] = 2 + n % 10  # a change each time, within the sessions a letter may name
    put = await timed(
        client,
        staff.put(
            f"/api/v1/letters/{client.letter}", json=data, headers={**api, "If-Match": got.headers["etag"]}
        ),
    )
    if put.status_code != 200:
        client.errors.append(f"put {n}: {put.status_code} {put.text[:120]}")
        return False
    body = {
        "author": "therapist",
        "author_name": client.name,
        "note": f"save {n}",
        "version": put.json()["version"],
    }
    posted = await timed(
        client, staff.post(f"/api/v1/letters/{client.letter}/drafts", json=body, headers=api)
    )
    if posted.status_code != 200:
        client.errors.append(f"draft {n}: {posted.status_code} {posted.text[:120]}")
        return False
    return bool(posted.json()["saved"])


async def save_as_patient(patient: httpx.AsyncClient, client: Client, n: int, origin: dict[str, str]) -> bool:
    page = await timed(client, patient.get(f"/letters/{client.letter}/read", headers={"Accept": "text/html"}))
    draft = re.search(r'name="_draft" value="(\d*)"', page.text)
    form = {
        "_draft": draft.group(1) if draft else "",
        "_author_name": "Peter Hale",
        "own": f"My own words, take {n}.",
    }
    saved = await timed(
        client,
        patient.post(f"/letters/{client.letter}/read", data=form, headers={"Accept": "text/html", **origin}),
    )
    if saved.status_code != 200 or "Saved as" not in saved.text:
        client.errors.append(f"suggestion {n}: {saved.status_code}")
        return False
    return True


def check(url: str, clients: list[Client]) -> tuple[int, int, int]:
    """Lost drafts, duplicated drafts, histories that do not verify (read as the owner)."""
    lost = duplicated = broken = 0
    with PostgresStore(url) as store:
        for client in clients:
            drafts = store.drafts(client.letter)
            stored = len(drafts) - 1  # the first draft was made before the run
            lost += max(0, client.acked - stored)
            duplicated += max(0, stored - client.acked)
            duplicated += len(drafts) - len({d.number for d in drafts})
            broken += bool(store.check(client.letter).problems)
    return lost, duplicated, broken


def serve(url: str, workers: int) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-m",
        "letterkit",
        "serve",
        "--database",
        url,
        "--port",
        "0",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(
            f"the server did not start: {line!r} {process.stderr.read() if process.stderr else ''}"
        )
    return process, found.group(1)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def drive(base: str, clients: list[Client], saves: int) -> float:
    start = asyncio.Event()
    tasks = [asyncio.create_task(run_client(base, c, saves, start)) for c in clients]
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", help="an upgraded, empty database (default: a throwaway cluster)")
    args = parser.parse_args()
    cluster = None
    url = args.database
    if url is None:
        import pg

        cluster = pg.Cluster.start()
        cluster.execute("ALTER SYSTEM SET max_connections = 400")
        cluster._run(
            "pg_ctl",
            "restart",
            "-w",
            "-D",
            str(cluster.folder / "data"),
            "-l",
            str(cluster.folder / "log"),
            "-o",
            f"-k {cluster.socket} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
        )
        url = cluster.url(cluster.new_database())
        PostgresStore(url).upgrade()
    server = None
    try:
        t = time.perf_counter()
        clients = prepare(url, args.clients)
        print(f"prepared {len(clients)} accounts, letters and links in {time.perf_counter() - t:.1f} s")
        server, base = serve(url, args.workers)
        elapsed = asyncio.run(drive(base, clients, args.saves))
        saves = [s for c in clients for s in c.saves]
        requests = [r for c in clients for r in c.requests]
        errors = [e for c in clients for e in c.errors]
        lost, duplicated, broken = check(url, clients)
        print(f"{args.clients} clients x {args.saves} saves through {args.workers} workers over PostgreSQL")
        print(
            f"  saves acknowledged: {len(saves)} of {args.clients * args.saves} in {elapsed:.1f} s "
            f"({len(saves) / elapsed:.1f} saves/s, {len(requests) / elapsed:.1f} requests/s)"
        )
        print(
            f"  save latency (2-3 requests): p50 {percentile(saves, 0.5) * 1000:.0f} ms, p99 {percentile(saves, 0.99) * 1000:.0f} ms"
        )
        print(
            f"  request latency: p50 {percentile(requests, 0.5) * 1000:.0f} ms, p99 {percentile(requests, 0.99) * 1000:.0f} ms"
        )
        print(f"  lost drafts: {lost}; duplicated drafts: {duplicated}; histories not intact: {broken}")
        print(f"  errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
        return 1 if lost or duplicated or broken else 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
