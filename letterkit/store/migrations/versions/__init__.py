"""The migrations, oldest first (each names the one before as ``down_revision``)."""
