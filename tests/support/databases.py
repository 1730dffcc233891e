"""Fresh, migrated databases for tests: SQLite always, PostgreSQL when configured.

``AFTERCARE_TEST_POSTGRES_URL`` (CI sets it) points at a server where the
tests may create and drop databases; each test gets its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "AFTERCARE_TEST_POSTGRES_URL"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield a plain SQLAlchemy URL of an empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'aftercare.db'}"
        return
    with scratch_postgres(os.environ[POSTGRES_ENV]) as url:
        yield url


@contextmanager
def scratch_postgres(server_url: str, prefix: str = "aftercare_t") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at ``server_url``; dropped afterwards."""
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
