"""Letters, their versions (append-only) and work in progress; the app role.

- ``letters``: one row per letter, by name, with its history's head (HEAD.json's fields).
- ``versions``: the saved drafts, each its record exactly as the files store writes it
  (``NNNN.json``) and the letter's bytes (``NNNN.yaml``). Append-only: a trigger refuses
  UPDATE, DELETE and TRUNCATE whoever asks, and the app role is never granted them.
- ``work``: each letter as it is now, with the version tag a writer checks before replacing it.

``letterkit_app`` is the role a service's login role is made a member of
(``GRANT letterkit_app TO letterkit_web``): it owns nothing, may read and add versions, and may
not change or remove one.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE letters (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
            head text,
            created timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE versions (
            letter_id bigint NOT NULL REFERENCES letters (id),
            number integer NOT NULL CHECK (number >= 1),
            hash char(64) NOT NULL,
            record text NOT NULL,
            content bytea NOT NULL,
            saved timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (letter_id, number),
            UNIQUE (letter_id, hash)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE work (
            letter_id bigint PRIMARY KEY REFERENCES letters (id),
            content bytea NOT NULL,
            version text NOT NULL,
            updated timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    # The history is append-only for everyone, the owner included: a changed or removed
    # version is refused here, and `verify` would name it if it ever got through.
    op.execute(
        """
        CREATE FUNCTION letterkit_versions_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'letterkit: saved versions are never changed or removed (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON versions
        FOR EACH ROW EXECUTE FUNCTION letterkit_versions_append_only()
        """
    )
    op.execute(
        """
        CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON versions
        FOR EACH STATEMENT EXECUTE FUNCTION letterkit_versions_append_only()
        """
    )
    # Roles belong to the cluster, not the database: make it once, grant in every database.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN;
            END IF;
        END
        $$
        """
    )
    op.execute("REVOKE ALL ON letters, versions, work FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON letters, work TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON versions TO {APP_ROLE}")


def downgrade() -> None:
    # The role stays: other databases in the cluster may still grant to it.
    op.execute(f"REVOKE ALL ON letters, versions, work FROM {APP_ROLE}")
    op.execute("DROP TABLE work")
    op.execute("DROP TRIGGER versions_no_truncate ON versions")
    op.execute("DROP TRIGGER versions_append_only ON versions")
    op.execute("DROP TABLE versions")
    op.execute("DROP TABLE letters")
    op.execute("DROP FUNCTION letterkit_versions_append_only()")
