"""``letterkit account`` and ``letterkit audit``: an admin's commands, over real PostgreSQL
(the session's throwaway cluster). One line for a problem, exit 1; 2 for a usage mistake."""

from __future__ import annotations

import json
from typing import Any

import pg
import pyotp
from click.testing import CliRunner
from service_support import PASSWORD, Team

from letterkit import Accounts, PasswordLogin
from letterkit.cli import main

PROMPTS = "Password: \nRepeat for confirmation: \n"
"""What ``account add`` asks on the terminal (and nothing else is printed when it fails)."""


def cli(*args: str, stdin: str | None = None) -> Any:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert "Traceback" not in result.output
    return result


def test_account_add_prints_the_code_secret_once_and_the_account_signs_in(team: Team) -> None:
    made = cli(
        "account",
        "add",
        "nia",
        "--role",
        "therapist",
        "--full-name",
        "Nia Adeyemi",
        "--database",
        team.url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.stderr
    lines = made.stdout.splitlines()
    assert "Made Nia Adeyemi (nia), a therapist." in lines
    secret = next(line.split(": ", 1)[1] for line in lines if line.strip().startswith("secret: "))
    assert any(line.strip().startswith("otpauth://totp/letterkit:nia?secret=") for line in lines)
    with Accounts(team.url) as accounts:
        signed = PasswordLogin(accounts).authenticate(
            {"name": "nia", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
        )
    assert signed.role == "therapist"


def test_account_add_refuses_a_taken_name_in_one_line(team: Team) -> None:
    again = cli(
        "account",
        "add",
        "hana",
        "--role",
        "therapist",
        "--database",
        team.url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert (again.exit_code, again.stdout) == (1, PROMPTS)
    assert again.stderr == "letterkit: there is an account called 'hana' already; choose another name\n"


def test_account_add_with_an_unknown_role_is_a_usage_error(team: Team) -> None:
    wrong = cli(
        "account", "add", "bo", "--role", "boss", "--database", team.url, stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert wrong.exit_code == 2 and "'boss' is not one of" in wrong.stderr


def test_account_list_and_assign(team: Team) -> None:
    listed = cli("account", "list", "--database", team.url)
    assert listed.exit_code == 0
    assert "tom\ttrainee\tTom Lindqvist\tsupervised by sara" in listed.stdout.splitlines()
    assert "sara\tsupervisor\tDr Sara Okafor\tsupervises tom" in listed.stdout.splitlines()
    cli(
        "account",
        "add",
        "lee",
        "--role",
        "supervisor",
        "--database",
        team.url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assigned = cli("account", "assign", "tom", "lee", "--database", team.url)
    assert (assigned.exit_code, assigned.stdout) == (0, "tom is supervised by lee, sara.\n")
    wrong = cli("account", "assign", "hana", "sara", "--database", team.url)
    assert (wrong.exit_code, wrong.stderr) == (1, "letterkit: hana is a therapist, not a trainee\n")
    nobody = cli("account", "assign", "nobody", "sara", "--database", team.url)
    assert nobody.exit_code == 1
    assert (
        nobody.stderr
        == "letterkit: there is no account called 'nobody'; `letterkit account list` shows them\n"
    )


def test_account_disable_and_enable(team: Team) -> None:
    off = cli("account", "disable", "ravi", "--database", team.url)
    assert (off.exit_code, off.stdout) == (0, "ravi is disabled.\n")
    assert "ravi\ttherapist\tRavi Mehta\tdisabled" in cli("account", "list", "--database", team.url).stdout
    on = cli("account", "disable", "ravi", "--enable", "--database", team.url)
    assert (on.exit_code, on.stdout) == (0, "ravi is enabled.\n")


def test_an_admins_account_commands_are_in_the_audit_log(team: Team) -> None:
    cli("account", "disable", "ravi", "--database", team.url)
    cli("account", "disable", "ravi", "--enable", "--database", team.url)
    cli(
        "account",
        "add",
        "lee",
        "--role",
        "supervisor",
        "--database",
        team.url,
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    cli("account", "assign", "tom", "lee", "--database", team.url)
    exported = cli("audit", "--json", "--database", team.url)
    entries = [json.loads(line) for line in exported.stdout.splitlines()][-4:]
    assert [(e["action"], e["detail"]) for e in entries] == [
        ("account disabled", "ravi"),
        ("account enabled", "ravi"),
        ("account added", "lee (supervisor)"),
        ("account assigned", "tom to supervisor lee"),
    ]
    assert all(e["who"].startswith("command line (") and e["ip"] for e in entries)


def test_audit_lists_and_exports_the_log(team: Team) -> None:
    with Accounts(team.url) as accounts:
        accounts.record("read", "hana.yaml", "GET /letters/hana.yaml 200", who="hana")
        accounts.record("download", "ravi.yaml", "GET /letters/ravi.yaml/download 200", who="ravi")
    shown = cli("audit", "--letter", "hana.yaml", "--database", team.url)
    assert shown.exit_code == 0
    assert [line.split("\t")[1:] for line in shown.stdout.splitlines()] == [
        ["hana", "read", "hana.yaml", "-", "GET /letters/hana.yaml 200"]
    ]
    exported = cli("audit", "--json", "--database", team.url)
    entries = [json.loads(line) for line in exported.stdout.splitlines()]
    entries = [e for e in entries if not e["action"].startswith("account ")]  # the team's making
    assert [(e["who"], e["action"], e["letter"]) for e in entries] == [
        ("hana", "read", "hana.yaml"),
        ("ravi", "download", "ravi.yaml"),
    ]
    assert set(entries[0]) == {"id", "at", "who", "action", "letter", "ip", "detail"}


def test_audit_without_tables_says_to_upgrade(postgres_cluster: pg.Cluster) -> None:
    name = postgres_cluster.new_database()
    try:
        result = cli("audit", "--database", postgres_cluster.url(name))
        assert result.exit_code == 1
        assert result.stderr.endswith("`letterkit db upgrade --database URL` makes them)\n")
        assert len(result.stderr.splitlines()) == 1
    finally:
        postgres_cluster.drop_database(name)


def test_the_commands_need_a_database(monkeypatch: Any) -> None:
    monkeypatch.delenv("LETTERKIT_DATABASE_URL", raising=False)
    for args in (("account", "list"), ("audit",)):
        result = cli(*args)
        assert result.exit_code == 2 and "Missing option '--database'" in result.stderr


def test_db_import_gives_the_letters_to_an_account(team: Team, tmp_path: Any) -> None:
    import shutil

    from conftest import SAMPLES

    from letterkit import PostgresStore, acting_as

    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(SAMPLES / "aliya-formulation.yaml", folder / "aliya.yaml")
    done = cli("db", "import", str(folder), "--owner", "ravi", "--database", team.url)
    assert done.exit_code == 0, done.stderr
    last = json.loads(cli("audit", "--json", "--database", team.url).stdout.splitlines()[-1])
    assert (last["action"], last["letter"], last["detail"]) == (
        "letter imported",
        "aliya.yaml",
        f"0 saved drafts from {folder}, for ravi",
    )
    assert last["who"].startswith("command line (")
    with PostgresStore(team.url, scoped=True) as store:
        with acting_as("ravi"):
            assert store.names() == ["aliya.yaml", "ravi.yaml"]
        with acting_as("hana"):
            assert store.names() == ["hana.yaml"]
    other = tmp_path / "more"
    other.mkdir()
    shutil.copy(SAMPLES / "peter-formulation.yaml", other / "peter.yaml")
    nobody = cli("db", "import", str(other), "--owner", "nobody", "--database", team.url)
    assert (nobody.exit_code, nobody.stderr) == (
        1,
        "letterkit: nobody: there is no such account; `letterkit account list` shows them\n",
    )


def test_serve_on_a_database_without_tables_says_so_in_one_line(postgres_cluster: pg.Cluster) -> None:
    name = postgres_cluster.new_database()
    try:
        result = cli("serve", "--database", postgres_cluster.url(name), "--port", "0")
        assert result.exit_code == 1
        assert "the database has no letterkit tables yet" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    finally:
        postgres_cluster.drop_database(name)
