"""A server-sent events reader for the console's live stream, with bounded waits.

``EventStream`` opens ``/console/events`` with a ``ConsoleClient``'s cookies
and reads whole events (``event``, ``id``, ``data``; comment lines are kept as
``comment`` so a heartbeat can be seen), each wait bounded by ``within`` seconds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.support.console import ConsoleClient

WAIT = 10.0


@dataclass
class Event:
    event: str = "message"
    id: str | None = None
    data: str = ""
    comment: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.data)


class EventStream:
    """One open stream; ``status`` and ``headers`` tell how the server answered."""

    def __init__(self, client: ConsoleClient, path: str = "/console/events",
                 headers: dict[str, str] | None = None) -> None:
        self.client, self.path, self.extra = client, path, headers or {}
        self.response: aiohttp.ClientResponse | None = None
        self.seen: list[Event] = []

    async def __aenter__(self) -> EventStream:
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        self.response = await self.client.http.get(self.client.base + self.path, allow_redirects=False,
                                                   timeout=timeout, headers={"Accept": "text/event-stream",
                                                                             **self.extra})
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.response is not None:
            self.response.close()

    @property
    def status(self) -> int:
        assert self.response is not None
        return self.response.status

    @property
    def headers(self) -> Any:
        assert self.response is not None
        return self.response.headers

    async def next(self, within: float = WAIT) -> Event | None:
        """The next whole event (a heartbeat comes as an event with ``comment``); ``None`` at the end."""
        assert self.response is not None
        found = Event()
        while True:
            raw = await asyncio.wait_for(self.response.content.readline(), within)
            if not raw:
                return None
            line = raw.decode().rstrip("\n")
            if line == "":
                if found.lines:
                    self.seen.append(found)
                    return found
                continue
            found.lines.append(line)
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                found.comment = value
            elif name == "event":
                found.event = value
            elif name == "id":
                found.id = value
            elif name == "data":
                found.data = f"{found.data}\n{value}" if found.data else value

    async def wait_for(self, matches: Callable[[Event], bool], within: float = WAIT) -> Event:
        """The first event that ``matches`` within ``within`` seconds in all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no matching event in {within} s; saw {[e.lines for e in self.seen]}")
            event = await self.next(left)
            if event is None:
                raise AssertionError(f"the stream ended; saw {[e.lines for e in self.seen]}")
            if matches(event):
                return event
