"""What the live Today page listens to: one database poll per server, shared by every open stream.

Alerts are rows written by whichever replica's bot raised them, so the console
learns about them from the database, not from memory: every ``interval``
seconds, while at least one Today page listens, one query reads a small
"mark" per clinic being watched (newest alert id, open alerts, re-alerts).
Only when a clinic's mark moves is its list of open alerts read, once, and
every stream of that clinic is woken to send it. Fifty open pages cost the
same query as one (``bench/console_live.py`` measures it).

Streams are bounded (per server and per sign-in), and ``close()`` (called
from aiohttp's ``on_shutdown``, before the server waits for its handlers)
wakes every stream so it ends at once: a graceful shutdown never waits on an
open page. Sign-outs on any replica are looked up for all streams in one
query every ``signout_every`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.logging import get_logger
from bot.core.models import Alert, ConsoleLogin
from bot.core.services import Services
from bot.staff.staff_views import AlertView, open_alerts
from bot.web.console.today_data import by_urgency
from bot.web.server import LivePolicy

log = get_logger("aftercare.console")


@dataclass(frozen=True)
class Mark:
    """A clinic's open alerts in three numbers: newest id, how many, re-posts between them.

    A new alert raises ``newest``; taking one lowers ``open`` (or, with a new
    one at once, still changes ``newest``); a re-alert raises ``realerts``.
    """

    newest: int = 0
    open: int = 0
    realerts: int = 0

    @property
    def token(self) -> str:
        return f"{self.newest}.{self.open}.{self.realerts}"

    @classmethod
    def of(cls, alerts: Iterable[AlertView]) -> Mark:
        """The mark of alerts already read (the open ones of one clinic), without asking the database again."""
        listed = list(alerts)
        return cls(max((alert.id for alert in listed), default=0), len(listed),
                   sum(alert.realert_count for alert in listed))

    @classmethod
    def parse(cls, token: str | None) -> Mark | None:
        try:
            newest, opened, realerts = (int(part) for part in (token or "").split("."))
        except ValueError:
            return None
        return cls(newest, opened, realerts)


@dataclass(frozen=True)
class Snapshot:
    """A clinic's open alerts as of ``mark``, shared by all its streams.

    ``rendered`` keeps the alerts section as rendered once per language
    (``views_events``), so fifty open pages cost one rendering, not fifty.
    """

    mark: Mark
    alerts: tuple[AlertView, ...]
    rendered: dict[str, str] = field(default_factory=dict, compare=False)


class FeedClosed(Exception):
    """The server is shutting down."""


class FeedFull(Exception):
    """Too many open streams (on the server, or for this sign-in)."""


@dataclass(eq=False)
class Listener:
    """One open stream: its clinic, its sign-in, and a flag the feed raises when there is news."""

    clinic_id: str
    login_id: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    ended: bool = False  # signed out on some replica


async def marks(session: AsyncSession, clinic_ids: Iterable[str]) -> dict[str, Mark]:
    """The mark of each clinic, in one grouped query over open alerts only.

    ``ix_alert_clinic_open`` makes that a short index range per clinic, so the
    cost follows the handful of open alerts, not the clinic's years of history.
    """
    statement = (select(Alert.clinic_id, func.max(Alert.id), func.count(), func.sum(Alert.realert_count))
                 .where(col(Alert.clinic_id).in_(list(clinic_ids)), col(Alert.acknowledged_at).is_(None))
                 .group_by(col(Alert.clinic_id)))
    rows = (await session.exec(statement)).all()
    return {clinic: Mark(int(newest or 0), int(opened or 0), int(realerts or 0))
            for clinic, newest, opened, realerts in rows}


async def signed_out(session: AsyncSession, login_ids: Iterable[int]) -> set[int]:
    """Which of these sign-ins ended (Sign out, on any replica), or no longer exist."""
    wanted = set(login_ids)
    statement = select(ConsoleLogin.id).where(col(ConsoleLogin.id).in_(wanted),
                                              col(ConsoleLogin.signed_out_at).is_(None))
    alive = {row for row in (await session.exec(statement)).all()}
    return wanted - alive


class AlertFeed:
    """The per-server poller and its listeners (see the module docstring)."""

    def __init__(self, services: Services, policy: LivePolicy | None = None) -> None:
        self.services = services
        self.policy = policy or LivePolicy()
        self.listeners: set[Listener] = set()
        self.snapshots: dict[str, Snapshot] = {}
        self.polls = 0  # how many times the marks were read (the bench and tests look)
        self.news_at = 0.0  # ``time.perf_counter()`` when a poll last found a clinic's alerts changed
        self.closed = False
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_signout_check = 0.0

    def join(self, clinic_id: str, login_id: int) -> Listener:
        """A new stream; the poller starts (or looks at once) so it gets a snapshot quickly."""
        if self.closed:
            raise FeedClosed
        if len(self.listeners) >= self.policy.max_streams:
            raise FeedFull
        if sum(1 for other in self.listeners if other.login_id == login_id) >= self.policy.per_login:
            raise FeedFull
        listener = Listener(clinic_id, login_id)
        self.listeners.add(listener)
        if clinic_id in self.snapshots:
            listener.wake.set()
        self._kick.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="console-live-feed")
        return listener

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)
        if not any(other.clinic_id == listener.clinic_id for other in self.listeners):
            self.snapshots.pop(listener.clinic_id, None)  # nobody watches it: forget, read afresh next time

    async def close(self) -> None:
        """End every stream now and stop polling (aiohttp ``on_shutdown``)."""
        self.closed = True
        for listener in self.listeners:
            listener.wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while self.listeners and not self.closed:
            self._kick.clear()  # before the poll: a page that opens during it gets another look at once
            try:
                await self.poll()
            except Exception as exc:  # a database hiccup: the streams keep their last news, try again
                log.warning("console_live_poll_failed", error_type=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), self.policy.interval)

    async def poll(self) -> None:
        """One look: the marks of the watched clinics, then the alerts of those whose mark moved."""
        watched = {listener.clinic_id for listener in self.listeners}
        if not watched:
            return
        check_signouts = time.monotonic() - self._last_signout_check >= self.policy.signout_every
        async with self.services.db.report(large=False) as session:
            found = await marks(session, watched)
            self.polls += 1
            moved = [clinic for clinic in watched
                     if clinic not in self.snapshots or self.snapshots[clinic].mark != found.get(clinic, Mark())]
            for clinic in moved:
                alerts = tuple(by_urgency(await open_alerts(session, clinic)))
                self.snapshots[clinic] = Snapshot(found.get(clinic, Mark()), alerts)
            ended = await signed_out(session, {lis.login_id for lis in self.listeners}) if check_signouts else set()
        if check_signouts:
            self._last_signout_check = time.monotonic()
        if moved:
            self.news_at = time.perf_counter()
        for listener in list(self.listeners):
            if listener.login_id in ended:
                listener.ended = True
            if listener.clinic_id in moved or listener.ended:
                listener.wake.set()
