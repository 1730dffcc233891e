"""Flood limits: 429 with an integer retry_after, gone once the bucket refills."""

from __future__ import annotations

import asyncio

import aiohttp

from tgsandbox import FloodLimits, Sandbox
from tgsandbox.errors import ApiError
from tgsandbox.limits import FloodLimiter

from .conftest import RawApi


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _retry_after(limiter: FloodLimiter, chat_id: int) -> int | None:
    try:
        limiter.check(chat_id)
    except ApiError as error:
        assert error.code == 429
        return error.retry_after
    return None


def test_per_chat_bucket_allows_a_burst_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = FloodLimiter(FloodLimits(chat_capacity=3, chat_rate=1), clock=clock)
    assert [_retry_after(limiter, 1) for _ in range(3)] == [None, None, None]
    assert _retry_after(limiter, 1) == 1
    assert _retry_after(limiter, 2) is None  # other chats are unaffected
    clock.now += 0.5
    assert _retry_after(limiter, 1) == 1  # half a token: ceil to whole seconds, never 0
    clock.now += 0.5
    assert _retry_after(limiter, 1) is None
    assert limiter.rejected == 2


def test_global_bucket_spans_chats() -> None:
    clock = FakeClock()
    limiter = FloodLimiter(FloodLimits(global_capacity=5, global_rate=5), clock=clock)
    assert all(_retry_after(limiter, chat) is None for chat in range(5))
    assert _retry_after(limiter, 99) == 1
    clock.now += 0.2
    assert _retry_after(limiter, 99) is None


def test_slow_refill_reports_whole_seconds() -> None:
    clock = FakeClock()
    limiter = FloodLimiter(FloodLimits(chat_capacity=1, chat_rate=0.25), clock=clock)
    assert _retry_after(limiter, 1) is None
    assert _retry_after(limiter, 1) == 4


def test_groups_can_have_their_own_bucket() -> None:
    limiter = FloodLimiter(FloodLimits(chat_capacity=5, group_capacity=1, group_rate=0.5), clock=FakeClock())
    assert _retry_after(limiter, -100) is None
    assert _retry_after(limiter, -100) == 2
    assert _retry_after(limiter, 7) is None and _retry_after(limiter, 7) is None


async def test_server_answers_429_per_chat_and_recovers(http: aiohttp.ClientSession) -> None:
    limits = FloodLimits(chat_capacity=2, chat_rate=2.0)
    async with Sandbox(limits=limits) as box:
        box.user(1)
        box.user(2)
        api = RawApi(http, box.url)
        await api.ok("sendMessage", chat_id=1, text="a")
        await api.ok("sendMessage", chat_id=1, text="b")
        status, body = await api.call("sendMessage", chat_id=1, text="c")
        assert status == 429
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        await api.ok("sendMessage", chat_id=2, text="other chat is fine")
        await asyncio.sleep(0.55)  # one token back at 2/s
        await api.ok("sendMessage", chat_id=1, text="c")
        stats = box.stats()
        assert stats["too_many_requests"] == 1 and stats["flood_rejections"] == 1
        assert [m.text for m in box.chat(1).messages()] == ["a", "b", "c"]


async def test_server_global_limit(http: aiohttp.ClientSession) -> None:
    limits = FloodLimits(global_capacity=3, global_rate=10.0, chat_capacity=10, chat_rate=10)
    async with Sandbox(limits=limits) as box:
        api = RawApi(http, box.url)
        for chat in range(1, 5):
            box.user(chat)
        for chat in range(1, 4):
            await api.ok("sendMessage", chat_id=chat, text="hi")
        status, body = await api.call("sendMessage", chat_id=4, text="hi")
        assert status == 429 and body["parameters"]["retry_after"] >= 1
        await asyncio.sleep(0.15)
        await api.ok("sendMessage", chat_id=4, text="hi")


async def test_limits_can_be_turned_off_and_on(http: aiohttp.ClientSession) -> None:
    async with Sandbox(limits=False) as box:
        box.user(1)
        api = RawApi(http, box.url)
        for n in range(40):
            await api.ok("sendMessage", chat_id=1, text=f"m{n}")
        box.set_limits(enabled=True, chat_capacity=1, chat_rate=1)
        await api.ok("sendMessage", chat_id=1, text="one")
        assert (await api.call("sendMessage", chat_id=1, text="two"))[0] == 429
        box.set_limits(enabled=False)
        await api.ok("sendMessage", chat_id=1, text="two")


async def test_edits_count_but_reads_do_not(http: aiohttp.ClientSession) -> None:
    async with Sandbox(limits=FloodLimits(chat_capacity=1, chat_rate=0.5)) as box:
        box.user(1)
        api = RawApi(http, box.url)
        sent = await api.ok("sendMessage", chat_id=1, text="a")
        status, _ = await api.call("editMessageText", chat_id=1, message_id=sent["message_id"], text="b")
        assert status == 429
        for _ in range(5):
            await api.ok("getMe")
            await api.ok("sendChatAction", chat_id=1, action="typing")
