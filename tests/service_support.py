"""What the service's tests share: a database with a team in it (fictional people only), and
signing in as one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from letterkit import Accounts, NewAccount, PostgresStore, acting_as
from letterkit.accounts import code_now

PASSWORD = "correct horse battery"
TEAM = (
    ("hana", "therapist", "Dr Hana Osei"),
    ("ravi", "therapist", "Ravi Mehta"),
    ("tom", "trainee", "Tom Lindqvist"),
    ("sara", "supervisor", "Dr Sara Okafor"),
    ("ada", "admin", "Ada Brennan"),
)
LETTER = (Path(__file__).resolve().parent.parent / "samples" / "peter-goodbye.yaml").read_bytes()


@dataclass
class Team:
    """The team's accounts (each with its code's secret) in the database at ``url``."""

    url: str
    made: dict[str, NewAccount] = field(default_factory=dict)

    def code(self, name: str, now: float | None = None) -> str:
        return code_now(self.made[name].secret, now)


def make_team(url: str) -> Team:
    """hana and ravi (therapists), tom (a trainee) supervised by sara, and ada (an admin); a
    letter each for hana (hana.yaml), ravi (ravi.yaml) and tom (tom.yaml), saved once."""
    team = Team(url)
    with Accounts(url) as accounts:
        for name, role, full in TEAM:
            team.made[name] = accounts.add_account(name, role, PASSWORD, full)
        accounts.assign("tom", "sara")
    with PostgresStore(url, scoped=True) as store:
        for name in ("hana", "ravi", "tom"):
            with acting_as(name):
                store.write(f"{name}.yaml", LETTER, create=True)
                store.append_draft(f"{name}.yaml", "therapist", name)
    return team
