"""``letterkit account`` and ``letterkit audit``: an admin's work for a service.

Registered into the command line by cli.py. Each command parses, calls one method of the
service's ``Accounts`` (in its database) and prints; a problem is one line and exit 1.
"""

from __future__ import annotations

import json

import click

import letterkit
from letterkit.cli_common import LazyChoice
from letterkit.cli_db import DATABASE, _one_line, _say

ROLES = LazyChoice(lambda: letterkit.account_roles())


@click.group("account")
def account() -> None:
    """Make the accounts of a service's staff, and say who supervises whom (an admin's work).

    Each account signs in to `letterkit serve --database` with its password and a code from
    an authenticator app.

    \b
    Example:
      letterkit account add hana --role therapist --full-name "Dr Hana Osei"
      letterkit account assign tom sara
    """


@account.command("add")
@click.argument("name")
@click.option("--role", type=ROLES, required=True, help="What the account may do.")
@click.option("--full-name", default="", help="The name shown in the history and on the pages.")
@click.password_option(help="The account's first password (asked for when not given).")
@DATABASE
@_one_line
def account_add(name: str, role: str, full_name: str, password: str, url: str) -> None:
    """Make an account, and print its sign-in code's secret once (for an authenticator app).

    \b
    Example:
      letterkit account add hana --role therapist --full-name "Dr Hana Osei"
    """
    with letterkit.Accounts(url) as store:
        made = store.add_account(name, role, password, full_name)
    _say(f"Made {made.account.shown}, a {role}.")
    _say("Add the sign-in code to their authenticator app now; it is not shown again:")
    _say(f"  secret: {made.secret}")
    _say(f"  {made.uri}")


@account.command("list")
@DATABASE
@_one_line
def account_list(url: str) -> None:
    """List the accounts: name, role, full name, and who supervises whom.

    \b
    Example:
      letterkit account list
    """
    with letterkit.Accounts(url) as store:
        found = store.accounts()
    for a in found:
        links = [f"supervised by {', '.join(a.supervisors)}"] if a.supervisors else []
        links += [f"supervises {', '.join(a.trainees)}"] if a.trainees else []
        links += ["disabled"] if a.disabled else []
        _say("\t".join([a.name, a.role, a.full_name or "-", "; ".join(links) or "-"]))
    if not found:
        _say("No accounts yet: `letterkit account add` makes one.", err=True)


@account.command("assign")
@click.argument("trainee")
@click.argument("supervisor")
@DATABASE
@_one_line
def account_assign(trainee: str, supervisor: str, url: str) -> None:
    """Make SUPERVISOR the supervisor of TRAINEE: they see the trainee's letters and sign them off.

    \b
    Example:
      letterkit account assign tom sara
    """
    with letterkit.Accounts(url) as store:
        done = store.assign(trainee, supervisor)
    _say(f"{done.name} is supervised by {', '.join(done.supervisors)}.")


@account.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Let the account sign in again.")
@DATABASE
@_one_line
def account_disable(name: str, enable: bool, url: str) -> None:
    """Stop an account signing in or seeing any letter (its sessions end); --enable undoes it.

    \b
    Example:
      letterkit account disable ravi
    """
    with letterkit.Accounts(url) as store:
        done = store.set_disabled(name, not enable)
    _say(f"{done.name} is {'disabled' if done.disabled else 'enabled'}.")


@click.command("audit")
@click.option("--letter", default=None, help="Only this letter's entries.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the latest N entries.")
@click.option(
    "--json", "as_json", is_flag=True, help="JSON lines, one entry each (the export for the records)."
)
@DATABASE
@_one_line
def audit(letter: str | None, limit: int | None, as_json: bool, url: str) -> None:
    """List the audit log: who read, changed, rendered, downloaded, signed off or opened a letter
    through a patient link, when and from where; oldest first.

    \b
    Example:
      letterkit audit --letter peter.yaml
      letterkit audit --json > audit-2026-12.jsonl
    """
    with letterkit.Accounts(url) as store:
        entries = store.audit(letter, limit=limit)
    for e in entries:
        if as_json:
            _say(json.dumps(e.to_json(), ensure_ascii=False))
        else:
            _say(
                "\t".join(
                    [
                        e.at.strftime("%Y-%m-%d %H:%M:%S"),
                        e.who,
                        e.action,
                        e.letter or "-",
                        e.ip or "-",
                        e.detail,
                    ]
                )
            )
