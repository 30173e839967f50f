"""Wrong sign-ins counted by the address they come from, as well as by account.

- ``sign_in_failures``: one row per wrong sign-in (a wrong name, password or code), with the
  address and when. An account already waits after five wrong tries in a row (0004); this
  stops one address trying a few passwords on each of many accounts. Rows older than the
  pause are removed by the next sign-in; nothing else is kept (no name, no password).

The app's role reads, adds and removes these rows: they say nothing about any letter.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APP_ROLE = "letterkit_app"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE sign_in_failures (
            ip text NOT NULL,
            at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX sign_in_failures_by_ip ON sign_in_failures (ip, at)")
    op.execute("REVOKE ALL ON sign_in_failures FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON sign_in_failures TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON sign_in_failures FROM {APP_ROLE}")
    op.execute("DROP TABLE sign_in_failures")
