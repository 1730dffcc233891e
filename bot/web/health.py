"""``/healthz``: is this process doing its job? Database, scheduler and Telegram, each checked.

200 with ``{"status": "ok", "database": "ok", "scheduler": "ok", "telegram": "ok"}``
when all three are fine; otherwise 503 with each part's state and ``failing``
naming the broken ones, so an operator (or ``docker ps``) sees which it is.

- database: ``SELECT 1`` answers within ``database_timeout``.
- scheduler: PTB's JobQueue (APScheduler) is running, and if the dispatcher
  exposes ``last_tick`` (``time.monotonic()`` float, or an aware datetime from
  ``services.clock``), it ran within ``scheduler_max_age``.
- telegram: the Bot API answered (any status below 500 but 401, a refused
  token) within ``telegram_max_age``. Polling answers every few seconds; in
  webhook mode the HTTP component calls getMe when the bot has been quiet.
  When calls failed meanwhile, the state says why the last one did:
  ``no answer for 240s: httpx.ConnectError: All connection attempts failed``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.web.server import HealthPolicy, WebContext, context

OK = "ok"


def telegram_state(age: float | None, policy: HealthPolicy, observed: bool = True, reason: str | None = None) -> str:
    """``ok``, or how long Telegram has been silent and, if calls failed meanwhile, why the last one did."""
    if not observed:
        return OK  # built without ObservedRequest: nothing to judge by, so do not fail on it
    if age is not None and age <= policy.telegram_max_age:
        return OK
    state = "no answer yet" if age is None else f"no answer for {int(age)}s"
    return f"{state}: {reason}" if reason else state


def tick_age(tick: Any, clock_now: datetime, monotonic_now: float) -> float | None:
    """Seconds since the dispatcher's ``last_tick``, whichever representation it uses."""
    if isinstance(tick, datetime):
        return max(0.0, (clock_now - tick).total_seconds())
    if isinstance(tick, int | float) and not isinstance(tick, bool):
        return max(0.0, monotonic_now - float(tick))
    return None


def scheduler_state(ctx: WebContext, monotonic_now: float | None = None) -> str:
    job_queue = ctx.application.job_queue
    if job_queue is None:
        return "absent"
    if not job_queue.scheduler.running:
        return "stopped"
    tick = getattr(ctx.services.dispatcher, "last_tick", None)
    age = tick_age(tick, ctx.services.clock.now(), time.monotonic() if monotonic_now is None else monotonic_now)
    if age is not None and age > ctx.health.scheduler_max_age:
        return f"dispatcher idle for {int(age)}s"
    return OK


def assess(parts: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The response for the parts' states: 200 when every part is ``ok``, else 503 naming the rest."""
    failing = [name for name, state in parts.items() if state != OK]
    body: dict[str, Any] = {"status": OK if not failing else "fail", **parts}
    if failing:
        body["failing"] = failing
    return (200 if not failing else 503), body


async def database_state(ctx: WebContext) -> str:
    try:
        answered = await asyncio.wait_for(ctx.services.db.ping(), ctx.health.database_timeout)
    except TimeoutError:
        return "timeout"
    return OK if answered else "unreachable"


async def check(ctx: WebContext) -> tuple[int, dict[str, Any]]:
    watch = ctx.telegram
    return assess({
        "database": await database_state(ctx),
        "scheduler": scheduler_state(ctx),
        "telegram": telegram_state(watch.age() if watch else None, ctx.health, observed=watch is not None,
                                   reason=watch.reason if watch else None),
    })


async def healthz(request: web.Request) -> web.Response:
    status, body = await check(context(request))
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


def setup(app: web.Application, _ctx: WebContext) -> None:
    app.router.add_get("/healthz", healthz)
