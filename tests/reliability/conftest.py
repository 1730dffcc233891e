"""Fixtures for reliability tests: a running bot with a ward of patients, per database backend.

Every fixture here is bounded and cleans up in ``finally`` (``running_bot``
stops the bot and the sandbox); subprocess fixtures live in
``tests.support.processes``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.reliability.ward import ward_clinics
from tests.support.databases import POSTGRES_ENV, fresh_database
from tests.support.harness import Harness, running_bot, sqlite_url


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot on SQLite with no quiet hours, flood limits of the sandbox as Telegram's."""
    async with running_bot(sqlite_url(tmp_path), clinics=ward_clinics()) as running:
        yield running


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database, or a skip when ``AFTERCARE_TEST_POSTGRES_URL`` is unset."""
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    with fresh_database("postgresql", tmp_path) as url:
        yield url


@pytest.fixture
async def pg_bot(postgres_url: str) -> AsyncIterator[Harness]:
    async with running_bot(postgres_url, clinics=ward_clinics()) as running:
        yield running
