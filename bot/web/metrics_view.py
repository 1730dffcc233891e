"""``/metrics``: the process's counters (``bot.core.metrics``) plus gauges read from the database.

Pending and overdue messages and open alerts are facts about the database, not
about this process (another replica may have queued them, a restart must not
reset them), so they are counted with a few indexed ``GROUP BY`` queries when
Prometheus scrapes, and exposed from a per-server registry. If the database
does not answer, the counters are still served and ``aftercare_database_up``
is 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import col, select

from bot.checkins.queries import still_wanted
from bot.core.db import Database
from bot.core.logging import get_logger
from bot.core.metrics import REGISTRY
from bot.core.models import Alert, MessageKind, MessageStatus, ScheduledMessage
from bot.web.server import HealthPolicy, WebContext, context

log = get_logger("aftercare.web.metrics")

METRICS_KEY = "aftercare.metrics_registry"


class DatabaseGauges(Collector):
    """The latest database snapshot, refreshed (async) just before each scrape renders it."""

    def __init__(self) -> None:
        self.up = 0.0
        self.pending: dict[str, int] = {}
        self.overdue: dict[str, int] = {}
        self.open_alerts: dict[tuple[str, str], int] = {}

    async def refresh(self, db: Database, now: datetime, policy: HealthPolicy) -> None:
        try:
            async with asyncio.timeout(policy.database_timeout):
                await self._read(db, now - timedelta(seconds=policy.overdue_after))
        except Exception as exc:  # a broken database must not break the scrape of the counters
            self.up = 0.0
            log.warning("metrics_database_unavailable", error_type=type(exc).__name__)
        else:
            self.up = 1.0

    async def _read(self, db: Database, overdue_before: datetime) -> None:
        waiting = (MessageStatus.PENDING, MessageStatus.SENDING)
        async with db.session() as session:
            pending = await session.exec(
                select(ScheduledMessage.kind, func.count())
                .where(ScheduledMessage.status == MessageStatus.PENDING, still_wanted())
                .group_by(ScheduledMessage.kind)
            )
            self.pending = {kind: int(count) for kind, count in pending.all()}
            overdue = await session.exec(
                select(ScheduledMessage.kind, func.count())
                .where(col(ScheduledMessage.status).in_(waiting), col(ScheduledMessage.due_at) < overdue_before)
                .group_by(ScheduledMessage.kind)
            )
            self.overdue = {kind: int(count) for kind, count in overdue.all()}
            alerts = await session.exec(
                select(Alert.clinic_id, Alert.level, func.count())
                .where(col(Alert.acknowledged_at).is_(None))
                .group_by(Alert.clinic_id, Alert.level)
            )
            self.open_alerts = {(clinic, level): int(count) for clinic, level, count in alerts.all()}

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("aftercare_database_up", "1 if the last scrape could read the database.")
        up.add_metric([], self.up)
        yield up
        if not self.up:
            return
        kinds = sorted({*MessageKind, *self.pending, *self.overdue})
        pending = GaugeMetricFamily("aftercare_messages_pending", "Scheduled messages waiting to be sent, by kind.",
                                    labels=["kind"])
        overdue = GaugeMetricFamily(
            "aftercare_messages_overdue", "Pending or sending messages more than a minute past due, by kind.",
            labels=["kind"],
        )
        for kind in kinds:
            pending.add_metric([kind], self.pending.get(kind, 0))
            overdue.add_metric([kind], self.overdue.get(kind, 0))
        alerts = GaugeMetricFamily("aftercare_alerts_open", "Alerts no staff member has acknowledged yet.",
                                   labels=["clinic", "level"])
        for (clinic, level), count in sorted(self.open_alerts.items()):
            alerts.add_metric([clinic, level], count)
        yield from (pending, overdue, alerts)


class MetricsEndpoint:
    """Per server: its own registry for the database gauges, the process registry for the rest."""

    def __init__(self) -> None:
        self.gauges = DatabaseGauges()
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self.gauges)

    async def render(self, ctx: WebContext) -> bytes:
        await self.gauges.refresh(ctx.services.db, ctx.services.clock.now(), ctx.health)
        return generate_latest(REGISTRY) + generate_latest(self.registry)


ENDPOINT = web.AppKey(METRICS_KEY, MetricsEndpoint)


async def metrics(request: web.Request) -> web.Response:
    body = await request.app[ENDPOINT].render(context(request))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def setup(app: web.Application, _ctx: WebContext) -> None:
    app[ENDPOINT] = MetricsEndpoint()
    app.router.add_get("/metrics", metrics)
