"""Sign-offs: a supervisor attests one saved draft of a letter (append-only).

- ``attestations``: each sign-off, its record exactly as the files store writes it
  (``attestations/NNNN.json``), hash-chained. Append-only, as ``versions`` and ``decisions``
  are: a trigger refuses UPDATE, DELETE and TRUNCATE, and the app's role may only read and add.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE attestations (
            letter_id bigint NOT NULL REFERENCES letters (id),
            number integer NOT NULL CHECK (number >= 1),
            draft integer NOT NULL CHECK (draft >= 1),
            record text NOT NULL,
            PRIMARY KEY (letter_id, number),
            FOREIGN KEY (letter_id, draft) REFERENCES versions (letter_id, number)
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION letterkit_attestations_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'letterkit: sign-offs are never changed or removed (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER attestations_append_only BEFORE UPDATE OR DELETE ON attestations
        FOR EACH ROW EXECUTE FUNCTION letterkit_attestations_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER attestations_no_truncate BEFORE TRUNCATE ON attestations
        FOR EACH STATEMENT EXECUTE FUNCTION letterkit_attestations_append_only()
        """
    )
    op.execute("REVOKE ALL ON attestations FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT ON attestations TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON attestations FROM {APP_ROLE}")
    op.execute("DROP TRIGGER attestations_no_truncate ON attestations")
    op.execute("DROP TRIGGER attestations_append_only ON attestations")
    op.execute("DROP TABLE attestations")
    op.execute("DROP FUNCTION letterkit_attestations_append_only()")
