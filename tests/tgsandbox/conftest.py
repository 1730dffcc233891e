"""Fixtures for the sandbox's own tests: a started sandbox and a raw Bot API caller."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tgsandbox import Sandbox

TOKEN = "123:abc"


class RawApi:
    """Calls the sandbox like any HTTP client would, in the encoding the test chooses."""

    def __init__(self, session: aiohttp.ClientSession, root: str, token: str = TOKEN) -> None:
        self.session = session
        self.root = root
        self.token = token

    async def call(
        self, method: str, *, encoding: str = "json", token: str | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.root}/bot{token or self.token}/{method}"
        if encoding == "json":
            request = self.session.post(url, json=params)
        elif encoding == "form":  # as PTB sends it: structured values JSON-encoded
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            request = self.session.post(url, data=form)
        elif encoding == "get":
            query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            request = self.session.get(url, params=query)
        else:
            raise ValueError(encoding)
        async with request as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], (status, body)
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, **params)
        assert not body["ok"] and body["error_code"] == status, body
        return status, body["description"]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox without flood limits (tests of the limits build their own)."""
    async with Sandbox(limits=False) as box:
        yield box


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


@pytest.fixture
def api(sandbox: Sandbox, http: aiohttp.ClientSession) -> RawApi:
    return RawApi(http, sandbox.url)
