"""Letters put away in the archive: one row per archived letter, nothing of the letter changed.

- ``archived``: the letters put away (``Store.archive``), with when. Bringing a letter back
  removes its row; the letter, its versions and its decisions are never touched.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"


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


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON archived FROM {APP_ROLE}")
    op.execute("DROP TABLE archived")
