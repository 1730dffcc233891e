"""Fixtures shared by every test: databases on each configured backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core.db import Database
from bot.core.migrate import upgrade
from tests.support.databases import backends, fresh_database

TEST_SWITCHES = ("AFTERCARE_TEST_POSTGRES_URL", "AFTERCARE_UPDATE_DEMO_TRANSCRIPT")
"""Variables meant for the tests themselves (not bot settings): kept."""


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or AFTERCARE_* variables by accident."""
    import os

    for name in list(os.environ):
        if name.startswith("AFTERCARE_") and not name.startswith(TEST_SWITCHES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL, once per backend (SQLite, and PostgreSQL in CI)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'aftercare.db'}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend."""
    upgrade(database_url)
    database = Database(database_url)
    yield database
    await database.dispose()
