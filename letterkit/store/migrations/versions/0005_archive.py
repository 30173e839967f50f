"""Letters put away in the archive: one row per archived letter, nothing of the letter changed.

- ``archived``: the letters put away (``Store.archive``), with when. Bringing a letter back
  removes its row; the letter, its versions and its decisions are never touched.

Row-level security as for the other per-letter tables (0004): an archived row is seen when its
letter is; only someone whose caseload holds the letter (never a patient link) files it away
or brings it back.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"
SEEN = "EXISTS (SELECT 1 FROM letters l WHERE l.id = letter_id)"
CASELOAD = "EXISTS (SELECT 1 FROM letters l WHERE l.id = letter_id AND letterkit_caseload(l.owner))"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE archived (
            letter_id bigint PRIMARY KEY REFERENCES letters (id),
            since timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("REVOKE ALL ON archived FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON archived TO {APP_ROLE}")
    op.execute("ALTER TABLE archived ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY seeing ON archived FOR SELECT TO {APP_ROLE} USING ({SEEN})")
    op.execute(f"CREATE POLICY filing ON archived FOR INSERT TO {APP_ROLE} WITH CHECK ({CASELOAD})")
    op.execute(f"CREATE POLICY bringing_back ON archived FOR DELETE TO {APP_ROLE} USING ({CASELOAD})")


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON archived FROM {APP_ROLE}")
    op.execute("DROP TABLE archived")
