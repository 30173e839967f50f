"""The service's database (migration 0004): row-level security keeps each clinician to their
caseload and a patient link to its one letter, as the app's role, whatever the SQL; the audit
log and the versions are append-only for that role; the accounts behind it.

Real PostgreSQL: the session's throwaway cluster (tests/pg.py); fictional people only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pg
import psycopg
import pytest
from service_support import LETTER, PASSWORD, Team
from sqlalchemy.engine import make_url

from letterkit import Accounts, PasswordLogin, PostgresStore, Workspace, acting_as
from letterkit.accounts.service import MAX_ADDRESS_FAILURES
from letterkit.errors import AccountError, LetterNotFoundError, LinkError, OutputError, SignInError


def _sql(
    cluster: pg.Cluster, url: str, account: str | None = None, link: str | None = None
) -> psycopg.Connection:
    """A connection acting as the app's role (as the web service does in each transaction)."""
    conn = psycopg.connect(cluster.dsn(str(make_url(url).database)), autocommit=False)
    conn.execute("SET ROLE letterkit_app")
    conn.execute("SELECT set_config('letterkit.account', %s, false)", (account or "",))
    conn.execute("SELECT set_config('letterkit.link', %s, false)", (link or "",))
    return conn


@pytest.fixture
def scoped(team: Team) -> Iterator[PostgresStore]:
    with PostgresStore(team.url, scoped=True) as store:
        yield store


# --------------------------------------------------------------------------- caseloads


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("hana", ["hana.yaml"]),
        ("ravi", ["ravi.yaml"]),
        ("tom", ["tom.yaml"]),
        ("sara", ["tom.yaml"]),  # her trainee's
        ("ada", ["hana.yaml", "ravi.yaml", "tom.yaml"]),
        (None, []),  # no one acting: nothing
    ],
)
def test_each_account_sees_its_caseload_only(scoped: PostgresStore, who: str | None, sees: list[str]) -> None:
    with acting_as(who):
        assert scoped.names() == sees
        assert Workspace(store=scoped).summaries() is not None


def test_a_therapist_cannot_read_or_change_another_therapists_letter(scoped: PostgresStore) -> None:
    with acting_as("ravi"):
        with pytest.raises(LetterNotFoundError):
            scoped.read("hana.yaml")
        assert scoped.drafts("hana.yaml") == []
        with pytest.raises(OutputError, match="that name is taken by another letter"):
            scoped.write("hana.yaml", LETTER)
    with acting_as("hana"):
        assert scoped.read("hana.yaml") == LETTER  # untouched


@pytest.mark.parametrize(
    "query",
    [
        "SELECT name FROM letters",
        "SELECT l.name FROM versions v JOIN letters l ON l.id = v.letter_id",
        "SELECT letter_id FROM work",
        "SELECT letter_id FROM typed",
        "SELECT letter_id FROM decisions",
    ],
)
def test_sql_as_the_app_role_sees_only_the_caseload(
    postgres_cluster: pg.Cluster, team: Team, query: str
) -> None:
    with _sql(postgres_cluster, team.url, "ravi") as conn:
        rows = conn.execute(query).fetchall()  # type: ignore[arg-type]
        ids = {r[0] for r in conn.execute("SELECT id, name FROM letters").fetchall()}
    assert all(r[0] in ids or r[0] == "ravi.yaml" for r in rows)
    with _sql(postgres_cluster, team.url, "ravi") as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM letters").fetchall()]
    assert names == ["ravi.yaml"]


def test_sql_as_the_app_role_with_no_one_acting_sees_nothing(
    postgres_cluster: pg.Cluster, team: Team
) -> None:
    with _sql(postgres_cluster, team.url) as conn:
        assert conn.execute("SELECT count(*) FROM letters").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM versions").fetchone() == (0,)


def test_the_app_role_may_not_give_a_letter_to_another_account(
    postgres_cluster: pg.Cluster, team: Team
) -> None:
    with (
        _sql(postgres_cluster, team.url, "ravi") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE letters SET owner = 'hana'")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE versions SET record = record || ' '",
        "DELETE FROM versions",
        "TRUNCATE versions",
        "UPDATE audit SET detail = 'changed'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "UPDATE decisions SET record = ''",
        "INSERT INTO accounts (name, role, password_hash, totp_secret) VALUES ('eve', 'admin', '$argon2id$', 'x')",
        "UPDATE accounts SET role = 'admin'",
        "INSERT INTO assignments VALUES ('ravi', 'sara')",
    ],
)
def test_the_app_role_may_not_change_the_history_the_audit_log_or_the_accounts(
    postgres_cluster: pg.Cluster, team: Team, statement: str
) -> None:
    with Accounts(team.url) as accounts:
        accounts.record("read", "ravi.yaml", who="ravi")
    with _sql(postgres_cluster, team.url, "ada") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)  # type: ignore[arg-type]


@pytest.mark.parametrize("statement", ["UPDATE audit SET detail = 'changed'", "DELETE FROM audit"])
def test_not_even_the_owner_may_change_the_audit_log(
    postgres_cluster: pg.Cluster, team: Team, statement: str
) -> None:
    with Accounts(team.url) as accounts:
        accounts.record("read", "ravi.yaml", who="ravi")
    database = str(make_url(team.url).database)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit log is never changed"):
        postgres_cluster.execute(statement, database=database)


def test_only_an_admin_reads_the_audit_log_through_the_app(team: Team) -> None:
    with Accounts(team.url, scoped=True) as accounts:
        with acting_as("hana", ip="192.0.2.7"):
            accounts.record("read", "hana.yaml", "GET /letters/hana.yaml")
            assert accounts.audit() == []
        with acting_as("ada"):
            entries = accounts.audit()
    assert [(e.who, e.action, e.letter, e.ip, e.detail) for e in entries if e.letter] == [
        ("hana", "read", "hana.yaml", "192.0.2.7", "GET /letters/hana.yaml")
    ]
    assert {e.action for e in entries if not e.letter} == {
        "account added",
        "account assigned",
    }  # the team's making


# --------------------------------------------------------------------------- patient links


def test_a_patient_link_reaches_its_one_letter_until_revoked(team: Team, scoped: PostgresStore) -> None:
    with Accounts(scoped) as accounts:
        with acting_as("hana"):
            made = accounts.make_link("hana.yaml", days=7)
        assert accounts.link_letter(made.token) == "hana.yaml"
        with acting_as(link=_hash(made.token)):
            assert scoped.names() == ["hana.yaml"]
            assert scoped.read("hana.yaml") == LETTER
            with pytest.raises(LetterNotFoundError):
                scoped.read("ravi.yaml")
            assert accounts.links("hana.yaml") == []  # a link never sees the links
        with acting_as("ravi"), pytest.raises(LinkError):
            accounts.revoke_link(made.link.id)  # not his letter
        with acting_as("hana"):
            assert not accounts.revoke_link(made.link.id).live
        with pytest.raises(LinkError, match="expired or was withdrawn"):
            accounts.link_letter(made.token)
        with acting_as(link=_hash(made.token)):
            assert scoped.names() == []


def test_an_expired_patient_link_reaches_nothing(postgres_cluster: pg.Cluster, team: Team) -> None:
    with Accounts(team.url, scoped=True) as accounts:
        with acting_as("hana"):
            made = accounts.make_link("hana.yaml", days=1)
        postgres_cluster.execute(
            "UPDATE patient_links SET expires = now() - interval '1 minute'",
            database=str(make_url(team.url).database),
        )
        with pytest.raises(LinkError):
            accounts.link_letter(made.token)


def test_a_link_is_made_only_for_a_letter_in_the_caseload(team: Team) -> None:
    with Accounts(team.url, scoped=True) as accounts, acting_as("ravi"), pytest.raises(LetterNotFoundError):
        accounts.make_link("hana.yaml")


def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


# --------------------------------------------------------------------------- accounts


@pytest.fixture
def login(team: Team) -> Iterator[PasswordLogin]:
    with Accounts(team.url, scoped=True) as accounts:
        yield PasswordLogin(accounts)


def test_signing_in_needs_the_password_and_a_fresh_code(team: Team, login: PasswordLogin) -> None:
    account = login.authenticate({"name": "hana", "password": PASSWORD, "code": team.code("hana")})
    assert (account.name, account.role, account.full_name) == ("hana", "therapist", "Dr Hana Osei")
    token = login.accounts.start_session(account, ip="192.0.2.1")
    assert login.accounts.session(token) == account
    login.accounts.end_session(token)
    assert login.accounts.session(token) is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"name": "hana", "password": "wrong password!", "code": "CODE"},
            "the name, password or code is not right",
        ),
        ({"name": "hana", "password": PASSWORD, "code": "000000"}, "the name, password or code is not right"),
        ({"name": "nobody", "password": PASSWORD, "code": "CODE"}, "the name, password or code is not right"),
    ],
)
def test_a_wrong_password_code_or_name_is_refused(
    team: Team, login: PasswordLogin, answers: dict[str, str], message: str
) -> None:
    answers = {k: (team.code("hana") if v == "CODE" else v) for k, v in answers.items()}
    with pytest.raises(SignInError, match=message):
        login.authenticate(answers)


def test_a_code_works_once(team: Team, login: PasswordLogin) -> None:
    code = team.code("hana")
    login.authenticate({"name": "hana", "password": PASSWORD, "code": code})
    with pytest.raises(SignInError, match="that code has been used already"):
        login.authenticate({"name": "hana", "password": PASSWORD, "code": code})


def test_too_many_wrong_tries_make_the_account_wait(team: Team, login: PasswordLogin) -> None:
    for _ in range(5):
        with pytest.raises(SignInError, match="not right"):
            login.authenticate({"name": "ravi", "password": "not the password", "code": "123456"})
    with pytest.raises(SignInError, match="too many wrong tries"):
        login.authenticate({"name": "ravi", "password": PASSWORD, "code": team.code("ravi")})


def test_too_many_wrong_tries_from_one_address_make_that_address_wait(
    team: Team, login: PasswordLogin
) -> None:
    """A few guesses at each of many accounts (names that exist or not) from one address: after
    twenty, that address waits, even with the right password; another address does not."""
    here, elsewhere = "198.51.100.7", "203.0.113.9"
    for n in range(MAX_ADDRESS_FAILURES):
        name = "ravi" if n % 7 == 0 else f"guess{n}"  # ravi: three wrong tries, under his own limit
        with pytest.raises(SignInError, match="not right"):
            login.authenticate({"name": name, "password": "not the password", "code": "123456"}, ip=here)
    with pytest.raises(SignInError, match="too many wrong tries from this address"):
        login.authenticate({"name": "hana", "password": PASSWORD, "code": team.code("hana")}, ip=here)
    account = login.authenticate(
        {"name": "hana", "password": PASSWORD, "code": team.code("hana")}, ip=elsewhere
    )
    assert account.name == "hana"
    ravi = login.authenticate({"name": "ravi", "password": PASSWORD, "code": team.code("ravi")}, ip=elsewhere)
    assert ravi.name == "ravi"  # his account was never made to wait


def test_wrong_sign_ins_sent_at_once_from_one_address_are_counted_one_after_another(
    team: Team, login: PasswordLogin
) -> None:
    """Nineteen wrong tries, then ten more sent at once from the same address (each to its own
    made-up name): one is checked and counted, the other nine are refused without a check."""
    from concurrent.futures import ThreadPoolExecutor

    here = "198.51.100.8"
    for n in range(MAX_ADDRESS_FAILURES - 1):
        with pytest.raises(SignInError, match="not right"):
            login.authenticate({"name": f"guess{n}", "password": "x", "code": "123456"}, ip=here)

    def attempt(n: int) -> str:
        try:
            login.authenticate({"name": f"rush{n}", "password": "x", "code": "123456"}, ip=here)
        except SignInError as refused:
            return str(refused)
        return "signed in"

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(attempt, range(10)))
    assert sum("not right" in a for a in answers) == 1, answers
    assert sum("from this address" in a for a in answers) == 9, answers


def test_the_addresses_of_one_ipv6_network_are_counted_together(team: Team, login: PasswordLogin) -> None:
    for n in range(MAX_ADDRESS_FAILURES):
        with pytest.raises(SignInError, match="not right"):
            login.authenticate(
                {"name": f"guess{n}", "password": "x", "code": "123456"}, ip=f"2001:db8:0:7::{n + 1:x}"
            )
    with pytest.raises(SignInError, match="from this address"):
        login.authenticate(
            {"name": "hana", "password": PASSWORD, "code": team.code("hana")}, ip="2001:db8:0:7::ffff"
        )
    assert (
        login.authenticate(
            {"name": "hana", "password": PASSWORD, "code": team.code("hana")}, ip="2001:db8:0:8::1"
        ).name
        == "hana"
    )


def test_a_disabled_account_cannot_sign_in_or_see_its_letters(team: Team, login: PasswordLogin) -> None:
    account = login.authenticate({"name": "hana", "password": PASSWORD, "code": team.code("hana", now=None)})
    token = login.accounts.start_session(account)
    with Accounts(team.url) as admin:
        admin.set_disabled("hana")
    assert login.accounts.session(token) is None
    with pytest.raises(SignInError, match="disabled"):
        login.authenticate(
            {"name": "hana", "password": PASSWORD, "code": team.code("hana", now=_next_step())}
        )
    with PostgresStore(team.url, scoped=True) as store, acting_as("hana"):
        assert store.names() == []


def _next_step() -> float:
    import time

    return time.time() + 30


def test_accounts_are_checked_when_made_and_assigned(team: Team) -> None:
    with Accounts(team.url) as accounts:
        with pytest.raises(AccountError, match="there is an account called 'hana' already"):
            accounts.add_account("hana", "therapist", PASSWORD)
        with pytest.raises(AccountError, match="unknown role 'boss'"):
            accounts.add_account("bo", "boss", PASSWORD)
        with pytest.raises(AccountError, match="too short"):
            accounts.add_account("bo", "therapist", "short")
        with pytest.raises(AccountError, match="hana is a therapist, not a trainee"):
            accounts.assign("hana", "sara")
        assert accounts.account("sara").trainees == ("tom",)
        assert accounts.account("tom").supervisors == ("sara",)


# --------------------------------------------------------------------------- sign-off


def test_only_the_trainees_supervisor_may_add_a_sign_off_even_through_sql(
    postgres_cluster: pg.Cluster, team: Team, scoped: PostgresStore
) -> None:
    from letterkit.errors import DatabaseError

    ws = Workspace(store=scoped)
    with acting_as("ada"), pytest.raises(DatabaseError, match="row-level security"):
        ws.attest("tom.yaml", 1, "Ada Brennan")  # an admin sees it, but does not supervise tom
    with acting_as("hana"), pytest.raises(LetterNotFoundError):
        ws.attest("tom.yaml", 1, "Dr Hana Osei")
    with acting_as("sara"):
        assert ws.attest("tom.yaml", 1, "Dr Sara Okafor").holds
    with acting_as("tom"):
        assert [s.supervisor for s in ws.attestations("tom.yaml")] == ["Dr Sara Okafor"]


def test_a_trainees_letters_need_sign_off_and_a_therapists_do_not(team: Team) -> None:
    with Accounts(team.url, scoped=True) as accounts:
        with acting_as("tom"):
            assert accounts.needs_sign_off("tom.yaml")
            assert accounts.needs_sign_off("a-new-letter.yaml")  # made by a trainee
            assert not accounts.may_sign_off("tom.yaml")
        with acting_as("sara"):
            assert accounts.needs_sign_off("tom.yaml") and accounts.may_sign_off("tom.yaml")
        with acting_as("hana"):
            assert not accounts.needs_sign_off("hana.yaml")
