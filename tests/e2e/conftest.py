"""End-to-end fixtures: a running bot on SQLite (and PostgreSQL where marked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.harness import Harness, running_bot


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with the example clinic on a fresh SQLite database."""
    async with running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}") as running:
        yield running


@pytest.fixture
async def harness_any_db(database_url: str) -> AsyncIterator[Harness]:
    """Like ``harness``, once per database backend."""
    async with running_bot(database_url) as running:
        yield running
