"""letterkit's database schema, as Alembic migrations run by ``PostgresStore.upgrade``.

No alembic.ini is needed: ``letterkit.store.postgres`` points Alembic at this folder and hands
it a connection. Each migration is explicit SQL, so what it does to the database can be read
here; add the next as ``versions/NNNN_what.py`` with ``down_revision`` naming the one before.
"""
