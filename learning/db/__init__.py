"""Database backends of the project (``DATABASES[...]["ENGINE"]`` points into this package)."""
