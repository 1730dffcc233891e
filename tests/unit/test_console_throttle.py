"""The sign-in throttle: failures per client in a sliding minute, bounded memory, who the client is."""

from __future__ import annotations

import pytest

from bot.web.console.throttle import FailedSignIns, client_of


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_blocks_until_the_oldest_failure_leaves_the_window() -> None:
    clock = Clock()
    throttle = FailedSignIns(limit=3, window=60.0, clock=clock)
    assert [throttle.failed("a") for _ in range(3)] == [False, False, True]  # True once: when it starts
    assert throttle.retry_after("a") == 60.0
    assert throttle.retry_after("b") is None  # other clients are not affected
    clock.now += 59.0
    assert throttle.retry_after("a") == 1.0
    clock.now += 1.0
    assert throttle.retry_after("a") is None


def test_failures_spread_out_never_block() -> None:
    clock = Clock()
    throttle = FailedSignIns(limit=3, window=60.0, clock=clock)
    for _ in range(10):
        throttle.failed("a")
        clock.now += 30.0
    assert throttle.retry_after("a") is None


def test_memory_stays_bounded_forgetting_the_oldest_clients() -> None:
    throttle = FailedSignIns(limit=2, window=60.0, max_clients=100, clock=Clock())
    for n in range(1000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._failures) == 100
    throttle.failed("x")
    throttle.failed("x")
    assert throttle.retry_after("x") is not None


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("93.184.216.34", None, "93.184.216.34"),
    ("93.184.216.34", "198.51.100.1", "93.184.216.34"),  # a public peer cannot pick its address
    ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # a proxy on this machine
    ("172.18.0.1", "10.1.1.1, 198.51.100.1", "198.51.100.1"),  # a proxy on the container network: its hop
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("::1", "2001:db8::1", "2001:db8::1"),
    (None, None, "unknown"),
])
def test_who_the_client_is(peer: str | None, forwarded: str | None, client: str) -> None:
    assert client_of(peer, forwarded) == client
