"""Typing kept beside a letter, and the decisions on a patient's suggestions (append-only).

- ``typed``: what was typed on a page and not yet saved (one row per letter, replaced as the
  user types; never part of the history).
- ``decisions``: each accepted or rejected suggestion, its record exactly as the files store
  writes it (``decisions/NNNN.json``), hash-chained. Append-only, as ``versions`` is.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE typed (
            letter_id bigint PRIMARY KEY REFERENCES letters (id),
            content bytea NOT NULL,
            updated timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE decisions (
            letter_id bigint NOT NULL REFERENCES letters (id),
            number integer NOT NULL CHECK (number >= 1),
            record text NOT NULL,
            PRIMARY KEY (letter_id, number)
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION letterkit_decisions_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'letterkit: decisions are never changed or removed (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
        FOR EACH ROW EXECUTE FUNCTION letterkit_decisions_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
        FOR EACH STATEMENT EXECUTE FUNCTION letterkit_decisions_append_only()
        """
    )
    op.execute("REVOKE ALL ON typed, decisions FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON typed TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON decisions TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON typed, decisions FROM {APP_ROLE}")
    op.execute("DROP TABLE typed")
    op.execute("DROP TRIGGER decisions_no_truncate ON decisions")
    op.execute("DROP TRIGGER decisions_append_only ON decisions")
    op.execute("DROP TABLE decisions")
    op.execute("DROP FUNCTION letterkit_decisions_append_only()")
