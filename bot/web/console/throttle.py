"""At most ``LIMIT`` sign-in links that did not work per client per minute; then 429 for a while.

A link carries 256 random bits, so guessing one is hopeless; the limit keeps
a client that hammers ``/console/login/<token>`` from costing a database
lookup and an audit row per try. Only failures count (unknown, used or
expired links), so a staff member opening their own link never gets near it.

Per process, in memory: each replica counts its own. The client is the
connection's address; when that is a loopback or private address (a reverse
proxy on this machine or on the container network) it is the last address in
``X-Forwarded-For``, the one the proxy saw, so clients behind one proxy are
not throttled together. Anyone who can reach the port directly from such an
address could pick that header, which is why the port belongs to the proxy
alone (``AFTERCARE_HTTP_HOST`` on loopback, or published on loopback).
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable

LIMIT = 10
WINDOW = 60.0  # seconds
MAX_CLIENTS = 10_000  # oldest forgotten first: memory stays bounded whatever the traffic


def client_of(peer: str | None, forwarded_for: str | None) -> str:
    """Who is asking: the peer, or the proxy's last ``X-Forwarded-For`` hop when the peer is a proxy."""
    if peer and forwarded_for and _is_local(peer):
        last = forwarded_for.split(",")[-1].strip()
        if _is_ip(last):
            return last
    return peer or "unknown"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_local(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


class FailedSignIns:
    """Failed link lookups per client in a sliding window."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.max_clients = limit, window, max_clients
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
        return times

    def retry_after(self, client: str) -> float | None:
        """Seconds until ``client`` may try again, or ``None`` if it may now."""
        now = self._clock()
        times = self._recent(client, now)
        if len(times) < self.limit:
            return None
        return max(1.0, times[0] + self.window - now)

    def failed(self, client: str) -> bool:
        """Count one failure; ``True`` when this one reached the limit (the client is blocked from now)."""
        now = self._clock()
        times = self._recent(client, now)
        self._failures[client] = times
        self._failures.move_to_end(client)
        times.append(now)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)
        return len(times) == self.limit
