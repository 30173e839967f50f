"""A service for a whole team: accounts, who supervises whom, sessions, patient links, an audit
log, and row-level security keeping each clinician to their caseload.

- ``accounts``: one row per member of staff (therapist, trainee, supervisor or admin), their
  password's argon2id hash and their TOTP secret (the second factor), the last code's time
  step (a code is used once), failed sign-ins (a short pause after too many) and ``disabled``.
- ``assignments``: which supervisor supervises which trainee.
- ``letters.owner``: the account a letter belongs to (by default, whoever makes it).
- ``attestations`` (migration 0003): a sign-off is added only by a supervisor assigned to the
  letter's owner.
- ``sessions``: signed-in browsers, server-side; only the token's SHA-256 is kept.
- ``patient_links``: a link for one letter, for a patient (the token's SHA-256, its expiry,
  when it was revoked, who made it).
- ``audit``: who did what, when, to which letter, from where. Append-only, as ``versions``.

Each transaction of the web service says who is acting (``SET LOCAL ROLE letterkit_app`` and
``set_config('letterkit.account', NAME, true)``, or ``letterkit.link`` for a patient link's
token hash) and the policies below keep it to the letters that account may see: its own, its
trainees' (a supervisor), every letter (an admin), or the one letter of a live patient link.
Nothing set means nothing seen.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"
PER_LETTER = ("versions", "work", "typed", "decisions", "attestations")
"""The tables holding a part of one letter (by ``letter_id``): each sees what ``letters`` shows."""
SEEN = "EXISTS (SELECT 1 FROM letters l WHERE l.id = letter_id)"
"""A per-letter row is seen when its letter is (the letters policy decides)."""


def upgrade() -> None:
    _tables()
    _functions()
    _policies()
    _grants()


def _tables() -> None:
    op.execute(
        """
        CREATE TABLE accounts (
            name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
            full_name text NOT NULL DEFAULT '',
            role text NOT NULL CHECK (role IN ('therapist', 'trainee', 'supervisor', 'admin')),
            password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
            totp_secret text NOT NULL,
            totp_last bigint,
            failures integer NOT NULL DEFAULT 0,
            failed_at timestamptz,
            disabled boolean NOT NULL DEFAULT false,
            created timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE assignments (
            trainee text NOT NULL REFERENCES accounts (name),
            supervisor text NOT NULL REFERENCES accounts (name),
            created timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (trainee, supervisor),
            CHECK (trainee <> supervisor)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE sessions (
            token_hash char(64) PRIMARY KEY,
            account text NOT NULL REFERENCES accounts (name),
            created timestamptz NOT NULL DEFAULT now(),
            expires timestamptz NOT NULL,
            ip text NOT NULL DEFAULT ''
        )
        """
    )
    op.execute(
        """
        CREATE TABLE audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            who text NOT NULL,
            action text NOT NULL,
            letter text,
            ip text NOT NULL DEFAULT '',
            detail text NOT NULL DEFAULT ''
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION letterkit_account() RETURNS text
        LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('letterkit.account', true), '') $$
        """
    )
    op.execute(
        "ALTER TABLE letters ADD COLUMN owner text REFERENCES accounts (name) DEFAULT letterkit_account()"
    )
    op.execute(
        """
        CREATE TABLE patient_links (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            token_hash char(64) NOT NULL UNIQUE,
            letter_id bigint NOT NULL REFERENCES letters (id),
            expires timestamptz NOT NULL,
            revoked timestamptz,
            created_by text NOT NULL REFERENCES accounts (name) DEFAULT letterkit_account(),
            created timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION letterkit_audit_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'letterkit: the audit log is never changed or removed (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION letterkit_audit_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION letterkit_audit_append_only()
        """
    )


def _functions() -> None:
    # Whose caseload a letter is in: its owner's, the owner's supervisors', and every admin's;
    # a disabled account sees nothing.
    op.execute(
        """
        CREATE FUNCTION letterkit_caseload(_owner text) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT EXISTS (
                SELECT 1 FROM accounts a
                WHERE a.name = letterkit_account() AND NOT a.disabled
                  AND (a.role = 'admin' OR a.name = _owner
                       OR EXISTS (SELECT 1 FROM assignments s
                                  WHERE s.supervisor = a.name AND s.trainee = _owner))
            )
        $$
        """
    )
    # A sign-off is made only by a supervisor assigned to the letter's owner (a trainee).
    op.execute(
        """
        CREATE FUNCTION letterkit_supervises(_letter bigint) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT EXISTS (
                SELECT 1 FROM letters l
                JOIN assignments s ON s.trainee = l.owner
                JOIN accounts a ON a.name = s.supervisor
                WHERE l.id = _letter AND s.supervisor = letterkit_account() AND NOT a.disabled
            )
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION letterkit_is_admin() RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT EXISTS (SELECT 1 FROM accounts
                           WHERE name = letterkit_account() AND role = 'admin' AND NOT disabled)
        $$
        """
    )
    # The one letter of the live patient link whose token hash this transaction gives. It reads
    # patient_links as the function's owner, so that the letters policy does not go round in a
    # circle through patient_links' own policy.
    op.execute(
        """
        CREATE FUNCTION letterkit_link_letter() RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
            SELECT letter_id FROM patient_links
            WHERE token_hash = nullif(current_setting('letterkit.link', true), '')
              AND revoked IS NULL AND expires > now()
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION letterkit_link_letter() FROM PUBLIC")


def _policies() -> None:
    op.execute("ALTER TABLE letters ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"""
        CREATE POLICY caseload ON letters TO {APP_ROLE}
        USING (letterkit_caseload(owner) OR id = letterkit_link_letter())
        WITH CHECK (letterkit_caseload(owner) OR id = letterkit_link_letter())
        """
    )
    for table in PER_LETTER:
        check = f"{SEEN} AND letterkit_supervises(letter_id)" if table == "attestations" else SEEN
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY caseload ON {table} TO {APP_ROLE} USING ({SEEN}) WITH CHECK ({check})")
    # A patient link shows its letter, never the links to it (its own or another's).
    op.execute("ALTER TABLE patient_links ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"""
        CREATE POLICY caseload ON patient_links TO {APP_ROLE}
        USING (letterkit_account() IS NOT NULL AND {SEEN})
        WITH CHECK (letterkit_account() IS NOT NULL AND {SEEN} AND created_by = letterkit_account())
        """
    )
    # Anyone acting may add to the audit log; only an admin reads it (through the app).
    op.execute("ALTER TABLE audit ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY adding ON audit FOR INSERT TO {APP_ROLE} WITH CHECK (true)")
    op.execute(f"CREATE POLICY reading ON audit FOR SELECT TO {APP_ROLE} USING (letterkit_is_admin())")


def _grants() -> None:
    op.execute("REVOKE ALL ON accounts, assignments, sessions, patient_links, audit FROM PUBLIC")
    # A letter's owner is given when it is made; the app may move its head, nothing else.
    op.execute(f"REVOKE UPDATE ON letters FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (head) ON letters TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON accounts, assignments TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (totp_last, failures, failed_at) ON accounts TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON sessions TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON patient_links TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (revoked) ON patient_links TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON audit TO {APP_ROLE}")
    op.execute(f"GRANT EXECUTE ON FUNCTION letterkit_link_letter() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON accounts, assignments, sessions, patient_links, audit FROM {APP_ROLE}")
    op.execute(f"REVOKE UPDATE (head) ON letters FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE ON letters TO {APP_ROLE}")
    for table in ("letters", *PER_LETTER):
        op.execute(f"DROP POLICY caseload ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TABLE patient_links")
    op.execute("DROP TABLE audit")
    op.execute("DROP FUNCTION letterkit_audit_append_only()")
    op.execute("DROP FUNCTION letterkit_link_letter()")
    op.execute("DROP FUNCTION letterkit_is_admin()")
    op.execute("DROP FUNCTION letterkit_supervises(bigint)")
    op.execute("ALTER TABLE letters DROP COLUMN owner")
    op.execute("DROP FUNCTION letterkit_caseload(text)")
    op.execute("DROP FUNCTION letterkit_account()")
    op.execute("DROP TABLE sessions")
    op.execute("DROP TABLE assignments")
    op.execute("DROP TABLE accounts")
