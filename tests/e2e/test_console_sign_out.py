"""Sign out means signed out, on every replica; hammering sign-in links gets 429.

The session cookie is signed, so a copy of it used to keep working after Sign
out until it expired. Sign out now stamps the login the session came from,
and every console request checks it in the database the replicas share.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from bot.web.console.throttle import LIMIT
from tests.support.console import ConsoleClient, console_link, signed_in
from tests.support.databases import POSTGRES_ENV, fresh_database
from tests.support.harness import Harness, running_bot
from tests.support.staff_factories import audit_events

COOKIE = "aftercare_console"
BAD_LINK = "/console/login/" + "A" * 43


def _copy_cookie(source: ConsoleClient, target: ConsoleClient) -> None:
    cookie = source.cookie()
    assert cookie is not None
    target.http.cookie_jar.update_cookies({COOKIE: cookie.value})


async def test_a_copied_cookie_stops_working_when_its_owner_signs_out(harness: Harness) -> None:
    async with ConsoleClient(harness) as browser, ConsoleClient(harness) as copy:
        await signed_in(harness, browser)
        _copy_cookie(browser, copy)
        assert (await copy.get("/console/patients")).status == 200  # the copy is as good as the original
        assert (await browser.post("/console/logout")).status == 200
        refused = await copy.get("/console/patients")
        assert refused.status == 401 and "send /console" in refused.text.lower()
        assert (await copy.post("/console/alerts/1/ack", {"csrf": "x"}, csrf=False)).status == 401


async def test_signing_out_ends_only_that_session(harness: Harness) -> None:
    async with ConsoleClient(harness) as phone, ConsoleClient(harness) as desk:
        await signed_in(harness, phone)
        await signed_in(harness, desk)  # a second link: a second, separate session
        await phone.post("/console/logout")
        assert (await desk.get("/console/")).status == 200


@asynccontextmanager
async def _two_replicas(url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two bots (each with its own Bot API sandbox) on one PostgreSQL database and one secret key."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(running_bot(url, secret_key="shared-secret"))
        second = await stack.enter_async_context(running_bot(url, secret_key="shared-secret"))
        yield first, second


@pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"needs {POSTGRES_ENV} (replicas share PostgreSQL)")
async def test_sign_out_on_one_replica_ends_the_session_on_the_other(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        async with _two_replicas(url) as (first, second), \
                ConsoleClient(first) as browser, ConsoleClient(second) as elsewhere:
            await signed_in(first, browser)
            _copy_cookie(browser, elsewhere)
            assert (await elsewhere.get("/console/")).status == 200  # any replica serves the session
            assert (await browser.post("/console/logout")).status == 200
            assert (await elsewhere.get("/console/")).status == 401


async def test_hammering_bad_links_gets_429_with_a_friendly_page(harness: Harness) -> None:
    async with ConsoleClient(harness) as attacker, ConsoleClient(harness) as staff_browser:
        for _ in range(LIMIT):
            assert (await attacker.get(BAD_LINK)).status == 404
        throttled = await attacker.get(BAD_LINK)
        assert throttled.status == 429 and "Too many sign-in attempts" in throttled.text
        assert 1 <= int(throttled.headers["Retry-After"]) <= 60
        assert (await attacker.post(BAD_LINK, csrf=False)).status == 429
        good = await console_link(harness)
        assert (await attacker.get(good)).status == 429  # even a real link waits: the client is throttled
        proxied = {"X-Forwarded-For": "203.0.113.7"}  # another client behind a proxy on this machine
        async with staff_browser.http.get(staff_browser.base + "/console/login/" + good.rsplit("/", 1)[1],
                                          headers=proxied, allow_redirects=False) as response:
            assert response.status == 200
    refused = await audit_events(harness.db, "console_login_refused")
    assert len(refused) == LIMIT  # refused attempts past the limit cost no database row
    assert len(await audit_events(harness.db, "console_login_throttled")) == 1
